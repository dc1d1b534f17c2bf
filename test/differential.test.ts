/**
 * Differential properties: the WASM engine returns exactly the TS engine's verdicts for random macaroon
 * trees (binary keys and identifiers, 0–40 caveats of 0–300 bytes, nested third-party caveats) and for
 * random corruptions of them, alone and in mixed batches, called directly and through the Verifier
 * after a trip through every wire format.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { tsEngine } from '../src/engine/ts.js';
import type { Engine, EngineVerdict, VerificationJob, WalkPolicy } from '../src/engine/types.js';
import { createWasmEngine } from '../src/engine/wasm.js';
import { compileEngineModule, type WasmBuild } from '../src/engine/wasm-modules.js';
import {
  type BatchItem,
  type Format,
  Macaroon,
  MacaroonError,
  NotAuthorizedError,
  Verifier,
} from '../src/index.js';
import { addThirdPartyCaveatWithNonce, macaroonData } from '../src/macaroon.js';
import type { CaveatData, MacaroonData } from '../src/model.js';
import { loadEngines } from './engines.js';

const RUNS = Number(process.env.DIFFERENTIAL_RUNS ?? 150);
const BUILDS: { name: string; engine?: Engine }[] = [{ name: 'scalar' }, { name: 'simd' }];
beforeAll(async () => {
  await loadEngines();
  for (const build of BUILDS)
    build.engine = createWasmEngine(await compileEngineModule(build.name as WasmBuild));
});

// --- random macaroon trees -------------------------------------------------------------------------

const utf8 = (s: string) => new TextEncoder().encode(s);
const identifier = fc.oneof(fc.string({ maxLength: 24 }).map(utf8), fc.uint8Array({ maxLength: 24 }));
const predicate = fc.oneof(
  fc.string({ maxLength: 40 }).map(utf8),
  fc.uint8Array({ maxLength: 300, size: 'max' }),
  fc.constantFrom(utf8('time < 2030-01-01'), utf8('account = 42')),
);
const key = fc.uint8Array({ maxLength: 48 });

interface Tree {
  readonly caveats: readonly CaveatSpec[];
}
type CaveatSpec =
  | { readonly cid: Uint8Array }
  | {
      readonly cid: Uint8Array;
      readonly key: Uint8Array;
      readonly nonce: Uint8Array;
      readonly discharge: Tree;
    };

const { root: rootTree } = fc.letrec<{ root: Tree; tree: Tree; caveat: CaveatSpec }>((tie) => ({
  root: fc.record({
    // A uniform count: the default size would rarely go past 10 caveats.
    caveats: fc
      .integer({ min: 0, max: 40 })
      .chain((n) => fc.array(tie('caveat'), { minLength: n, maxLength: n })),
  }),
  tree: fc.record({ caveats: fc.array(tie('caveat'), { maxLength: 4 }) }),
  caveat: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'discharges', withCrossShrink: true },
    fc.record({ cid: predicate }),
    fc.record({
      cid: identifier,
      key,
      nonce: fc.uint8Array({ minLength: 24, maxLength: 24 }),
      discharge: tie('tree'),
    }),
  ),
}));

interface Minted {
  readonly root: Macaroon;
  /** Every discharge the tree needs, unbound. */
  readonly discharges: Macaroon[];
}

function mint(rootKey: Uint8Array, id: Uint8Array, tree: Tree): Minted {
  let m = Macaroon.create('https://svc/', rootKey, id);
  const discharges: Macaroon[] = [];
  for (const c of tree.caveats) {
    if ('key' in c) {
      m = addThirdPartyCaveatWithNonce(m, 'https://tp/', c.key, c.cid, c.nonce);
      const sub = mint(c.key, c.cid, c.discharge);
      discharges.push(sub.root, ...sub.discharges);
    } else {
      m = m.addFirstPartyCaveat(c.cid);
    }
  }
  return { root: m, discharges };
}

// --- corruptions -----------------------------------------------------------------------------------

type Field = 'identifier' | 'signature' | 'cid' | 'vid';
type Corruption =
  | { kind: 'flip'; target: number; field: Field; caveat: number; bit: number }
  | { kind: 'truncate'; target: number; field: Field; caveat: number; keep: number }
  | { kind: 'swap' | 'drop' | 'duplicate'; target: number; other: number }
  | { kind: 'cycle'; target: number; caveat: number; other: number }
  | { kind: 'wrongKey' | 'unbound' };

const field = fc.constantFrom<Field>('identifier', 'signature', 'cid', 'vid');
const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), target: fc.nat(), field, caveat: fc.nat(), bit: fc.nat() }),
  fc.record({
    kind: fc.constant('truncate' as const),
    target: fc.nat(),
    field,
    caveat: fc.nat(),
    keep: fc.nat(),
  }),
  fc.record({
    kind: fc.constantFrom('swap' as const, 'drop' as const, 'duplicate' as const),
    target: fc.nat(),
    other: fc.nat(),
  }),
  fc.record({ kind: fc.constant('cycle' as const), target: fc.nat(), caveat: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constantFrom('wrongKey' as const, 'unbound' as const) }),
);

interface Request {
  rootKey: Uint8Array;
  /** The root, then the discharges as sent (bound unless corrupted). */
  macaroons: MacaroonData[];
}

function changeBytes(bytes: Uint8Array, c: Corruption): Uint8Array {
  if (c.kind === 'flip') {
    if (bytes.length === 0) return Uint8Array.of(1 << (c.bit % 8));
    const out = bytes.slice();
    const at = c.bit % (bytes.length * 8);
    out[at >> 3] = (out[at >> 3] as number) ^ (1 << (at & 7));
    return out;
  }
  if (c.kind === 'truncate') return bytes.slice(0, c.keep % (bytes.length + 1));
  return bytes;
}

function corruptField(m: MacaroonData, c: Corruption & { field: Field; caveat: number }): MacaroonData {
  if (c.field === 'identifier') return { ...m, identifier: changeBytes(m.identifier, c) };
  if (c.field === 'signature' || m.caveats.length === 0)
    return { ...m, signature: changeBytes(m.signature, c) };
  const ci = c.caveat % m.caveats.length;
  const caveats = m.caveats.slice();
  const cv = caveats[ci] as CaveatData;
  caveats[ci] =
    c.field === 'vid' && cv.verificationId
      ? { ...cv, verificationId: changeBytes(cv.verificationId, c) }
      : { ...cv, identifier: changeBytes(cv.identifier, c) };
  return { ...m, caveats };
}

function corrupt(request: Request, minted: Minted, c: Corruption): Request {
  const list = request.macaroons.slice();
  const pick = (n: number) => n % list.length;
  switch (c.kind) {
    case 'flip':
    case 'truncate':
      list[pick(c.target)] = corruptField(list[pick(c.target)] as MacaroonData, c);
      break;
    case 'swap': {
      const [a, b] = [pick(c.target), pick(c.other)];
      [list[a], list[b]] = [list[b] as MacaroonData, list[a] as MacaroonData];
      break;
    }
    case 'drop':
      if (list.length > 1) list.splice(1 + (c.target % (list.length - 1)), 1);
      break;
    case 'duplicate':
      list.push(list[pick(c.target)] as MacaroonData);
      break;
    case 'cycle': {
      // Point a third-party caveat at another macaroon's identifier (an ancestor, itself, a sibling).
      const m = list[pick(c.target)] as MacaroonData;
      if (m.caveats.length === 0) break;
      const ci = c.caveat % m.caveats.length;
      const caveats = m.caveats.slice();
      caveats[ci] = {
        ...(caveats[ci] as CaveatData),
        identifier: (list[pick(c.other)] as MacaroonData).identifier,
      };
      list[pick(c.target)] = { ...m, caveats };
      break;
    }
    case 'wrongKey':
      return {
        rootKey: changeBytes(request.rootKey, {
          kind: 'flip',
          target: 0,
          field: 'signature',
          caveat: 0,
          bit: 5,
        }),
        macaroons: list,
      };
    case 'unbound':
      return {
        rootKey: request.rootKey,
        macaroons: [list[0] as MacaroonData, ...minted.discharges.map(macaroonData)],
      };
  }
  return { rootKey: request.rootKey, macaroons: list };
}

const scenario = fc
  .record({
    rootKey: key,
    id: identifier,
    tree: rootTree,
    corruptions: fc.oneof(fc.constant([]), fc.array(corruption, { minLength: 1, maxLength: 3 })),
  })
  .map(({ rootKey, id, tree, corruptions }) => {
    const minted = mint(rootKey, id, tree);
    let request: Request = {
      rootKey,
      macaroons: [minted.root, ...minted.discharges.map((d) => minted.root.prepareForRequest(d))].map(
        macaroonData,
      ),
    };
    for (const c of corruptions) request = corrupt(request, minted, c);
    return { minted, request, corrupted: corruptions.length > 0 };
  });

const policy: fc.Arbitrary<WalkPolicy> = fc.record({
  allowUnusedDischarges: fc.boolean(),
  maxDischargeDepth: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constant(16)),
});

const jobOf = (r: Request): VerificationJob => ({ rootKey: r.rootKey, macaroons: r.macaroons });

// --- engine-level properties -----------------------------------------------------------------------

describe.each(BUILDS)('the $name WASM engine agrees with the TS engine', (build) => {
  const wasm = {
    verifyBatch: (jobs: readonly VerificationJob[], p: WalkPolicy) =>
      (build.engine as Engine).verifyBatch(jobs, p),
  };
  it('on single jobs, valid and corrupted', () => {
    fc.assert(
      fc.property(scenario, policy, ({ request }, p) => {
        const job = jobOf(request);
        const expected = tsEngine.verifyBatch([job], p);
        expect(wasm.verifyBatch([job], p)).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('on valid, uncorrupted trees: every verdict is OK and walks every macaroon', () => {
    fc.assert(
      fc.property(
        scenario.filter((s) => !s.corrupted),
        ({ request }) => {
          const p = { allowUnusedDischarges: false, maxDischargeDepth: 16 };
          const [verdict] = wasm.verifyBatch([jobOf(request)], p) as [EngineVerdict];
          // Identifiers may collide (e.g. two empty cids), which legitimately fails; otherwise OK.
          const ids = request.macaroons.slice(1).map((m) => Buffer.from(m.identifier).toString('hex'));
          if (new Set(ids).size === ids.length) {
            expect(verdict.status).toBe(0);
            expect([...verdict.visited].sort((a, b) => a - b)).toEqual(request.macaroons.map((_, i) => i));
          }
          expect(verdict).toEqual(tsEngine.verifyBatch([jobOf(request)], p)[0]);
        },
      ),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('on mixed batches: each verdict is the one its job gets alone', () => {
    fc.assert(
      fc.property(fc.array(scenario, { minLength: 1, maxLength: 12 }), policy, (scenarios, p) => {
        const jobs = scenarios.map((s) => jobOf(s.request));
        const alone = jobs.map((j) => tsEngine.verifyBatch([j], p)[0]);
        expect(wasm.verifyBatch(jobs, p)).toEqual(alone);
        expect(jobs.map((j) => wasm.verifyBatch([j], p)[0])).toEqual(alone);
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  it('on batches whose consecutive jobs share root keys (the derived-key cache)', () => {
    const sharing = fc.record({
      s: scenario,
      // Copies of the job with the same key bytes (the same array or a copy), a longer key, or an empty
      // key (which takes no space, so the next key lands at the same offset).
      copies: fc.array(fc.constantFrom('same-array', 'equal-bytes', 'other-key', 'empty-key'), {
        maxLength: 4,
      }),
    });
    const withKey = (job: VerificationJob, copy: string): VerificationJob => {
      const k = job.rootKey;
      const rootKey =
        copy === 'same-array'
          ? k
          : copy === 'equal-bytes'
            ? k.slice()
            : copy === 'other-key'
              ? Uint8Array.of(...k, 1)
              : new Uint8Array(0);
      return { rootKey, macaroons: job.macaroons };
    };
    fc.assert(
      fc.property(fc.array(sharing, { minLength: 1, maxLength: 8 }), policy, (items, p) => {
        const jobs = items.flatMap(({ s, copies }) => {
          const job = jobOf(s.request);
          return [job, ...copies.map((c) => withKey(job, c)), job];
        });
        expect(wasm.verifyBatch(jobs, p)).toEqual(jobs.map((j) => tsEngine.verifyBatch([j], p)[0]));
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });
});

// --- through the Verifier and every wire format ----------------------------------------------------

const FORMATS: Format[] = ['v1', 'v2', 'v1j', 'v2j'];

function serializeIn(m: Macaroon, format: Format): string {
  try {
    return m.serialize(format);
  } catch (e) {
    // V1 cannot carry binary fields; such a macaroon travels as V2.
    if (e instanceof MacaroonError) return m.serialize('v2');
    throw e;
  }
}

function decodes(text: string): Macaroon | undefined {
  try {
    return Macaroon.deserialize(text);
  } catch (e) {
    if (e instanceof MacaroonError) return undefined;
    throw e;
  }
}

function outcome(result: { ok: boolean; error?: MacaroonError }) {
  const e = result.error;
  return {
    ok: result.ok,
    code: e?.code,
    reason: e instanceof NotAuthorizedError ? e.reason : undefined,
    message: e?.message,
  };
}

function verifiers(allowUnusedDischarges: boolean, maxDischargeDepth: number) {
  const make = (engine: 'js' | 'wasm') =>
    new Verifier({ engine, allowUnusedDischarges, limits: { maxDischargeDepth } })
      .satisfyExact('account = 42')
      .satisfyGeneral((p) => p.length % 3 !== 1);
  return { js: make('js'), wasm: make('wasm') };
}

describe('Verifier results are the same on both engines', () => {
  it('for tokens serialized in every format, with bit flips in the serialized bytes', () => {
    const item = fc.record({
      s: scenario,
      formats: fc.array(fc.constantFrom(...FORMATS), { minLength: 64, maxLength: 64 }),
      flip: fc.option(fc.tuple(fc.nat(), fc.nat()), { freq: 3 }),
    });
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 6 }), policy, (items, p) => {
        const batch: BatchItem[] = items.map(({ s, formats, flip }) => {
          const [root, ...discharges] = s.request.macaroons.map((d) => Macaroon.fromData(d));
          const tokens: (string | Uint8Array)[] = [root as Macaroon, ...discharges].map((m, i) => {
            const text = serializeIn(m, formats[i % 64] as Format);
            // A round trip through the format must not change a macaroon; a corrupted one (say, a
            // truncated signature) may not decode at all, and both verifiers must then report that.
            const back = decodes(text);
            if (back) expect(back.equals(m)).toBe(true);
            else expect(s.corrupted).toBe(true);
            return text;
          });
          const flipped = flip && decodes(tokens[flip[0] % tokens.length] as string);
          if (flip && flipped) {
            const bytes = flipped.toBytes('v2');
            const bit = flip[1] % (bytes.length * 8);
            bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7));
            tokens[flip[0] % tokens.length] = bytes;
          }
          return { macaroon: tokens[0] as string, discharges: tokens.slice(1), rootKey: s.request.rootKey };
        });
        const v = verifiers(p.allowUnusedDischarges, p.maxDischargeDepth);
        const js = v.js.verifyBatch(batch).map(outcome);
        expect(v.wasm.verifyBatch(batch).map(outcome)).toEqual(js);
        // One at a time through verifyBatch([item]) gives each item's result unchanged.
        expect(batch.map((b) => outcome(v.wasm.verifyBatch([b])[0] as { ok: boolean }))).toEqual(js);
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  it('for verify() on Macaroon objects, including bundles in every bundle format', () => {
    fc.assert(
      fc.property(
        scenario,
        policy,
        fc.constantFrom('binary', 'json', 'bakery') as fc.Arbitrary<'binary' | 'json' | 'bakery'>,
        ({ request }, p, bundleFormat) => {
          const list = request.macaroons.map((d) => Macaroon.fromData(d));
          let decoded: Macaroon[];
          try {
            decoded = Macaroon.deserializeBundle(Macaroon.serializeBundle(list, bundleFormat));
          } catch (e) {
            if (!(e instanceof MacaroonError)) throw e;
            decoded = list; // e.g. a field the bundle format cannot carry
          }
          const [root, ...discharges] = decoded as [Macaroon, ...Macaroon[]];
          const v = verifiers(p.allowUnusedDischarges, p.maxDischargeDepth);
          const run = (verifier: Verifier) => {
            try {
              verifier.verify(root, request.rootKey, discharges);
              return outcome({ ok: true });
            } catch (e) {
              if (!(e instanceof MacaroonError)) throw e;
              return outcome({ ok: false, error: e });
            }
          };
          expect(run(v.wasm)).toEqual(run(v.js));
        },
      ),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });
});
