/**
 * The library's `timeBefore`, judged inside the WASM engine (assembly/time.ts) when a verifier satisfies
 * it as it is: the module reads T exactly as parseCaveatTime does (every accepted and refused form,
 * leap years, fractions, offsets, garbage, on both builds), and every verdict is the one calling
 * `timeBefore` for each caveat gives, on both builds and the TS engine, at and around each deadline,
 * with the clock from the context or from Date.now(), with other checks before or after it.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setWasmEngine, wasmEngineLoaded } from '../../src/engine/registry.js';
import { createWasmEngine } from '../../src/engine/wasm.js';
import { timeBefore } from '../../src/gateway/index.js';
import {
  Macaroon,
  timeBefore as mainTimeBefore,
  parseCaveatTime,
  Verifier,
  type VerifyOptions,
} from '../../src/index.js';
import { Predicates } from '../../src/predicates.js';
import { BUILDS } from './fixtures.js';

const RUNS = Number(process.env.FC_RUNS ?? 300);
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const utf8 = (s: string) => new TextEncoder().encode(s);

/** Times in the shape of the accepted forms, each field from just out of range to just in it. */
const shaped = fc
  .record({
    year: fc.oneof(
      fc.integer({ min: 0, max: 9999 }),
      fc.constantFrom(0, 1, 4, 96, 99, 100, 400, 1600, 1900, 1970, 2000, 2024, 2100, 9999),
    ),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.oneof(fc.integer({ min: 0, max: 32 }), fc.constantFrom(28, 29, 30, 31)),
    time: fc.option(
      fc.record({
        sep: fc.constantFrom('T', 't', 'T', ' ', 'x'),
        hour: fc.integer({ min: 0, max: 25 }),
        minute: fc.integer({ min: 0, max: 61 }),
        second: fc.option(fc.integer({ min: 0, max: 61 })),
        fraction: fc.option(fc.stringMatching(/^[0-9]{0,11}$/)),
        zone: fc.option(
          fc.oneof(
            fc.constantFrom('Z', 'z', 'UTC', '+', '+0100'),
            fc.record({
              sign: fc.constantFrom('+', '-'),
              hh: fc.integer({ min: 0, max: 25 }),
              mm: fc.integer({ min: 0, max: 61 }),
            }),
          ),
        ),
      }),
    ),
  })
  .map(({ year, month, day, time }) => {
    let s = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
    if (!time) return s;
    s += `${time.sep}${pad(time.hour, 2)}:${pad(time.minute, 2)}`;
    if (time.second !== null) {
      s += `:${pad(time.second, 2)}`;
      if (time.fraction !== null) s += `.${time.fraction}`;
    }
    const z = time.zone;
    if (z !== null) s += typeof z === 'string' ? z : `${z.sign}${pad(z.hh, 2)}:${pad(z.mm, 2)}`;
    return s;
  });

/** A shaped time with one character inserted, deleted or replaced. */
const mutated = fc
  .tuple(shaped, fc.nat(), fc.constantFrom(...'0123456789-:.TtZz+ é٣\u0000'), fc.constantFrom(0, 1, 2))
  .map(([s, at, c, how]) => {
    const i = at % (s.length + 1);
    if (how === 0) return s.slice(0, i) + c + s.slice(i);
    if (how === 1) return s.slice(0, i) + s.slice(i + 1);
    return s.slice(0, i) + c + s.slice(i + 1);
  });

const timeText = fc.oneof(
  { arbitrary: shaped, weight: 6 },
  { arbitrary: mutated, weight: 3 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 1 },
);

describe.each(BUILDS)('%s reads caveat times as parseCaveatTime does', (_name, module) => {
  const engine = createWasmEngine(module);
  const deadline = (bytes: Uint8Array): number => {
    const at = engine.tablesStart();
    engine.reserve(at + bytes.length + 16).u8.set(bytes, at);
    return engine.exports.caveatDeadline(at, bytes.length);
  };
  const check = (text: string): void => {
    expect(deadline(utf8(text))).toBe(parseCaveatTime(text) ?? Number.NaN);
  };

  it('for every shape of the accepted forms, mutations of them, and garbage', () => {
    fc.assert(fc.property(timeText, check), { numRuns: RUNS * 10 });
  });

  it('at the edges: leap days, year 0 (read as 1900 for its days, as Date.UTC does), fractions, offsets', () => {
    for (const year of [
      0, 1, 4, 96, 99, 100, 104, 400, 1600, 1700, 1900, 2000, 2023, 2024, 2100, 2400, 9996, 9999,
    ]) {
      for (const day of [28, 29, 30]) check(`${pad(year, 4)}-02-${day}`);
      check(`${pad(year, 4)}-12-31T23:59:59.999999999-23:59`);
      check(`${pad(year, 4)}-01-01T00:00:00.000000001+23:59`);
    }
    for (const f of ['', '1', '12', '123', '1234', '123456789', '1234567890'])
      check(`2030-01-01T00:00:00.${f}Z`);
    for (const text of [
      '2030-01-01',
      '2030-01-01T',
      '2030-01-01T00',
      '2030-01-01T00:',
      '2030-01-01T00:00:',
    ]) {
      check(text);
    }
    for (const zone of [
      '+00:00',
      '-00:00',
      '+23:59',
      '-23:59',
      '+24:00',
      '+00:60',
      '+0:00',
      '+00:0',
      'Z ',
      'ZZ',
    ]) {
      check(`2030-06-30T12:30:15${zone}`);
    }
    expect(deadline(utf8('2030-01-01T00:00:00Z'))).toBe(Date.UTC(2030, 0, 1));
    expect(deadline(new Uint8Array([0x32, 0x30, 0x33, 0x30, 0x2d, 0x30, 0x31, 0x2d, 0x30, 0xb1]))).toBeNaN();
  });

  it('outside memory: NaN, no trap', () => {
    const size = engine.exports.memory.buffer.byteLength;
    expect(engine.exports.caveatDeadline(size - 4, 20)).toBeNaN();
    expect(engine.exports.caveatDeadline(0xfffffff0, 0x20)).toBeNaN();
  });
});

// Verdicts: tokens whose caveats mix an exact predicate, `time < T` with T around the clock, and other
// text, verified by each engine with `timeBefore` given as it is (recognised: judged in the module) and
// compared with what calling it for every caveat gives.

const KEY = 'k'.repeat(32);
const EXACT = 'action = read';
const NOW = Date.UTC(2030, 5, 15, 12, 0, 0, 500);
const isoOf = (ms: number) => new Date(ms).toISOString();

/** A caveat: exact, a time at an offset from NOW in one of the forms, a near-time caveat, or anything. */
const caveat = fc.oneof(
  { arbitrary: fc.constant(EXACT), weight: 2 },
  {
    arbitrary: fc
      .tuple(
        fc.constantFrom(-86_400_000, -1000, -1, -0.5, 0, 0.5, 1, 999, 1000, 86_400_000),
        fc.constantFrom('iso', 'no-ms', 'offset', 'date', 'lower', 'fraction9'),
      )
      .map(([delta, form]) => {
        const t = Math.floor(NOW + delta);
        const iso = isoOf(t);
        switch (form) {
          case 'no-ms':
            return `time < ${iso.slice(0, 19)}Z`;
          case 'offset':
            return `time < ${isoOf(t + 5_400_000).slice(0, 23)}+01:30`;
          case 'date':
            return `time < ${iso.slice(0, 10)}`;
          case 'lower':
            return `time < ${iso.toLowerCase()}`;
          case 'fraction9':
            return `time < ${iso.slice(0, 23)}999999`;
          default:
            return `time < ${iso}`;
        }
      }),
    weight: 6,
  },
  { arbitrary: timeText.map((t) => `time < ${t}`), weight: 3 },
  {
    arbitrary: fc.constantFrom(
      'time <2031-01-01',
      'time  < 2031-01-01',
      'Time < 2031-01-01',
      'time > 2031-01-01',
      'time < ',
      'time <',
      'time < 2031-01-01 ',
      ' time < 2031-01-01',
      'ok: anything',
    ),
    weight: 1,
  },
);

interface Sample {
  readonly root: readonly string[];
  /** The discharge's caveats, when the root has a third-party caveat. */
  readonly discharge: readonly string[] | null;
}

const sample: fc.Arbitrary<Sample> = fc.record({
  root: fc.array(caveat, { minLength: 0, maxLength: 5 }),
  discharge: fc.option(fc.array(caveat, { maxLength: 3 })),
});

function mint({ root, discharge }: Sample): { macaroon: string; discharges: string[] } {
  let m = Macaroon.create('https://svc/', KEY, 'id');
  for (const c of root) m = m.addFirstPartyCaveat(c);
  if (discharge === null) return { macaroon: m.serialize(), discharges: [] };
  m = m.addThirdPartyCaveat('https://auth/', 'c'.repeat(32), 'tp');
  let d = Macaroon.create('https://auth/', 'c'.repeat(32), 'tp');
  for (const c of discharge) d = d.addFirstPartyCaveat(c);
  return { macaroon: m.serialize(), discharges: [m.prepareForRequest(d).serialize()] };
}

/** A check satisfying what `timeBefore` never does: caveats starting `ok:`. */
const other = (p: string) => p.startsWith('ok:');

type Setup = 'alone' | 'other-before' | 'other-after';
function verifier(engine: 'js' | 'wasm', setup: Setup, recognised: boolean): Verifier {
  const v = new Verifier({ engine }).satisfyExact(EXACT);
  const time = recognised ? timeBefore : (p: string, c: unknown) => timeBefore(p, c);
  if (setup === 'other-before') v.satisfyGeneral(other);
  v.satisfyGeneral(time);
  if (setup === 'other-after') v.satisfyGeneral(other);
  return v;
}

const outcome = (r: { ok: boolean; error?: Error | undefined }) => (r.ok ? 'ok' : `${r.error?.message}`);

/** Every engine's verdicts (batch and one at a time) for the samples, with the clocks given. */
function verdicts(samples: readonly Sample[], contexts: readonly unknown[], setup: Setup) {
  const tokens = samples.map(mint);
  const items = tokens.map((t, i) => ({ ...t, rootKey: KEY, context: contexts[i % contexts.length] }));
  const run = (v: Verifier) => ({
    batch: v.verifyBatch(items).map(outcome),
    one: items.map((item) => {
      try {
        const options: VerifyOptions = item.context === undefined ? {} : { context: item.context };
        v.verify(item.macaroon, item.rootKey, item.discharges, options);
        return 'ok';
      } catch (e) {
        return (e as Error).message;
      }
    }),
  });
  const expected = run(verifier('js', setup, false));
  const got: Record<string, ReturnType<typeof run>> = { js: run(verifier('js', setup, true)) };
  const before = wasmEngineLoaded();
  try {
    for (const [name, module] of BUILDS) {
      setWasmEngine(createWasmEngine(module));
      got[name] = run(verifier('wasm', setup, true));
      got[`${name}, not recognised`] = run(verifier('wasm', setup, false));
    }
  } finally {
    setWasmEngine(before);
  }
  return { expected, got };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('timeBefore judged in the engine gives the verdicts of calling it', () => {
  it('recognises the library function itself (from either entry), not a wrapper', () => {
    expect(mainTimeBefore).toBe(timeBefore);
    const p = new Predicates();
    p.addGeneral((text, c) => timeBefore(text, c));
    expect(p.hasTimeBefore).toBe(false);
    p.addGeneral(timeBefore);
    expect(p.hasTimeBefore).toBe(true);
  });

  it.each(['alone', 'other-before', 'other-after'] as const)(
    'with the clock in each item’s context (%s)',
    (setup) => {
      const contexts = [
        { now: NOW },
        { now: NOW - 0.5 },
        { now: NOW + 0.25 },
        { now: NOW - 1 },
        { now: NOW + 1 },
        { now: Number.NaN },
        { now: Number.POSITIVE_INFINITY },
        { now: Number.NEGATIVE_INFINITY },
      ];
      fc.assert(
        fc.property(fc.array(sample, { minLength: 1, maxLength: 24 }), (samples) => {
          const { expected, got } = verdicts(samples, contexts, setup);
          for (const result of Object.values(got)) expect(result).toEqual(expected);
        }),
        { numRuns: Math.max(10, RUNS / 10) },
      );
    },
  );

  it('with the clock from Date.now() (no context, a context without a numeric now)', () => {
    const contexts = [undefined, {}, { now: String(NOW + 10_000) }, null, 42];
    fc.assert(
      fc.property(
        fc.array(sample, { minLength: 1, maxLength: 16 }),
        fc.constantFrom(-1, 0, 1, 0.5),
        (samples, delta) => {
          vi.useFakeTimers({ now: NOW + delta });
          const { expected, got } = verdicts(samples, contexts, 'alone');
          for (const result of Object.values(got)) expect(result).toEqual(expected);
        },
      ),
      { numRuns: Math.max(10, RUNS / 10) },
    );
  });

  it('a context whose now throws judges nothing in the engine, as timeBefore throwing satisfies nothing', () => {
    const throwing = {
      get now(): number {
        throw new Error('no clock');
      },
    };
    const samples: Sample[] = [
      { root: [EXACT, `time < ${isoOf(NOW + 1000)}`], discharge: null },
      { root: ['ok: fine'], discharge: [`time < ${isoOf(NOW + 1000)}`] },
    ];
    for (const setup of ['alone', 'other-after'] as const) {
      const { expected, got } = verdicts(samples, [throwing], setup);
      expect(expected.batch[0]).not.toBe('ok');
      for (const result of Object.values(got)) expect(result).toEqual(expected);
    }
  });

  it('judges them in the module: the other checks are not called for the time caveats it satisfies', () => {
    const { macaroon, discharges } = mint({
      root: [EXACT, `time < ${isoOf(NOW + 1000)}`, 'ok: 1'],
      discharge: [`time < ${isoOf(NOW + 1000)}`, `time < ${isoOf(NOW - 1000)}`],
    });
    const before = wasmEngineLoaded();
    try {
      for (const [name, module] of [['js', undefined], ...BUILDS] as const) {
        if (module) setWasmEngine(createWasmEngine(module));
        const seen: string[] = [];
        const v = new Verifier({ engine: module ? 'wasm' : 'js' })
          .satisfyExact(EXACT)
          .satisfyGeneral((p) => {
            seen.push(p);
            return other(p);
          })
          .satisfyGeneral(timeBefore);
        const items = Array.from({ length: 5 }, () => ({
          macaroon,
          discharges,
          rootKey: KEY,
          context: { now: NOW },
        }));
        const results = v.verifyBatch(items);
        expect(results.every((r) => !r.ok && r.error.message.includes('2030-06-15T11:59:59.500Z'))).toBe(
          true,
        );
        // The expired caveat still goes to every check; the other time caveats only without the module.
        const times = seen.filter((p) => p.startsWith('time <'));
        expect([name, times.length]).toEqual([name, module ? 5 : 15]);
      }
    } finally {
      setWasmEngine(before);
    }
  });

  it('judges the time caveats of every item of a large batch, in the module', () => {
    const samples: Sample[] = Array.from({ length: 300 }, (_, i) => ({
      root: [EXACT, `time < ${isoOf(NOW + (i % 3) - 1)}`],
      discharge: i % 2 ? [`time < ${isoOf(NOW + 60_000)}`] : null,
    }));
    const { expected, got } = verdicts(samples, [{ now: NOW }], 'alone');
    expect(expected.batch.filter((o) => o === 'ok').length).toBe(100);
    for (const result of Object.values(got)) expect(result).toEqual(expected);
  });
});
