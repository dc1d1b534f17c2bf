/**
 * The judgement of first-party caveats on its own (src/predicates.ts), and Verifier.checkCaveats: what a
 * verified-token cache runs on a hit, without the cryptography, must give exactly verify()'s answer.
 */
import { describe, expect, it } from 'vitest';
import { utf8Encode } from '../src/bytes.js';
import { Macaroon, NotAuthorizedError, Verifier } from '../src/index.js';
import { Predicates, requestFacts } from '../src/predicates.js';
import { ENGINES } from './engines.js';

describe('Predicates', () => {
  it('satisfies exactly (the verifier’s or the request’s), else by a general check on text', () => {
    const p = new Predicates();
    p.addExact('a = 1');
    p.addGeneral((text, context) => text === `b = ${context}`);
    p.addGeneral(() => {
      throw new Error('a check that throws satisfies nothing');
    });
    expect(p.satisfies(utf8Encode('a = 1'), requestFacts({}))).toBe(true);
    expect(p.satisfies(utf8Encode('c = 3'), requestFacts({ exact: ['c = 3'] }))).toBe(true);
    expect(p.satisfies(utf8Encode('c = 3'), requestFacts({}))).toBe(false);
    expect(p.satisfies(utf8Encode('b = 2'), requestFacts({ context: 2 }))).toBe(true);
    expect(p.satisfies(utf8Encode('b = 2'), requestFacts({ context: 3 }))).toBe(false);
    // Not UTF-8: only an exact predicate can satisfy it.
    expect(p.satisfies(Uint8Array.of(0xff), requestFacts({}))).toBe(false);
    expect(p.satisfies(Uint8Array.of(0xff), requestFacts({ exact: [Uint8Array.of(0xff)] }))).toBe(true);
  });

  it('finds the first unsatisfied caveat in walk order, skipping third-party caveats', () => {
    const p = new Predicates();
    p.addExact('ok');
    const c = (text: string, vid = false) =>
      vid
        ? { identifier: utf8Encode(text), verificationId: new Uint8Array(72) }
        : { identifier: utf8Encode(text) };
    const macaroons = [{ caveats: [c('ok'), c('tp', true), c('bad')] }, { caveats: [c('worse')] }];
    expect(p.firstUnsatisfied(macaroons, [0, 1], requestFacts({}))).toEqual({ macaroon: 0, caveat: 2 });
    expect(p.firstUnsatisfied(macaroons, [1, 0], requestFacts({}))).toEqual({ macaroon: 1, caveat: 0 });
    expect(p.firstUnsatisfied(macaroons, [0], requestFacts({ exact: ['bad'] }))).toBeUndefined();
  });
});

describe.each(ENGINES)(
  'Verifier.checkCaveats gives verify()’s verdict without the cryptography (%s)',
  (engine) => {
    const caveatKey = 'caveat key';
    const root = Macaroon.create('', 'root key', 'id')
      .addFirstPartyCaveat('account = 42')
      .addThirdPartyCaveat('tp', caveatKey, 'tp-id')
      .addFirstPartyCaveat('action = read');
    const discharge = root.prepareForRequest(
      Macaroon.create('tp', caveatKey, 'tp-id').addFirstPartyCaveat('mfa'),
    );
    const verifier = () =>
      new Verifier({ engine }).satisfyExact('action = read').satisfyGeneral((p, context) => p === context);

    it.each([
      [{ exact: ['account = 42'], context: 'mfa' }],
      [{ exact: ['account = 42'] }],
      [{ context: 'mfa' }],
      [{ exact: ['account = 43'], context: 'mfa' }],
    ])('for the request %j', (options) => {
      const v = verifier();
      let expected: string | undefined;
      try {
        v.verify(root, 'root key', [discharge], options);
      } catch (e) {
        expected = (e as NotAuthorizedError).message;
      }
      const error = v.checkCaveats([root, discharge], [0, 1], options);
      expect(error?.message).toBe(expected);
      if (error) expect(error).toBeInstanceOf(NotAuthorizedError);
    });
  },
);
