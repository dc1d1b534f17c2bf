/**
 * Every public export has TSDoc with an `@example` (as jose and @noble check theirs), new exports
 * included: the test names each one that lacks either. The examples themselves are compiled in a strict
 * consumer by test/types/consumer.test.ts, and so are the examples written on class members.
 */
import { describe, expect, it } from 'vitest';
import { memberExamples, publicExports } from './public-exports.js';

describe('TSDoc on the public API', () => {
  const all = publicExports();

  it('finds the public exports', () => {
    expect(all.map((e) => e.id)).toContain('src/macaroon.ts:Macaroon');
    expect(all.map((e) => e.id)).toContain('src/bakery/checkers/index.ts:checkers');
    expect(all.length).toBeGreaterThanOrEqual(250);
  });

  it('every export has a TSDoc summary', () => {
    expect(all.filter((e) => !e.documented).map((e) => e.id)).toEqual([]);
  });

  it('every export has an @example', () => {
    expect(all.filter((e) => !e.hasExample).map((e) => e.id)).toEqual([]);
  });

  it('finds the examples on class members, static and instance', () => {
    const ids = memberExamples().map((m) => m.id);
    expect(ids).toContain('src/verifier.ts:Verifier.compileCaveats');
    expect(ids).toContain('src/fly/macaroon.ts:FlyMacaroon.create');
    expect(ids).not.toContain('src/verifier.ts:Verifier');
  });
});
