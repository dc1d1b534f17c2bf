/**
 * Every limit holds identically in every format and at every entry point: limit × format × entry point.
 * Each row builds a token tree exactly at a limit (one field of 100 bytes while the others are short, 10
 * caveats, 3 discharges, a chain of 3 discharges, a token of n characters or bytes); every entry point
 * must accept it with the limit set to that value and refuse it with the limit one lower, the same way.
 */
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../src/bytes.js';
import { BatchVerifier, Gateway } from '../src/gateway/index.js';
import {
  LimitExceededError,
  type Limits,
  Macaroon,
  MacaroonError,
  NotAuthorizedError,
  Verifier,
} from '../src/index.js';
import { loadEngines } from './engines.js';

await loadEngines();

const ROOT_KEY = 'root key of the limits table';
const CAVEAT_KEY = 'caveat key of the limits table';
/** The field under test, when a row tests one: longer than every other field, the 72-byte vid included. */
const LONG = 100;
const long = (c: string) => c.repeat(LONG);
const EXACT = ['a = 1', 'd = 1', long('p')];

/** A root macaroon and its discharges, already bound. */
interface Tree {
  readonly root: Macaroon;
  readonly discharges: readonly Macaroon[];
}

interface Fields {
  location?: string;
  identifier?: string;
  firstParty?: string;
  cid?: string;
  cl?: string;
  dischargeLocation?: string;
}

/** One first-party caveat and one third-party caveat, with its discharge. */
function tree(version: 1 | 2, f: Fields = {}): Tree {
  const cid = f.cid ?? 'tp';
  const root = Macaroon.create(f.location ?? 'svc', ROOT_KEY, f.identifier ?? 'id', { version })
    .addFirstPartyCaveat(f.firstParty ?? 'a = 1')
    .addThirdPartyCaveat(f.cl ?? 'auth', CAVEAT_KEY, cid);
  const discharge = Macaroon.create(f.dischargeLocation ?? 'auth', CAVEAT_KEY, cid, {
    version,
  }).addFirstPartyCaveat('d = 1');
  return { root, discharges: [root.prepareForRequest(discharge)] };
}

/** Serialized input: each macaroon on its own, and the whole tree as one bundle. */
interface Input {
  readonly tokens: readonly (string | Uint8Array)[];
  readonly bundle: string | Uint8Array;
}

interface Format {
  readonly name: string;
  readonly version: 1 | 2;
  serialize(t: Tree): Input;
}

const all = (t: Tree) => [t.root, ...t.discharges];

function textFormat(name: string, version: 1 | 2, single: 'v1' | 'v2' | 'v1j' | 'v2j'): Format {
  const bundle = single.endsWith('j') ? 'json' : 'binary';
  return {
    name,
    version,
    serialize: (t) => ({
      tokens: all(t).map((m) => m.serialize(single)),
      bundle: Macaroon.serializeBundle(all(t), bundle),
    }),
  };
}

const FORMATS: readonly Format[] = [
  textFormat('V1', 1, 'v1'),
  textFormat('V2', 2, 'v2'),
  textFormat('V1 JSON', 1, 'v1j'),
  textFormat('V2 JSON', 2, 'v2j'),
  {
    name: 'V1 bytes',
    version: 1,
    serialize: (t) => ({
      tokens: all(t).map((m) => m.toBytes('v1')),
      bundle: concatBytes(...all(t).map((m) => m.toBytes('v1'))),
    }),
  },
  {
    name: 'V2 bytes',
    version: 2,
    serialize: (t) => ({
      tokens: all(t).map((m) => m.toBytes('v2')),
      bundle: concatBytes(...all(t).map((m) => m.toBytes('v2'))),
    }),
  },
  {
    name: 'V1 JSON, bakery bundle',
    version: 1,
    serialize: (t) => ({
      tokens: all(t).map((m) => m.serialize('v1j')),
      bundle: Macaroon.serializeBundle(all(t), 'bakery'),
    }),
  },
  {
    name: 'V2 JSON, bakery bundle',
    version: 2,
    serialize: (t) => ({
      tokens: all(t).map((m) => m.serialize('v2j')),
      bundle: Macaroon.serializeBundle(all(t), 'bakery'),
    }),
  },
];

type LimitName = keyof Limits;

/** What an entry point did: 'ok', an error code, or a NotAuthorizedError reason. */
type Outcome = string;

function outcomeOf(e: unknown): Outcome {
  if (e instanceof NotAuthorizedError) return e.reason;
  if (e instanceof MacaroonError) return e.code;
  throw e;
}

function attempt(f: () => void): Outcome {
  try {
    f();
    return 'ok';
  } catch (e) {
    return outcomeOf(e);
  }
}

async function attemptAsync(f: () => Promise<{ ok: boolean; error?: unknown }>): Promise<Outcome> {
  const r = await f();
  return r.ok ? 'ok' : outcomeOf(r.error);
}

function verifier(engine: 'js' | 'wasm', limits: Partial<Limits>): Verifier {
  const v = new Verifier({ engine, limits });
  for (const p of EXACT) v.satisfyExact(p);
  return v;
}

interface EntryPoint {
  readonly name: string;
  /** Whether the limit can apply here at all (a decoder cannot know the discharge depth). */
  applies(limit: LimitName): boolean;
  /** The value of maxTokenBytes this input is exactly at. */
  tokenBytes(input: Input): number;
  run(input: Input, limits: Partial<Limits>): Outcome | Promise<Outcome>;
}

const longest = (input: Input) => Math.max(...input.tokens.map((t) => t.length));

const ENTRY_POINTS: readonly EntryPoint[] = [
  {
    name: 'Macaroon.deserialize',
    applies: (l) => l !== 'maxDischarges' && l !== 'maxDischargeDepth',
    tokenBytes: longest,
    run: (input, limits) =>
      attempt(() => {
        for (const t of input.tokens) Macaroon.deserialize(t, { limits });
      }),
  },
  {
    name: 'Macaroon.deserializeBundle',
    applies: (l) => l !== 'maxDischargeDepth',
    tokenBytes: (input) => input.bundle.length,
    run: (input, limits) => attempt(() => Macaroon.deserializeBundle(input.bundle, { limits })),
  },
  ...(['js', 'wasm'] as const).flatMap((engine): EntryPoint[] => [
    {
      // Macaroon objects decoded under the default limits: the verifier holds them to its own.
      name: `Verifier.verify (${engine})`,
      applies: (l) => l !== 'maxTokenBytes',
      tokenBytes: longest,
      run: (input, limits) => {
        const [root, ...discharges] = input.tokens.map((t) => Macaroon.deserialize(t));
        return attempt(() => verifier(engine, limits).verify(root as Macaroon, ROOT_KEY, discharges));
      },
    },
    {
      // With the WASM engine, serialized tokens take the batch fast path (decoded in engine memory).
      name: `Verifier.verifyBatch, serialized (${engine})`,
      applies: () => true,
      tokenBytes: longest,
      run: (input, limits) => {
        const [macaroon, ...discharges] = input.tokens;
        const [result] = verifier(engine, limits).verifyBatch([
          { macaroon: macaroon as string | Uint8Array, discharges, rootKey: ROOT_KEY },
        ]);
        return result?.ok ? 'ok' : outcomeOf(result?.error);
      },
    },
    {
      name: `Verifier.verifyBatch, Macaroon objects (${engine})`,
      applies: (l) => l !== 'maxTokenBytes',
      tokenBytes: longest,
      run: (input, limits) => {
        const [macaroon, ...discharges] = input.tokens.map((t) => Macaroon.deserialize(t));
        const [result] = verifier(engine, limits).verifyBatch([
          { macaroon: macaroon as Macaroon, discharges, rootKey: ROOT_KEY },
        ]);
        return result?.ok ? 'ok' : outcomeOf(result?.error);
      },
    },
  ]),
  {
    // A fixed key: a binary bundle is split by its framing and verified as serialized tokens.
    name: 'BatchVerifier.verify, bundle, fixed key',
    applies: () => true,
    tokenBytes: (input) => input.bundle.length,
    run: (input, limits) =>
      attemptAsync(() =>
        new BatchVerifier(verifier('wasm', limits), { limits }).verify({
          bundle: input.bundle,
          rootKey: ROOT_KEY,
        }),
      ),
  },
  {
    // A key resolver: the bundle is decoded first, to read the identifier.
    name: 'BatchVerifier.verify, bundle, key resolver',
    applies: () => true,
    tokenBytes: (input) => input.bundle.length,
    run: (input, limits) =>
      attemptAsync(() =>
        new BatchVerifier(verifier('wasm', limits), { limits }).verify({
          bundle: input.bundle,
          rootKey: () => ROOT_KEY,
        }),
      ),
  },
  {
    name: 'Gateway.authorize, Authorization header',
    applies: () => true,
    tokenBytes: (input) => input.bundle.length,
    run: async (input, limits) => {
      if (typeof input.bundle !== 'string') return 'skip';
      const gateway = new Gateway({ rootKey: ROOT_KEY, verifier: verifier('wasm', limits), limits });
      const d = await gateway.authorize(new Headers({ authorization: `Macaroon ${input.bundle}` }));
      if (d.status === 200) return 'ok';
      return 'reason' in d ? d.reason : d.code;
    },
  },
];

interface Row {
  readonly name: string;
  readonly limit: LimitName;
  build(version: 1 | 2): Tree;
  /** The limit's value this tree is exactly at (maxTokenBytes: from the serialized input). */
  readonly at?: number;
  /** What exceeding it gives (default: LimitExceededError). */
  readonly over?: Outcome;
}

function discharged(version: 1 | 2, cids: readonly string[], chain = false): Tree {
  let root = Macaroon.create('svc', ROOT_KEY, 'id', { version });
  const discharges: Macaroon[] = [];
  if (chain) {
    // root → d0 → d1 → … : each discharge has the next one's third-party caveat.
    root = root.addThirdPartyCaveat('auth', `${CAVEAT_KEY} 0`, cids[0] as string);
    cids.forEach((cid, i) => {
      let d = Macaroon.create('auth', `${CAVEAT_KEY} ${i}`, cid, { version });
      const next = cids[i + 1];
      if (next !== undefined) d = d.addThirdPartyCaveat('auth', `${CAVEAT_KEY} ${i + 1}`, next);
      discharges.push(d);
    });
  } else {
    for (const cid of cids) root = root.addThirdPartyCaveat('auth', `${CAVEAT_KEY} ${cid}`, cid);
    for (const cid of cids)
      discharges.push(Macaroon.create('auth', `${CAVEAT_KEY} ${cid}`, cid, { version }));
  }
  return { root, discharges: discharges.map((d) => root.prepareForRequest(d)) };
}

const ROWS: readonly Row[] = [
  { name: 'identifier', limit: 'maxFieldBytes', at: LONG, build: (v) => tree(v, { identifier: long('i') }) },
  { name: 'location', limit: 'maxFieldBytes', at: LONG, build: (v) => tree(v, { location: long('l') }) },
  {
    name: 'location (multi-byte UTF-8)',
    limit: 'maxFieldBytes',
    at: LONG,
    build: (v) => tree(v, { location: 'é'.repeat(LONG / 2) }),
  },
  {
    name: 'first-party caveat',
    limit: 'maxFieldBytes',
    at: LONG,
    build: (v) => tree(v, { firstParty: long('p') }),
  },
  {
    name: 'third-party caveat identifier (and the discharge identifier)',
    limit: 'maxFieldBytes',
    at: LONG,
    build: (v) => tree(v, { cid: long('c') }),
  },
  { name: 'verification id', limit: 'maxFieldBytes', at: 72, build: (v) => tree(v) },
  { name: 'caveat location', limit: 'maxFieldBytes', at: LONG, build: (v) => tree(v, { cl: long('L') }) },
  {
    name: 'discharge location',
    limit: 'maxFieldBytes',
    at: LONG,
    build: (v) => tree(v, { dischargeLocation: long('D') }),
  },
  {
    name: 'caveats in one macaroon',
    limit: 'maxCaveats',
    at: 10,
    build: (v) => {
      let root = Macaroon.create('svc', ROOT_KEY, 'id', { version: v });
      for (let i = 0; i < 10; i++) root = root.addFirstPartyCaveat('a = 1');
      return { root, discharges: [] };
    },
  },
  {
    name: 'discharges',
    limit: 'maxDischarges',
    at: 3,
    build: (v) => discharged(v, ['c0', 'c1', 'c2']),
  },
  {
    name: 'discharge depth',
    limit: 'maxDischargeDepth',
    at: 3,
    over: 'depth-exceeded',
    build: (v) => discharged(v, ['c0', 'c1', 'c2'], true),
  },
  { name: 'token size', limit: 'maxTokenBytes', build: (v) => tree(v) },
];

describe('every limit, in every format, at every entry point', () => {
  for (const row of ROWS) {
    describe(`${row.limit}: ${row.name}`, () => {
      for (const entry of ENTRY_POINTS) {
        if (!entry.applies(row.limit)) continue;
        it(entry.name, async () => {
          const seen: Record<string, Outcome[]> = {};
          const expected: Record<string, Outcome[]> = {};
          for (const format of FORMATS) {
            const input = format.serialize(row.build(format.version));
            const at = row.at ?? entry.tokenBytes(input);
            const outcomes = [
              await entry.run(input, { [row.limit]: at }),
              await entry.run(input, { [row.limit]: at - 1 }),
            ];
            if (outcomes[0] === 'skip') continue;
            seen[format.name] = outcomes;
            expected[format.name] = ['ok', row.over ?? 'ERR_LIMIT_EXCEEDED'];
          }
          expect(Object.keys(seen).length).toBeGreaterThan(0);
          expect(seen).toEqual(expected);
        });
      }
    });
  }

  it('a limit exceeded is a LimitExceededError with a stable code, never another error', () => {
    const { root } = tree(1, { location: long('l') });
    const error = (() => {
      try {
        Macaroon.deserialize(root.serialize('v1'), { limits: { maxFieldBytes: LONG - 1 } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(LimitExceededError);
    expect((error as LimitExceededError).code).toBe('ERR_LIMIT_EXCEEDED');
  });
});
