import { beforeAll, describe, expect, it } from 'vitest';
import { setWasmEngine, wasmEngineLoaded } from '../src/engine/registry.js';
import {
  EngineError,
  InvalidArgumentError,
  LimitExceededError,
  Macaroon,
  MacaroonError,
  NotAuthorizedError,
  type NotAuthorizedReason,
  Verifier,
} from '../src/index.js';
import { ENGINES, loadEngines } from './engines.js';

beforeAll(loadEngines);

const ROOT_KEY = 'root key of the target service';

function reasonOf(f: () => void): NotAuthorizedReason | 'authorized' {
  try {
    f();
    return 'authorized';
  } catch (e) {
    if (e instanceof NotAuthorizedError) return e.reason;
    throw e;
  }
}

/** root --(cid a)--> discharge A --(cid b)--> discharge B (a discharge needing its own discharge). */
function nested() {
  const root = Macaroon.create('svc', ROOT_KEY, 'root-id')
    .addFirstPartyCaveat('op = read')
    .addThirdPartyCaveat('a', 'key a', 'cid a');
  const a = Macaroon.create('a', 'key a', 'cid a')
    .addFirstPartyCaveat('user = bob')
    .addThirdPartyCaveat('b', 'key b', 'cid b');
  const b = Macaroon.create('b', 'key b', 'cid b').addFirstPartyCaveat('mfa = yes');
  return { root, a, b, boundA: root.prepareForRequest(a), boundB: root.prepareForRequest(b) };
}

for (const engine of ENGINES) {
  describe(`verification semantics (${engine} engine)`, () => {
    const verifier = (options: { allowUnusedDischarges?: boolean } = {}) =>
      new Verifier({ engine, ...options })
        .satisfyExact('op = read')
        .satisfyExact('user = bob')
        .satisfyExact('mfa = yes');

    it('accepts nested discharges, each bound to the root', () => {
      const { root, boundA, boundB } = nested();
      expect(reasonOf(() => verifier().verify(root, ROOT_KEY, [boundA, boundB]))).toBe('authorized');
      expect(reasonOf(() => verifier().verify(root, ROOT_KEY, [boundB, boundA]))).toBe('authorized');
    });

    it('checks the first-party caveats of discharges too', () => {
      const { root, boundA, boundB } = nested();
      const v = new Verifier({ engine }).satisfyExact('op = read').satisfyExact('user = bob');
      expect(reasonOf(() => v.verify(root, ROOT_KEY, [boundA, boundB]))).toBe('caveat-not-satisfied');
    });

    it('rejects a discharge bound to the discharge instead of the root', () => {
      const { root, a, b, boundA } = nested();
      expect(reasonOf(() => verifier().verify(root, ROOT_KEY, [boundA, a.prepareForRequest(b)]))).toBe(
        'signature-mismatch',
      );
      expect(reasonOf(() => verifier().verify(root, ROOT_KEY, [a, root.prepareForRequest(b)]))).toBe(
        'signature-mismatch',
      );
    });

    it('names a missing discharge', () => {
      const { root, boundA } = nested();
      expect(reasonOf(() => verifier().verify(root, ROOT_KEY, [boundA]))).toBe('discharge-missing');
      expect(reasonOf(() => verifier().verify(root, ROOT_KEY))).toBe('discharge-missing');
    });

    it('rejects unused discharges by default and accepts them when allowed', () => {
      const { root, boundA, boundB } = nested();
      const extra = root.prepareForRequest(Macaroon.create('x', 'key x', 'unrelated'));
      expect(reasonOf(() => verifier().verify(root, ROOT_KEY, [boundA, boundB, extra]))).toBe(
        'discharge-unused',
      );
      expect(
        reasonOf(() =>
          verifier({ allowUnusedDischarges: true }).verify(root, ROOT_KEY, [boundA, boundB, extra]),
        ),
      ).toBe('authorized');
    });

    it('ends cycles cleanly: a discharge that needs itself, two that need each other', () => {
      const root = Macaroon.create('svc', ROOT_KEY, 'root').addThirdPartyCaveat('a', 'ka', 'A');
      const selfish = Macaroon.create('a', 'ka', 'A').addThirdPartyCaveat('a', 'ka', 'A');
      expect(reasonOf(() => verifier().verify(root, ROOT_KEY, [root.prepareForRequest(selfish)]))).toBe(
        'discharge-reused',
      );
      const a = Macaroon.create('a', 'ka', 'A').addThirdPartyCaveat('b', 'kb', 'B');
      const b = Macaroon.create('b', 'kb', 'B').addThirdPartyCaveat('a', 'ka', 'A');
      expect(
        reasonOf(() =>
          verifier().verify(root, ROOT_KEY, [root.prepareForRequest(a), root.prepareForRequest(b)]),
        ),
      ).toBe('discharge-reused');
    });

    it('rejects many discharges with the same identifier cleanly', () => {
      const root = Macaroon.create('svc', ROOT_KEY, 'root').addThirdPartyCaveat('a', 'ka', 'A');
      const good = root.prepareForRequest(Macaroon.create('a', 'ka', 'A'));
      const copies = Array.from({ length: 64 }, () => good);
      // The first match is used; every other copy is unused, which is refused by default.
      expect(reasonOf(() => verifier().verify(root, ROOT_KEY, copies))).toBe('discharge-unused');
      expect(reasonOf(() => verifier({ allowUnusedDischarges: true }).verify(root, ROOT_KEY, copies))).toBe(
        'authorized',
      );
      // Copies that each need another copy of themselves end at the first reuse.
      const selfish = root.prepareForRequest(
        Macaroon.create('a', 'ka', 'A').addThirdPartyCaveat('a', 'ka', 'A'),
      );
      expect(
        reasonOf(() =>
          verifier().verify(
            root,
            ROOT_KEY,
            Array.from({ length: 64 }, () => selfish),
          ),
        ),
      ).toBe('discharge-reused');
      expect(() =>
        verifier().verify(
          root,
          ROOT_KEY,
          Array.from({ length: 65 }, () => good),
        ),
      ).toThrow(LimitExceededError);
    });

    it('limits discharge depth', () => {
      let root = Macaroon.create('svc', ROOT_KEY, 'root');
      root = root.addThirdPartyCaveat('d', 'k0', 'd0');
      const chain: Macaroon[] = [];
      for (let i = 0; i < 5; i++) {
        let d = Macaroon.create('d', `k${i}`, `d${i}`);
        if (i < 4) d = d.addThirdPartyCaveat('d', `k${i + 1}`, `d${i + 1}`);
        chain.push(root.prepareForRequest(d));
      }
      expect(reasonOf(() => new Verifier({ engine }).verify(root, ROOT_KEY, chain))).toBe('authorized');
      const shallow = new Verifier({ engine, limits: { maxDischargeDepth: 3 } });
      expect(reasonOf(() => shallow.verify(root, ROOT_KEY, chain))).toBe('depth-exceeded');
    });

    it('fails decryption with a wrong root key on a third-party caveat', () => {
      const { root, boundA, boundB } = nested();
      expect(reasonOf(() => verifier().verify(root, 'wrong', [boundA, boundB]))).toBe('decryption-failed');
    });

    it('never lets a location change the verdict', () => {
      const m = Macaroon.create('svc', ROOT_KEY, 'id').addFirstPartyCaveat('op = read');
      const json = JSON.parse(m.serialize('v2j'));
      json.l = 'https://evil.example/';
      expect(reasonOf(() => verifier().verify(Macaroon.deserialize(JSON.stringify(json)), ROOT_KEY))).toBe(
        'authorized',
      );
    });

    it('satisfies binary predicates only exactly; general checks see text and a context', () => {
      const bin = Uint8Array.from([0xff, 0x00, 0x01]);
      const m = Macaroon.create('svc', ROOT_KEY, 'id')
        .addFirstPartyCaveat(bin)
        .addFirstPartyCaveat('account = 42');
      const all = new Verifier({ engine }).satisfyGeneral(() => true);
      expect(reasonOf(() => all.verify(m, ROOT_KEY))).toBe('caveat-not-satisfied');
      const v = new Verifier({ engine })
        .satisfyExact(bin)
        .satisfyGeneral((p, ctx) => p === `account = ${(ctx as { id: number }).id}`);
      expect(reasonOf(() => v.verify(m, ROOT_KEY, [], { context: { id: 42 } }))).toBe('authorized');
      expect(reasonOf(() => v.verify(m, ROOT_KEY, [], { context: { id: 7 } }))).toBe('caveat-not-satisfied');
      const perRequest = new Verifier({ engine }).satisfyExact(bin);
      expect(reasonOf(() => perRequest.verify(m, ROOT_KEY, [], { exact: ['account = 42'] }))).toBe(
        'authorized',
      );
      expect(reasonOf(() => perRequest.verify(m, ROOT_KEY))).toBe('caveat-not-satisfied');
    });

    it('treats a throwing general check as not satisfied', () => {
      const m = Macaroon.create('svc', ROOT_KEY, 'id').addFirstPartyCaveat('x');
      const v = new Verifier({ engine }).satisfyGeneral(() => {
        throw new Error('boom');
      });
      expect(reasonOf(() => v.verify(m, ROOT_KEY))).toBe('caveat-not-satisfied');
    });

    it('verifies a batch item by item, each exactly as verify would', () => {
      const { root, boundA, boundB } = nested();
      const good = Macaroon.create('svc', ROOT_KEY, 'x').addFirstPartyCaveat('op = read');
      const results = verifier().verifyBatch([
        { macaroon: root.serialize(), rootKey: ROOT_KEY, discharges: [boundA.serialize(), boundB] },
        { macaroon: 'not a macaroon', rootKey: ROOT_KEY },
        { macaroon: good, rootKey: 'other key' },
        { macaroon: good.serialize('v2j'), rootKey: ROOT_KEY },
        { macaroon: root, rootKey: ROOT_KEY, discharges: [boundA] },
        null as never,
      ]);
      expect(results.map((r) => r.ok)).toEqual([true, false, false, true, false, false]);
      expect(results[1]?.error?.code).toBe('ERR_DECODE');
      expect((results[2]?.error as NotAuthorizedError | undefined)?.reason).toBe('signature-mismatch');
      expect((results[4]?.error as NotAuthorizedError | undefined)?.reason).toBe('discharge-missing');
      expect(results[5]?.error).toBeInstanceOf(InvalidArgumentError);
      for (const r of results) if (r.error) expect(r.error).toBeInstanceOf(MacaroonError);
    });

    it('enforces limits before doing the work', () => {
      let m = Macaroon.create('svc', ROOT_KEY, 'id');
      for (let i = 0; i < 5; i++) m = m.addFirstPartyCaveat(`c${i}`);
      const v = new Verifier({ engine, limits: { maxCaveats: 4, maxDischarges: 1, maxTokenBytes: 50 } });
      expect(() => v.verify(m, ROOT_KEY)).toThrow(LimitExceededError);
      expect(() => v.verify(Macaroon.create('s', 'k', 'i'), 'k', [m, m])).toThrow(LimitExceededError);
      expect(v.verifyBatch([{ macaroon: m.serialize(), rootKey: ROOT_KEY }])[0]?.error).toBeInstanceOf(
        LimitExceededError,
      );
    });

    it('never puts keys or signatures in error messages', () => {
      const { root, boundA, boundB } = nested();
      const sigHex = Buffer.from(root.signature).toString('hex');
      for (const [key, discharges] of [
        ['wrong', [boundA, boundB]],
        [ROOT_KEY, [boundA]],
        [ROOT_KEY, []],
      ] as const) {
        try {
          new Verifier({ engine }).verify(root, key, [...discharges]);
        } catch (e) {
          const message = (e as Error).message;
          expect(message).not.toContain(ROOT_KEY);
          expect(message).not.toContain(sigHex);
          expect(message).not.toContain(Buffer.from(root.signature).toString('base64url'));
        }
      }
    });
  });
}

describe('Verifier options', () => {
  it('rejects bad arguments with typed errors', () => {
    expect(() => new Verifier({ engine: 'gpu' as never })).toThrow(InvalidArgumentError);
    expect(() => new Verifier({ limits: { maxCaveats: -1 } })).toThrow(InvalidArgumentError);
    expect(() => new Verifier().satisfyGeneral('nope' as never)).toThrow(InvalidArgumentError);
    expect(() => new Verifier().verify(42 as never, 'k')).toThrow(InvalidArgumentError);
    expect(() => new Verifier().verify(Macaroon.create('l', 'k', 'i'), 5 as never)).toThrow(
      InvalidArgumentError,
    );
    expect(() => new Verifier().verifyBatch('x' as never)).toThrow(InvalidArgumentError);
  });

  it('is explicit when the WASM engine is requested before it is loaded', () => {
    const loaded = wasmEngineLoaded();
    setWasmEngine(undefined);
    try {
      const v = new Verifier({ engine: 'wasm' });
      expect(() => v.verify(Macaroon.create('l', 'k', 'i'), 'k')).toThrow(EngineError);
      expect(new Verifier({ engine: 'auto' }).engine).toBe('js');
    } finally {
      setWasmEngine(loaded);
    }
  });
});
