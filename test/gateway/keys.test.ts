import { describe, expect, it } from 'vitest';
import { BatchVerifier, Gateway, KeyStore } from '../../src/gateway/index.js';
import { Macaroon, Verifier } from '../../src/index.js';

import { headers } from './fixtures.js';

describe('KeyStore: several live keys, rotation and expiry', () => {
  it('verifies with every live key, mints with the newest, forgets keys after their grace period', () => {
    let now = 1_000_000;
    const store = new KeyStore({ now: () => now });
    store.add('k1', 'first key');
    expect(store.current()?.id).toBe('k1');
    const k2 = store.rotate({ id: 'k2', key: 'second key', graceMs: 60_000 });
    expect(store.current()?.id).toBe('k2');
    expect(store.lookup(new TextEncoder().encode('k1:token'))).toEqual(new TextEncoder().encode('first key'));
    expect(store.lookup(new TextEncoder().encode('k2:token'))).toEqual(k2.key);
    now += 59_999;
    expect(store.ids().sort()).toEqual(['k1', 'k2']);
    now += 1;
    expect(store.lookup(new TextEncoder().encode('k1:token'))).toBeUndefined();
    expect(store.ids()).toEqual(['k2']);
    expect(store.lookup(new TextEncoder().encode('k2:token'))).toEqual(k2.key);
  });

  it('honours notBefore and expiresAt, and ignores identifiers that name no key', () => {
    let now = 0;
    const store = new KeyStore({ now: () => now });
    store.add('later', 'k', { notBefore: 100, expiresAt: 200 });
    const id = new TextEncoder().encode('later:x');
    expect(store.lookup(id)).toBeUndefined();
    expect(store.current()).toBeUndefined();
    now = 100;
    expect(store.lookup(id)).toBeDefined();
    now = 200;
    expect(store.lookup(id)).toBeUndefined();
    expect(store.lookup(new TextEncoder().encode('no colon'))).toBeUndefined();
    expect(store.lookup(new TextEncoder().encode('unknown:x'))).toBeUndefined();
    expect(() => store.add('a:b', 'k')).toThrow(/key id/);
  });

  it('works end to end: tokens of a retired key fail after the grace period with unknown-root-key', async () => {
    let now = Date.now();
    const store = new KeyStore({ now: () => now });
    store.rotate({ graceMs: 0 });
    const old = store.newIdentifier();
    store.rotate({ graceMs: 1000 });
    const fresh = store.newIdentifier();
    const gateway = new Gateway({ rootKey: store.resolver, verifier: new BatchVerifier(new Verifier()) });
    const ask = (m: Macaroon) => gateway.authorize(headers({ authorization: `Macaroon ${m.serialize()}` }));
    const oldToken = Macaroon.create('', old.key, old.identifier);
    const freshToken = Macaroon.create('', fresh.key, fresh.identifier);
    expect((await ask(oldToken)).status).toBe(200);
    expect((await ask(freshToken)).status).toBe(200);
    now += 1000;
    expect(await ask(oldToken)).toEqual({ status: 401, reason: 'unknown-root-key' });
    expect((await ask(freshToken)).status).toBe(200);
  });
});
