/**
 * A verifier that satisfies the library's `timeBefore` as it is judges the `time < T` caveats of a
 * compiled list itself (T read once, at compile time; the clock once per check). Its verdicts are the
 * ones calling timeBefore for each caveat gives (a wrapper is not recognised, so it is called), for any
 * mix of caveats, clocks from the context or from Date.now(), and other checks before or after it.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { timeBefore } from '../../src/gateway/index.js';
import { type CaveatToCheck, type GeneralCheck, Verifier, type VerifyOptions } from '../../src/index.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const caveat = (text: string, macaroon = 0): CaveatToCheck => ({ bytes: utf8(text), text, macaroon });
const PIVOT = Date.parse('2030-06-15T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

afterEach(() => {
  vi.useRealTimers();
});

/** Verifiers alike but for timeBefore: given as it is (judged natively) or wrapped (called). */
function pair(others: { before: GeneralCheck[]; after: GeneralCheck[] }) {
  const make = (time: GeneralCheck) => {
    const v = new Verifier();
    for (const c of others.before) v.satisfyGeneral(c);
    v.satisfyGeneral(time);
    for (const c of others.after) v.satisfyGeneral(c);
    return v;
  };
  return { native: make(timeBefore), called: make((p, c) => timeBefore(p, c)) };
}

const verdict = (e: Error | undefined) => e?.message;

describe('compiled time caveats', () => {
  it('give the verdicts of calling timeBefore, for any caveats, clocks and checks', () => {
    const offset = fc.integer({ min: -5000, max: 5000 });
    const text = fc.oneof(
      offset.map((d) => `time < ${iso(PIVOT + d)}`),
      offset.map((d) => `time < ${iso(PIVOT + d).slice(0, 10)}`),
      fc.constantFrom(
        'time < soon',
        'time <2030-06-15',
        'time < 2030-02-30',
        'account = 42',
        'action = read',
      ),
    );
    const context = fc.oneof(
      fc.constant(undefined),
      fc.constant({}),
      offset.map((d) => ({ now: PIVOT + d })),
      fc.constant({ now: 'later' }),
      fc.constant({
        get now(): number {
          throw new Error('no clock');
        },
      }),
    );
    const extra = fc.constantFrom<GeneralCheck>(
      (p) => p === 'account = 42',
      (p) => p.startsWith('time < 2030-06-15T12:00:01'),
      () => {
        throw new Error('broken check');
      },
    );
    fc.assert(
      fc.property(
        fc.array(text, { maxLength: 6 }),
        context,
        offset,
        fc.boolean(),
        fc.array(extra, { maxLength: 2 }),
        fc.array(extra, { maxLength: 2 }),
        fc.subarray(['action = read', 'account = 42']),
        (texts, ctx, clockOffset, giveNow, before, after, exact) => {
          vi.useFakeTimers({ now: PIVOT + clockOffset, toFake: ['Date'] });
          const { native, called } = pair({ before, after });
          const caveats = texts.map((t, i) => caveat(t, i % 2));
          const options: VerifyOptions = { exact, context: ctx };
          const expected = verdict(called.checkCompiled(called.compileCaveats(caveats), options));
          const compiled = native.compileCaveats(caveats);
          // With the caller's reading of the clock, or reading it itself.
          const now = giveNow ? Date.now() : undefined;
          expect(verdict(native.checkCompiled(compiled, options, now))).toBe(expected);
          expect(verdict(native.checkCaveatList(caveats, options))).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("use the caller's clock reading, and the context's now before it", () => {
    const v = new Verifier().satisfyGeneral(timeBefore);
    const compiled = v.compileCaveats([caveat(`time < ${iso(PIVOT)}`)]);
    vi.useFakeTimers({ now: PIVOT + 1000, toFake: ['Date'] });
    // Past T by Date.now(): refused; before T by the reading the caller gives: satisfied.
    expect(v.checkCompiled(compiled, {})).toBeInstanceOf(Error);
    expect(v.checkCompiled(compiled, {}, PIVOT - 1)).toBeUndefined();
    expect(v.checkCompiled(compiled, { context: { now: PIVOT } }, PIVOT - 1)).toBeInstanceOf(Error);
    expect(v.checkCompiled(compiled, { context: { now: PIVOT - 1 } }, PIVOT + 5)).toBeUndefined();
  });

  it('leave a wrapped timeBefore to be called', () => {
    const calls: string[] = [];
    const v = new Verifier().satisfyGeneral((p, c) => {
      calls.push(p);
      return timeBefore(p, c);
    });
    const compiled = v.compileCaveats([caveat(`time < ${iso(PIVOT)}`)]);
    expect(v.checkCompiled(compiled, { context: { now: PIVOT - 1 } })).toBeUndefined();
    expect(calls).toEqual([`time < ${iso(PIVOT)}`]);
  });
});
