/**
 * What a handler behind the gateway receives, and the cache's key checks with a user's own key source:
 * facts without re-parsing, a key replaced under the same id ends its cached tokens, revocation answers
 * 401 revoked, and a store that is down gives 503 for unknown keys (never 200).
 */
import { describe, expect, it } from 'vitest';
import { BatchVerifier, Gateway, KeyStore, timeBefore, VerifiedTokenCache } from '../../src/gateway/index.js';
import { Macaroon, Verifier } from '../../src/index.js';
import { openMemoryStore } from '../../src/store/index.js';

const headers = (token: string) => ({
  get: (n: string) => (n === 'authorization' ? `Macaroon ${token}` : null),
});
const policy = { expiryMs: 60_000 };

describe('verified facts for the handler', () => {
  for (const cache of [undefined, new VerifiedTokenCache()]) {
    it(`identifier, key id, declared values and caveats (${cache ? 'cached' : 'no cache'})`, async () => {
      const store = await openMemoryStore({ policy });
      const { identifier, key, keyId } = await store.newIdentifier();
      const caveatKey = new Uint8Array(32).fill(1);
      const root = Macaroon.create('https://svc/', key, identifier)
        .addFirstPartyCaveat('declared user alice')
        .addFirstPartyCaveat('action = read')
        .addThirdPartyCaveat('https://tp/', caveatKey, 'tp');
      const d = Macaroon.create('https://tp/', caveatKey, 'tp')
        .addFirstPartyCaveat('declared group admins')
        .addFirstPartyCaveat('declared user bob');
      const token = Macaroon.serializeBundle([root, root.prepareForRequest(d)]);
      const gateway = new Gateway({
        store,
        verifier: new Verifier()
          .satisfyExact('action = read')
          .satisfyGeneral((p) => p.startsWith('declared ')),
        ...(cache ? { cache } : {}),
      });
      for (let i = 0; i < 3; i++) {
        const decision = await gateway.authorize(headers(token));
        expect(decision.status).toBe(200);
        if (decision.status !== 200) return;
        const v = decision.verified;
        expect(v.identifierText).toBe(identifier);
        expect(v.rootKeyId).toBe(keyId);
        // `user` is declared twice with different values: left out, as macaroon-bakery does.
        expect(v.declared).toEqual({ group: 'admins' });
        expect(v.caveats.map((c) => [c.macaroon, c.predicate])).toEqual([
          [0, 'declared user alice'],
          [0, 'action = read'],
          [1, 'declared group admins'],
          [1, 'declared user bob'],
        ]);
        expect(Object.isFrozen(v)).toBe(true);
        v.identifier.fill(0); // a copy: the cache's own bytes stay intact
        expect(decision.macaroon.identifier).toEqual(new TextEncoder().encode(identifier));
      }
      expect(cache?.stats.hits ?? 1).toBe(1); // cached on its second sighting, hit on its third
      await store.close();
    });
  }
});

describe('cached tokens and their keys', () => {
  it('a key replaced under the same id ends the tokens it verified', async () => {
    const keys = new KeyStore();
    keys.add('k1', new Uint8Array(32).fill(1));
    const token = Macaroon.create('x', new Uint8Array(32).fill(1), 'k1:abc').serialize();
    const cache = new VerifiedTokenCache();
    const gateway = new Gateway({ rootKey: keys.resolver, verifier: new Verifier(), cache });
    expect((await gateway.authorize(headers(token))).status).toBe(200);
    expect((await gateway.authorize(headers(token))).status).toBe(200);
    keys.add('k1', new Uint8Array(32).fill(2));
    expect(await gateway.authorize(headers(token))).toMatchObject({
      status: 401,
      reason: 'signature-mismatch',
    });
    keys.remove('k1');
    expect(await gateway.authorize(headers(token))).toMatchObject({
      status: 401,
      reason: 'unknown-root-key',
    });
  });

  it('a revoked token is refused with reason revoked, cached or not', async () => {
    const store = await openMemoryStore({ policy });
    const { identifier, key } = await store.newIdentifier();
    const token = Macaroon.create('x', key, identifier)
      .addFirstPartyCaveat('time < 2099-01-01T00:00:00Z')
      .serialize();
    const cached = new Gateway({
      store,
      verifier: new Verifier().satisfyGeneral(timeBefore),
      cache: new VerifiedTokenCache(),
    });
    expect((await cached.authorize(headers(token))).status).toBe(200);
    await store.revoke({ identifier });
    expect(await cached.authorize(headers(token))).toMatchObject({ status: 401, reason: 'revoked' });
    const fresh = new Gateway({ store, verifier: new Verifier().satisfyGeneral(timeBefore) });
    expect(await fresh.authorize(headers(token))).toMatchObject({ status: 401, reason: 'revoked' });
    await store.close();
  });

  it('needs the Verifier whose checks a hit applies', () => {
    const cache = new VerifiedTokenCache();
    const elsewhere = new BatchVerifier((items) => items.map(() => ({ ok: true })));
    expect(() => new Gateway({ rootKey: 'k', verifier: elsewhere, cache })).toThrow(/options.checks/);
    expect(
      () => new Gateway({ rootKey: 'k', verifier: elsewhere, cache, checks: new Verifier() }),
    ).not.toThrow();
  });
});
