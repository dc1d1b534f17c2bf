/**
 * Property tests over random caveats of every standard type (generalising the fixed encodings of
 * vectors.test.ts): JSON → MessagePack → decode → MessagePack is the identity on bytes, the JSON view
 * converts back to the same bytes, tokens re-encode byte for byte, and the chain verifies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FlyCaveatRegistry,
  FlyMacaroon,
  MsgpackReader,
  MsgpackWriter,
  verifyFlySignature,
} from '../../src/fly/index.js';

const registry = FlyCaveatRegistry.standard();
const bounds = { maxDepth: 16, maxElements: 4096, maxFieldBytes: 65536 };

// Masks within the five named bits: superfly's JSON form writes only those letters, so other bits (and
// '*', which is 0xffff) do not survive a JSON round trip, in Go either (vectors.test.ts, "action star").
const action = fc.oneof(fc.constantFrom('r', 'w', 'rw', 'rwcdC', 'C', ''), fc.integer({ min: 0, max: 31 }));
const uint64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const strSet = fc.dictionary(
  text.filter((s) => s !== ''),
  action,
  { maxKeys: 20 },
);
const appSet = fc.dictionary(uint64.filter((n) => n !== 0n).map(String), action, { maxKeys: 20 });

const leaf = fc.oneof(
  fc.record({ type: fc.constant('Organization'), body: fc.record({ id: uint64, mask: action }) }),
  fc.record({
    type: fc.constant('ValidityWindow'),
    body: fc.record({
      not_before: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
      not_after: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
    }),
  }),
  fc.record({ type: fc.constant('Apps'), body: fc.record({ apps: appSet }) }),
  fc.record({ type: fc.constant('Volumes'), body: fc.record({ volumes: strSet }) }),
  fc.record({ type: fc.constant('FeatureSet'), body: fc.record({ features: strSet }) }),
  fc.record({ type: fc.constant('StorageObjects'), body: fc.record({ storage_objects: strSet }) }),
  fc.record({
    type: fc.constant('Mutations'),
    body: fc.record({ mutations: fc.array(text, { maxLength: 20 }) }),
  }),
  fc.record({
    type: fc.constant('Commands'),
    body: fc.array(fc.record({ args: fc.array(text, { maxLength: 4 }), exact: fc.boolean() }), {
      maxLength: 4,
    }),
  }),
  fc.record({ type: fc.constant('Action'), body: action }),
  fc.record({ type: fc.constant('AllowedRoles'), body: fc.integer({ min: 0, max: 0xffffffff }) }),
  fc.record({ type: fc.constant('IsMember'), body: fc.constant({}) }),
  fc.record({
    type: fc.constant('FlySrc'),
    body: fc.record({ organization: text, app: text, instance: text }),
  }),
  fc.record({ type: fc.constant('FromMachineSource'), body: fc.record({ id: text }) }),
  fc.record({ type: fc.constant('IsUser'), body: fc.record({ uint64 }) }),
  fc.record({ type: fc.constant('ConfineGoogleHD'), body: text }),
  fc.record({ type: fc.constant('MaxValidity'), body: uint64 }),
  fc.record({ type: fc.constant('BindToParentToken'), body: fc.uint8Array({ maxLength: 40 }) }),
);

const caveat = fc.letrec((tie) => ({
  caveat: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('ifPresent')),
  ifPresent: fc.record({
    type: fc.constant('IfPresent'),
    body: fc.record({ ifs: fc.array(tie('caveat'), { maxLength: 3 }), else: action }),
  }),
})).caveat;

function bytesOf(json: unknown[]): Uint8Array {
  const w = new MsgpackWriter();
  registry.write(w, registry.fromJSON(json));
  return w.bytes();
}

describe('Fly caveats round-trip', () => {
  it('JSON → MessagePack → decode → MessagePack and → JSON → MessagePack give the same bytes', () => {
    fc.assert(
      fc.property(fc.array(caveat, { maxLength: 6 }), (json) => {
        const bytes = bytesOf(json);
        const decoded = registry.read(new MsgpackReader(bytes, bounds));
        const again = new MsgpackWriter();
        registry.write(again, decoded);
        expect(again.bytes()).toEqual(bytes);
        const view = registry.toJSON(decoded).map(({ type, body }) => ({ type, body }));
        expect(bytesOf(view)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('tokens re-encode byte for byte and verify after any attenuation', () => {
    const key = new Uint8Array(32).fill(9);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.array(caveat, { maxLength: 6 }), (kid, json) => {
        // A top-level BindToParentToken makes a token a bound discharge: verified alone it fails, as in Go.
        fc.pre(!json.some((c) => (c as { type: string }).type === 'BindToParentToken'));
        const m = FlyMacaroon.create({ key, kid, location: 'https://api.fly.io/v1' }).attenuate(
          json as never,
        );
        const decoded = FlyMacaroon.decode(m.encode());
        expect(decoded.encode()).toBe(m.encode());
        expect(() => verifyFlySignature(decoded, key)).not.toThrow();
        expect(() => verifyFlySignature(decoded, new Uint8Array(32))).toThrow();
      }),
      { numRuns: 150 },
    );
  });
});

describe('resource ids that are names of Object.prototype', () => {
  it('keep `__proto__` and `constructor` as plain keys through MessagePack and the JSON view', () => {
    const body = JSON.parse('{"storage_objects":{"__proto__":"r","constructor":"w"}}');
    const json = [{ type: 'StorageObjects', body }];
    const bytes = bytesOf(json);
    const view = registry.toJSON(registry.read(new MsgpackReader(bytes, bounds)));
    const viewed = view[0]?.body as { storage_objects: Record<string, string> } | undefined;
    const ids = viewed?.storage_objects ?? {};
    expect(Object.keys(ids)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(ids)).toBe(Object.prototype);
    expect(bytesOf(view.map(({ type, body }) => ({ type, body })))).toEqual(bytes);
  });
});
