/**
 * Fuzzing: random and mutated bytes and strings fed to deserialize, verify and verifyBatch.
 * The only acceptable outcomes are a result or a MacaroonError; afterwards the engines still work.
 * `npm test` runs a short fuzz; `npm run fuzz` runs a long one (FUZZ_RUNS).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { base64UrlEncode } from '../src/codec/base64.js';
import { type Format, Macaroon, MacaroonError, Verifier } from '../src/index.js';
import { ENGINES, loadEngines } from './engines.js';

beforeAll(loadEngines);

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const ROOT_KEY = 'fuzz root key';
const FORMATS: Format[] = ['v1', 'v2', 'v1j', 'v2j'];

const root = Macaroon.create('https://svc/', ROOT_KEY, 'fuzz-id')
  .addFirstPartyCaveat('account = 1')
  .addThirdPartyCaveat('https://auth/', 'caveat key', 'cid-1')
  .addFirstPartyCaveat('x'.repeat(70));
const discharge = root.prepareForRequest(
  Macaroon.create('https://auth/', 'caveat key', 'cid-1').addFirstPartyCaveat('user = a'),
);
const SEEDS = FORMATS.flatMap((f) => [root.serialize(f), discharge.serialize(f)]);
const BINARY_SEEDS = [root.toBytes('v2'), root.toBytes('v1'), discharge.toBytes('v2')];

/** Runs `f`; anything thrown must be a MacaroonError. */
function onlyResultOrMacaroonError(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof MacaroonError)) throw e;
  }
}

const mutatedBytes = fc
  .tuple(
    fc.constantFrom(...BINARY_SEEDS),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(3)), { maxLength: 8 }),
  )
  .map(([seed, edits]) => {
    let out = Array.from(seed);
    for (const [pos, value, kind] of edits) {
      const at = out.length === 0 ? 0 : pos % out.length;
      if (kind === 0) out[at] = value;
      else if (kind === 1) out.splice(at, 0, value);
      else if (kind === 2) out = out.slice(0, at);
      else out.splice(at, 1);
    }
    return Uint8Array.from(out);
  });

const mutatedText = fc
  .tuple(
    fc.constantFrom(...SEEDS),
    fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 3 }), fc.boolean()), { maxLength: 6 }),
  )
  .map(([seed, edits]) => {
    let out = seed;
    for (const [pos, text, cut] of edits) {
      const at = out.length === 0 ? 0 : pos % out.length;
      out = cut
        ? out.slice(0, at) + out.slice(at + 1 + text.length)
        : out.slice(0, at) + text + out.slice(at);
    }
    return out;
  });

/** JSON with fields replaced by values of the wrong type, or removed. */
const mutatedJson = fc
  .tuple(
    fc.constantFrom(...FORMATS.filter((f) => f.endsWith('j')).map((f) => JSON.parse(root.serialize(f)))),
    fc.array(
      fc.tuple(
        fc.constantFrom(
          'v',
          'i',
          'i64',
          's',
          's64',
          'l',
          'c',
          'identifier',
          'signature',
          'location',
          'caveats',
        ),
        fc.jsonValue(),
      ),
      {
        maxLength: 3,
      },
    ),
  )
  .map(([obj, edits]) => {
    const copy = { ...obj };
    for (const [key, value] of edits) copy[key] = value;
    return JSON.stringify(copy);
  });

/** Huge and overlong varints in V2 field headers. */
const hugeVarints = fc
  .array(fc.integer({ min: 0x80, max: 0xff }), { minLength: 1, maxLength: 12 })
  .chain((prefix) => fc.tuple(fc.constant(prefix), fc.integer({ min: 0, max: 0x7f })))
  .map(([prefix, last]) => Uint8Array.from([2, 2, ...prefix, last, 0x41, 0x42]));

const anyInput = fc.oneof(
  fc.uint8Array({ maxLength: 400 }),
  fc.string({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => base64UrlEncode(b)),
  fc.uint8Array({ maxLength: 300 }).map((b) => Uint8Array.from([2, ...b])),
  mutatedBytes,
  mutatedText,
  mutatedJson,
  hugeVarints,
);

describe('fuzzing deserialize', () => {
  it('returns a macaroon or throws a MacaroonError, for anything', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        onlyResultOrMacaroonError(() => Macaroon.deserialize(input));
        onlyResultOrMacaroonError(() => Macaroon.deserializeBundle(input));
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it('re-serializes whatever it accepts, and reads that back to the same macaroon', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        let m: Macaroon;
        try {
          m = Macaroon.deserialize(input);
        } catch (e) {
          expect(e).toBeInstanceOf(MacaroonError);
          return;
        }
        expect(Macaroon.deserialize(m.serialize('v2')).equals(m)).toBe(true);
      }),
      { numRuns: RUNS * 2 },
    );
  });
});

for (const engine of ENGINES) {
  describe(`fuzzing verification (${engine} engine)`, () => {
    const verifier = () =>
      new Verifier({ engine })
        .satisfyExact('account = 1')
        .satisfyExact('x'.repeat(70))
        .satisfyExact('user = a');

    it('verify and verifyBatch only return verdicts or MacaroonErrors, item by item', () => {
      const v = verifier();
      fc.assert(
        fc.property(
          fc.array(fc.tuple(anyInput, fc.array(anyInput, { maxLength: 2 })), { maxLength: 6 }),
          (items) => {
            const batch = items.map(([macaroon, discharges]) => ({
              macaroon,
              rootKey: ROOT_KEY,
              discharges,
            }));
            const results = v.verifyBatch(batch);
            expect(results).toHaveLength(batch.length);
            batch.forEach((item, i) => {
              const r = results[i];
              if (r?.error) expect(r.error).toBeInstanceOf(MacaroonError);
              // The batch verdict equals the verdict for the item alone.
              expect(v.verifyBatch([item])[0]?.ok).toBe(r?.ok);
            });
            for (const [input] of items) {
              onlyResultOrMacaroonError(() => {
                const m = Macaroon.deserialize(input);
                v.verifyUnsafe(m, ROOT_KEY, [discharge]);
              });
            }
          },
        ),
        { numRuns: RUNS },
      );
      // The engine still works afterwards.
      expect(v.verifyUnsafe(root, ROOT_KEY, [discharge])).toBe(true);
      expect(v.verifyUnsafe(root, 'wrong', [discharge])).toBe(false);
    });
  });
}
