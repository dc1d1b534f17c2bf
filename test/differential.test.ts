/**
 * Differential properties: the WASM engine returns exactly the TS engine's verdicts for random macaroon
 * trees (binary keys and identifiers, 0–40 caveats of 0–300 bytes, nested third-party caveats) and for
 * random corruptions of them, alone and in mixed batches, called directly and through the Verifier
 * after a trip through every wire format.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ByteSet } from '../src/bytes.js';
import { setWasmEngine, wasmEngineLoaded } from '../src/engine/registry.js';
import { tsEngine } from '../src/engine/ts.js';
import type { Engine, EngineItem, Verdict, WalkPolicy } from '../src/engine/types.js';
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
import { Predicates } from '../src/predicates.js';
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

const jobOf = (r: Request): EngineItem => ({ rootKey: r.rootKey, macaroons: r.macaroons });

// --- engine-level properties -----------------------------------------------------------------------

describe.each(BUILDS)('the $name WASM engine agrees with the TS engine', (build) => {
  const wasm = {
    verify: (jobs: readonly EngineItem[], p: WalkPolicy, predicates?: Predicates) =>
      (build.engine as Engine).verify(jobs, p, predicates),
  };
  it('on single jobs, valid and corrupted', () => {
    fc.assert(
      fc.property(scenario, policy, ({ request }, p) => {
        const job = jobOf(request);
        const expected = tsEngine.verify([job], p);
        expect(wasm.verify([job], p)).toEqual(expected);
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
          const [verdict] = wasm.verify([jobOf(request)], p) as [Verdict];
          // Identifiers may collide (e.g. two empty cids), which legitimately fails; otherwise OK.
          const ids = request.macaroons.slice(1).map((m) => Buffer.from(m.identifier).toString('hex'));
          if (new Set(ids).size === ids.length) {
            expect(verdict.status).toBe(0);
            expect([...verdict.visited].sort((a, b) => a - b)).toEqual(request.macaroons.map((_, i) => i));
          }
          expect(verdict).toEqual(tsEngine.verify([jobOf(request)], p)[0]);
        },
      ),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('on mixed batches: each verdict is the one its job gets alone', () => {
    fc.assert(
      fc.property(fc.array(scenario, { minLength: 1, maxLength: 12 }), policy, (scenarios, p) => {
        const jobs = scenarios.map((s) => jobOf(s.request));
        const alone = jobs.map((j) => tsEngine.verify([j], p)[0]);
        expect(wasm.verify(jobs, p)).toEqual(alone);
        expect(jobs.map((j) => wasm.verify([j], p)[0])).toEqual(alone);
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
    const withKey = (job: EngineItem, copy: string): EngineItem => {
      const k = job.rootKey;
      const rootKey =
        copy === 'same-array'
          ? k
          : copy === 'equal-bytes'
            ? k.slice()
            : copy === 'other-key'
              ? Uint8Array.of(...(k as Uint8Array), 1)
              : new Uint8Array(0);
      return { rootKey, macaroons: job.macaroons };
    };
    fc.assert(
      fc.property(fc.array(sharing, { minLength: 1, maxLength: 8 }), policy, (items, p) => {
        const jobs = items.flatMap(({ s, copies }) => {
          const job = jobOf(s.request);
          return [job, ...copies.map((c) => withKey(job, c)), job];
        });
        expect(wasm.verify(jobs, p)).toEqual(jobs.map((j) => tsEngine.verify([j], p)[0]));
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  it('judges first-party caveats alike: exact (the verifier’s and the request’s) and general', () => {
    fc.assert(
      fc.property(
        fc.array(scenario, { minLength: 1, maxLength: 6 }),
        policy,
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.nat(3),
        (scenarios, p, picks, parity) => {
          // Exact predicates drawn from the batch's own caveats, so that some are satisfied.
          const cids = scenarios.flatMap((s) =>
            s.request.macaroons.flatMap((m) => m.caveats.filter((c) => !c.verificationId)),
          );
          const predicates = new Predicates();
          picks.forEach((n, i) => {
            if (cids.length > 0 && i % 2 === 0)
              predicates.addExact((cids[n % cids.length] as CaveatData).identifier);
          });
          if (parity < 3) predicates.addGeneral((text) => text.length % 3 === parity);
          const items = scenarios.map((s, i) => {
            const own =
              cids.length > 0 ? (cids[((picks[1] ?? 0) + i) % cids.length] as CaveatData) : undefined;
            const request = own ? { exact: new ByteSet(), context: i } : undefined;
            if (own) request?.exact.add(own.identifier);
            return { ...jobOf(s.request), request };
          });
          const expected = tsEngine.verify(items, p, predicates);
          expect(wasm.verify(items, p, predicates)).toEqual(expected);
          expect(items.map((item) => wasm.verify([item], p, predicates)[0])).toEqual(expected);
        },
      ),
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

// --- the serialized fast path of verifyBatch -------------------------------------------------------

const ENCODINGS = ['url', 'url-padded', 'std', 'std-padded', 'bytes', 'v1', 'v2j'] as const;
type Encoding = (typeof ENCODINGS)[number];
const MANGLES = [
  'flip-byte',
  'truncate-bytes',
  'append-byte',
  'insert-byte',
  'whitespace',
  'bad-char',
  'drop-char',
  'extra-padding',
  'padding-inside',
] as const;
type Mangle = { kind: (typeof MANGLES)[number]; at: number; value: number };

function encodeToken(m: Macaroon, encoding: Encoding): string | Uint8Array {
  if (encoding === 'v1' || encoding === 'v2j') return serializeIn(m, encoding);
  const bytes = m.toBytes('v2');
  if (encoding === 'bytes') return bytes;
  const std = Buffer.from(bytes).toString('base64');
  const text = encoding.startsWith('url') ? std.replaceAll('+', '-').replaceAll('/', '_') : std;
  return encoding.endsWith('padded') ? text : text.replace(/=+$/, '');
}

function mangle(token: string | Uint8Array, m: Mangle): string | Uint8Array {
  if (typeof token !== 'string') {
    const at = m.at % (token.length + 1);
    switch (m.kind) {
      case 'flip-byte':
      case 'bad-char':
        if (token.length === 0) return token;
        return token.map((b, i) => (i === at % token.length ? b ^ (1 << (m.value % 8)) : b));
      case 'truncate-bytes':
      case 'drop-char':
        return token.slice(0, at);
      case 'append-byte':
      case 'extra-padding':
        return Uint8Array.of(...token, m.value);
      default:
        return Uint8Array.of(...token.slice(0, at), m.value, ...token.slice(at));
    }
  }
  const at = m.at % (token.length + 1);
  const insert = (s: string) => token.slice(0, at) + s + token.slice(at);
  switch (m.kind) {
    case 'flip-byte': {
      // A bit flip in the decoded bytes, re-encoded in the same alphabet (so the fast path reads it).
      const bytes = Buffer.from(token, 'base64');
      if (bytes.length === 0) return token;
      bytes[at % bytes.length] = (bytes[at % bytes.length] as number) ^ (1 << (m.value % 8));
      const std = bytes.toString('base64').replace(/=+$/, '');
      return /[-_]/.test(token) ? std.replaceAll('+', '-').replaceAll('/', '_') : std;
    }
    case 'truncate-bytes':
      return token.slice(0, at);
    case 'append-byte':
      return `${token}A`;
    case 'insert-byte':
      return insert('QUJD');
    case 'whitespace':
      return insert(' \n'.charAt(m.value % 2));
    case 'bad-char':
      return insert('!é*{'.charAt(m.value % 4));
    case 'drop-char':
      return token.slice(0, at) + token.slice(at + 1);
    case 'extra-padding':
      return `${token}${'='.repeat(1 + (m.value % 4))}`;
    case 'padding-inside':
      return insert('=');
  }
}

const wireItem = fc.record({
  s: scenario,
  /** Mint under a text key instead and send it as a string (non-ASCII included). */
  textKey: fc.option(fc.string({ unit: 'binary', maxLength: 12 }), { freq: 3 }),
  encodings: fc.array(fc.constantFrom(...ENCODINGS), { minLength: 8, maxLength: 8 }),
  mangles: fc.array(
    fc.option(fc.record({ kind: fc.constantFrom(...MANGLES), at: fc.nat(), value: fc.nat(255) }), {
      freq: 4,
    }),
    { minLength: 8, maxLength: 8 },
  ),
  /** Copies sent next to it: the same key object, or equal key bytes in another array. */
  copies: fc.array(fc.constantFrom('same', 'equal'), { maxLength: 2 }),
  exact: fc.option(fc.constantFrom(['time < 2030-01-01'], [utf8('account = 42'), 'other = 1']), {
    freq: 3,
  }),
  context: fc.constantFrom(undefined, 'deny'),
  shape: fc.constantFrom(
    ...Array<'item'>(12).fill('item'),
    'not-an-object',
    'macaroon-object',
    'number-key',
    'discharges-not-array',
    'bad-exact',
  ),
});

function wireBatchItem(w: typeof wireItem extends fc.Arbitrary<infer T> ? T : never): unknown[] {
  let macaroons = w.s.request.macaroons.map((d) => Macaroon.fromData(d));
  let rootKey: string | Uint8Array = w.s.request.rootKey;
  if (w.textKey !== null) {
    const minted = mint(utf8(w.textKey), w.s.minted.root.identifier, { caveats: [] });
    macaroons = [minted.root.addFirstPartyCaveat('account = 42'), ...macaroons.slice(1)];
    rootKey = w.textKey;
  }
  const tokens = macaroons.map((m, i) => {
    const token = encodeToken(m, w.encodings[i % 8] as Encoding);
    const how = w.mangles[i % 8];
    return how ? mangle(token, how) : token;
  });
  const item: Record<string, unknown> = {
    macaroon: tokens[0],
    discharges: tokens.slice(1),
    rootKey,
    context: w.context,
  };
  if (w.exact) item.exact = w.exact;
  switch (w.shape) {
    case 'not-an-object':
      return [null];
    case 'macaroon-object':
      item.macaroon = macaroons[0];
      break;
    case 'number-key':
      item.rootKey = 42;
      break;
    case 'discharges-not-array':
      item.discharges = tokens[1] ?? 'x';
      break;
    case 'bad-exact':
      item.exact = [7];
      break;
  }
  const copies = w.copies.map((c) => ({
    ...item,
    rootKey: c === 'equal' && typeof rootKey !== 'string' ? rootKey.slice() : item.rootKey,
  }));
  return [item, ...copies];
}

const LIMITS = [
  {},
  { maxTokenBytes: 300 },
  { maxFieldBytes: 40 },
  { maxCaveats: 3 },
  { maxDischarges: 1 },
  { maxDischargeDepth: 1 },
];

function detailedOutcome(result: { ok: boolean; error?: MacaroonError } | undefined) {
  if (result === undefined) return 'missing';
  return { ...outcome(result), class: result.error?.constructor.name };
}

/** What verify() says of an item, parsing its tokens as the batch does; undefined when not comparable. */
function verifyAlone(v: Verifier, item: BatchItem, limits: object) {
  if (typeof item !== 'object' || item === null || !Array.isArray(item.discharges)) return undefined;
  const discharges = item.discharges;
  // verify() checks its options before the macaroons, which this helper parses first.
  if (item.exact?.some((p) => typeof p !== 'string' && !(p instanceof Uint8Array))) return undefined;
  try {
    const parse = (t: unknown) =>
      t instanceof Macaroon ? t : Macaroon.deserialize(t as string | Uint8Array, { limits });
    const root = parse(item.macaroon);
    if (discharges.length > ((limits as { maxDischarges?: number }).maxDischarges ?? 64)) return undefined;
    v.verify(root, item.rootKey, discharges.map(parse), { exact: item.exact, context: item.context });
    return detailedOutcome({ ok: true });
  } catch (e) {
    if (!(e instanceof MacaroonError)) throw e;
    return detailedOutcome({ ok: false, error: e });
  }
}

describe.each(BUILDS)('verifyBatch on serialized tokens, $name build', (build) => {
  it('gives each item exactly the TS engine result and the verify() result', () => {
    const before = wasmEngineLoaded();
    setWasmEngine(build.engine);
    try {
      fc.assert(
        fc.property(
          fc.array(wireItem, { minLength: 1, maxLength: 10 }),
          fc.constantFrom(...LIMITS),
          fc.boolean(),
          fc.boolean(),
          (wires, limits, allowUnusedDischarges, withGeneral) => {
            const batch = wires.flatMap(wireBatchItem) as BatchItem[];
            const make = (engine: 'js' | 'wasm') => {
              const v = new Verifier({ engine, allowUnusedDischarges, limits })
                .satisfyExact('account = 42')
                .satisfyExact(utf8('time < 2030-01-01'));
              if (!withGeneral) return v;
              return v
                .satisfyGeneral((p) => {
                  if (p.startsWith('x')) throw new Error('a check that throws');
                  return false;
                })
                .satisfyGeneral((p, context) => context !== 'deny' && p.length % 3 !== 1);
            };
            const js = make('js');
            const wasm = make('wasm');
            expect(wasm.engine).toBe(build.engine?.name);
            const expected = js.verifyBatch(batch).map(detailedOutcome);
            expect(wasm.verifyBatch(batch).map(detailedOutcome)).toEqual(expected);
            batch.forEach((item, i) => {
              // Alone, an item is item 0: the only difference a message may show.
              const own = JSON.stringify(expected[i]).replace(/batch item \d+/, 'batch item 0');
              expect(JSON.stringify(detailedOutcome(wasm.verifyBatch([item])[0]))).toBe(own);
              const alone = verifyAlone(wasm, item, limits);
              if (alone) expect(alone).toEqual(expected[i]);
            });
          },
        ),
        { numRuns: RUNS },
      );
    } finally {
      setWasmEngine(before);
    }
  });

  it('verifies a failing item once, in the same engine call as the others, its error from the verdict', () => {
    const before = wasmEngineLoaded();
    setWasmEngine(build.engine);
    try {
      const key = utf8('k'.repeat(32));
      let m = Macaroon.create('https://svc/', key, 'tok-1');
      for (const p of ['account = 42', 'time < 2030-01-01', 'action = read']) m = m.addFirstPartyCaveat(p);
      m = m.addThirdPartyCaveat('https://tp/', utf8('c'.repeat(32)), 'tp-1');
      const discharge = Macaroon.create('https://tp/', utf8('c'.repeat(32)), 'tp-1');
      const d = m.prepareForRequest(discharge);
      const v = new Verifier({ engine: 'wasm' })
        .satisfyExact('account = 42')
        .satisfyExact('action = read')
        .satisfyGeneral((p) => p.startsWith('time < '));
      const good = { macaroon: m.serialize(), rootKey: key, discharges: [d.serialize()] };
      const bytes = m.toBytes('v2');
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
      const bad = { ...good, macaroon: bytes };
      const admin = m.addFirstPartyCaveat('role = admin');
      const unsatisfied = {
        macaroon: admin.serialize(),
        rootKey: key,
        discharges: [admin.prepareForRequest(discharge).serialize()],
      };
      const engine = vi.spyOn(build.engine as Engine, 'verify');
      const results = v.verifyBatch([good, good, bad, unsatisfied, { ...good, rootKey: 'k'.repeat(32) }]);
      // One engine call for the whole batch: nothing is verified (or decoded) a second time.
      expect(engine).toHaveBeenCalledTimes(1);
      expect(engine.mock.calls[0]?.[0]).toHaveLength(5);
      engine.mockRestore();
      expect(results.map((r) => r.ok)).toEqual([true, true, false, false, true]);
      const error = results[2]?.error;
      expect(error).toBeInstanceOf(NotAuthorizedError);
      expect((error as NotAuthorizedError).reason).toBe('signature-mismatch');
      expect(results[3]?.error).toMatchObject({ reason: 'caveat-not-satisfied' });
      expect(results[3]?.error?.message).toBe('caveat "role = admin" of the root macaroon is not satisfied');
    } finally {
      setWasmEngine(before);
    }
  });
});
