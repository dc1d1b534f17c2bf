/**
 * requiredCaveats on cache hits: a hit answers as a fresh verification would, each gateway by its own
 * required prefixes, also when gateways with different ones share a cache.
 */
import { describe, expect, it } from 'vitest';
import { Gateway, timeBefore, VerifiedTokenCache } from '../../src/gateway/index.js';
import { Macaroon, Verifier } from '../../src/index.js';

const ROOT_KEY = 'root key of the required-on-hits tests';
const LATER = new Date(Date.now() + 3600_000).toISOString();

function token(...caveats: string[]): string {
  let m = Macaroon.create('svc', ROOT_KEY, 'id');
  for (const c of caveats) m = m.addFirstPartyCaveat(c);
  return m.serialize();
}

async function statuses(gateway: Gateway, t: string, times = 3): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < times; i++) {
    const d = await gateway.authorize(new Headers({ authorization: `Macaroon ${t}` }), {
      exact: ['account = 42'],
    });
    out.push(d.status === 401 ? `401 ${d.reason}` : String(d.status));
  }
  return out;
}

describe('required caveats on cache hits', () => {
  const verifier = new Verifier().satisfyGeneral(timeBefore);
  const cache = new VerifiedTokenCache({ admitOnFirstSight: true });
  const accountOnly = new Gateway({ rootKey: ROOT_KEY, verifier, cache, requiredCaveats: ['account = '] });
  const accountAndTime = new Gateway({
    rootKey: ROOT_KEY,
    verifier,
    cache,
    requiredCaveats: ['account = ', 'time < '],
  });

  it('refuses a token that lacks a required caveat on every request, hits included', async () => {
    expect(await statuses(accountOnly, token(`time < ${LATER}`))).toEqual(
      Array(3).fill('401 missing-required-caveat'),
    );
    expect(await statuses(accountOnly, token('account = 42'))).toEqual(['200', '200', '200']);
  });

  it('judges a shared entry by the prefixes of the gateway that reads it', async () => {
    const t = token('account = 42');
    expect(await statuses(accountOnly, t, 1)).toEqual(['200']);
    const hitsBefore = cache.stats.hits;
    expect(await statuses(accountAndTime, t)).toEqual(Array(3).fill('401 missing-required-caveat'));
    expect(await statuses(accountOnly, t)).toEqual(['200', '200', '200']);
    expect(cache.stats.hits - hitsBefore).toBe(6);
    const both = token('account = 42', `time < ${LATER}`);
    expect(await statuses(accountAndTime, both)).toEqual(['200', '200', '200']);
  });
});
