/**
 * Verifier.compileCaveats / checkCompiled: the same verdicts as checkCaveatList (and so as verify), for
 * as long as the verifier is unchanged, and again after it changes (the compiled list is redone).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Verifier } from '../../src/index.js';
import type { CaveatToCheck } from '../../src/verifier.js';

const enc = new TextEncoder();
const caveat = (text: string, macaroon = 0): CaveatToCheck => ({ bytes: enc.encode(text), text, macaroon });
const message = (e: Error | undefined) => e?.message;

describe('compiled caveat lists', () => {
  it('give the verdicts of checkCaveatList, request by request', () => {
    const texts = ['a = 1', 'b = 2', 'c = 3', 'even 4', 'even 5'];
    const v = new Verifier()
      .satisfyExact('a = 1')
      .satisfyGeneral((p) => p.startsWith('even ') && Number(p.slice(5)) % 2 === 0);
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...texts), { maxLength: 6 }),
        fc.subarray(texts),
        (list, exact) => {
          const caveats = list.map((t, i) => caveat(t, i % 2));
          const compiled = v.compileCaveats(caveats);
          expect(message(v.checkCompiled(compiled, { exact }))).toBe(
            message(v.checkCaveatList(caveats, { exact })),
          );
        },
      ),
    );
  });

  it('follow the verifier when it satisfies more after compiling', () => {
    const v = new Verifier();
    const compiled = v.compileCaveats([caveat('a = 1'), caveat('b = 2')]);
    expect(v.checkCompiled(compiled)?.message).toMatch(/"a = 1" of the root macaroon/);
    v.satisfyExact('a = 1');
    expect(v.checkCompiled(compiled)?.message).toMatch(/"b = 2" of the root macaroon/);
    v.satisfyGeneral((p) => p === 'b = 2');
    expect(v.checkCompiled(compiled)).toBeUndefined();
  });

  it("are another verifier's to use only as a plain caveat list", () => {
    const compiled = new Verifier().satisfyExact('a = 1').compileCaveats([caveat('a = 1')]);
    expect(new Verifier().checkCompiled(compiled)?.message).toMatch(/"a = 1"/);
  });
});
