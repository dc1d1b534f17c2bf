import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../src/bytes.js';
import { Macaroon, NotAuthorizedError, Verifier } from '../src/index.js';
import { ENGINES } from './engines.js';

// The libmacaroons README walk-through (docs/peers.md#published-examples).
const KEY = 'this is our super secret key; only we should know it';
const SIGS = [
  'e3d9e02908526c4c0039ae15114115d97fdd68bf2ba379b342aaf0f617d0552f',
  '1efe4763f290dbce0c1d08477367e11f4eee456a64933cf662d79772dbb82128',
  'b5f06c8c8ef92f6c82c6ff282cd1f8bd1849301d09a2db634ba182536a611c49',
  'ddf553e46083e55b8d71ab822be3d8fcf21d6bf19c40d617bb9fb438934474b6',
];
const CAVEATS = ['account = 3735928559', 'time < 2020-01-01T00:00', 'email = alice@example.org'];

function mint(): Macaroon[] {
  const chain = [Macaroon.create('http://mybank/', KEY, 'we used our secret key')];
  for (const c of CAVEATS) chain.push((chain.at(-1) as Macaroon).addFirstPartyCaveat(c));
  return chain;
}

describe('libmacaroons walk-through', () => {
  it('reproduces every signature of the seed', () => {
    expect(mint().map((m) => bytesToHex(m.signature))).toEqual(SIGS);
  });

  it('leaves the macaroon it attenuates unchanged', () => {
    const [m0, m1] = mint() as [Macaroon, Macaroon];
    expect(m0.caveats).toHaveLength(0);
    expect(m1.caveats).toHaveLength(1);
    expect(bytesToHex(m0.signature)).toBe(SIGS[0]);
  });

  for (const engine of ENGINES) {
    describe(`verification (${engine} engine)`, () => {
      const m = mint()[3] as Macaroon;
      const verifier = () =>
        new Verifier({ engine })
          .satisfyExact('account = 3735928559')
          .satisfyExact('email = alice@example.org')
          .satisfyGeneral((p) => p.startsWith('time < '));

      it('accepts the macaroon with every caveat satisfied', () => {
        expect(() => verifier().verify(m, KEY)).not.toThrow();
        expect(verifier().verifyUnsafe(m, KEY)).toBe(true);
      });

      it('rejects a wrong key with signature-mismatch', () => {
        expect(() => verifier().verify(m, `${KEY}!`)).toThrow(NotAuthorizedError);
        expect(verifier().verifyUnsafe(m, 'wrong')).toBe(false);
      });

      it('rejects an unsatisfied caveat and names it', () => {
        const v = new Verifier({ engine }).satisfyExact('account = 3735928559');
        let error: unknown;
        try {
          v.verify(m, KEY);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(NotAuthorizedError);
        expect((error as NotAuthorizedError).reason).toBe('caveat-not-satisfied');
        expect((error as Error).message).toContain('time < 2020-01-01T00:00');
      });
    });
  }
});
