/**
 * The requiredCaveats gateway option: a token authorizes only if its root macaroon restricts each named
 * fact with a first-party caveat (and, as always, every caveat holds). Without the option, a token with
 * no caveat about a fact authorizes every value of it, which the first test shows.
 */
import { describe, expect, it } from 'vitest';
import { type Decision, Gateway, timeBefore } from '../../src/gateway/index.js';
import { InvalidArgumentError, Macaroon, Verifier } from '../../src/index.js';

const ROOT_KEY = 'root key of the required-caveat tests';
const CAVEAT_KEY = 'caveat key of the required-caveat tests';
const LATER = new Date(Date.now() + 3600_000).toISOString();
const REQUIRED = ['account = ', 'time < '];

function verifier(): Verifier {
  return new Verifier().satisfyGeneral(timeBefore);
}

const facts = (account: string) => ({ exact: [`account = ${account}`] });

function mint(...caveats: string[]): Macaroon {
  let m = Macaroon.create('svc', ROOT_KEY, 'id');
  for (const c of caveats) m = m.addFirstPartyCaveat(c);
  return m;
}

function gateways(required?: readonly string[]): [string, Gateway][] {
  const options = required === undefined ? {} : { requiredCaveats: required };
  return [
    ['a fixed key', new Gateway({ rootKey: ROOT_KEY, verifier: verifier(), ...options })],
    ['a key resolver', new Gateway({ rootKey: async () => ROOT_KEY, verifier: verifier(), ...options })],
  ];
}

async function decide(gateway: Gateway, headers: Record<string, string>, account = '42'): Promise<Decision> {
  return gateway.authorize(new Headers(headers), facts(account));
}

const auth = (m: Macaroon | string) => ({
  authorization: `Macaroon ${typeof m === 'string' ? m : m.serialize()}`,
});
const MISSING = { status: 401, reason: 'missing-required-caveat' };

describe('without requiredCaveats (macaroon semantics)', () => {
  it('a token without an account caveat authorizes every account', async () => {
    for (const [, gateway] of gateways()) {
      for (const account of ['42', '43', 'admin']) {
        expect((await decide(gateway, auth(mint()), account)).status).toBe(200);
      }
    }
  });
});

describe('requiredCaveats', () => {
  for (const [name, gateway] of gateways(REQUIRED)) {
    describe(`with ${name}`, () => {
      it('authorizes a token that restricts every named fact', async () => {
        const d = await decide(gateway, auth(mint('account = 42', `time < ${LATER}`)));
        expect(d.status).toBe(200);
        expect(d.status === 200 && d.macaroon.caveats.length).toBe(2);
      });

      it('refuses a token with no caveat, or without one of the named facts', async () => {
        expect(await decide(gateway, auth(mint()))).toEqual(MISSING);
        expect(await decide(gateway, auth(mint('account = 42')))).toEqual(MISSING);
        expect(await decide(gateway, auth(mint(`time < ${LATER}`)))).toEqual(MISSING);
        // A caveat that holds but names another fact (the prefix is matched bytewise, operator included).
        const other = mint('accounting = 42', `time < ${LATER}`);
        const d = await gateway.authorize(new Headers(auth(other)), { exact: ['accounting = 42'] });
        expect(d).toEqual(MISSING);
      });

      it('reports a failed verification first (the token is not valid at all)', async () => {
        expect(await decide(gateway, auth(mint('account = 43', `time < ${LATER}`)))).toEqual({
          status: 401,
          reason: 'caveat-not-satisfied',
        });
        const forged = Macaroon.create('svc', 'another key', 'id').addFirstPartyCaveat('account = 42');
        expect(await decide(gateway, auth(forged))).toEqual({ status: 401, reason: 'signature-mismatch' });
      });

      it("counts only the root macaroon's first-party caveats", async () => {
        // `time < …` as a third-party caveat identifier is a message to the third party, not a predicate.
        const thirdParty = mint('account = 42').addThirdPartyCaveat('auth', CAVEAT_KEY, `time < ${LATER}`);
        const discharge = Macaroon.create('auth', CAVEAT_KEY, `time < ${LATER}`).addFirstPartyCaveat(
          `time < ${LATER}`,
        );
        const bundle = Macaroon.serializeBundle([thirdParty, thirdParty.prepareForRequest(discharge)]);
        expect(await decide(gateway, auth(bundle))).toEqual(MISSING);
      });

      it('lets a restricted token in a cookie win over an unrestricted one in the header', async () => {
        const restricted = mint('account = 42', `time < ${LATER}`).serialize();
        const d = await decide(gateway, { ...auth(mint()), cookie: `macaroon-a=${restricted}` });
        expect(d.status).toBe(200);
      });
    });
  }

  it('refuses an option that is not a list of non-empty prefixes', () => {
    for (const requiredCaveats of ['account = ', [''], ['  '], [42]]) {
      expect(
        () =>
          new Gateway({
            rootKey: ROOT_KEY,
            verifier: verifier(),
            requiredCaveats: requiredCaveats as string[],
          }),
      ).toThrow(InvalidArgumentError);
    }
  });
});
