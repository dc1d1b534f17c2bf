/**
 * A gateway reads the clock once per cache hit and hands that reading to the store's `get` and
 * `isRevoked`. A store on the system clock takes it; a store given a clock of its own reads that one,
 * whatever the caller says.
 */
import { describe, expect, it } from 'vitest';
import { identifierDigest, MemoryBacking, RootKeyStore } from '../../src/store/index.js';

const policy = { generateIntervalMs: 1000, expiryMs: 5000 };

describe("a caller's clock reading", () => {
  it('is the time for a store on the system clock', async () => {
    const store = await RootKeyStore.open(new MemoryBacking(), { policy, resyncIntervalMs: 0 });
    const { identifier, keyId } = await store.newIdentifier();
    const record = store.get(keyId);
    if (record === undefined || record instanceof Promise) throw new Error('the key is in memory');
    const digest = identifierDigest(new TextEncoder().encode(identifier));
    await store.revoke({ identifier });
    expect(store.get(keyId, record.expires)).toBe(record);
    expect(store.isRevoked(digest, keyId, record.expires)).toBe(true);
    // Read past the key's expiry: the key is gone and so is the revocation (it expires with the key).
    expect(store.isRevoked(digest, keyId, record.expires + 1)).toBe(false);
    expect(store.get(keyId, record.expires + 1)).toBeUndefined();
    await store.close();
  });

  it('is ignored by a store with a clock of its own', async () => {
    const clock = { now: 7_000_000 };
    const store = await RootKeyStore.open(new MemoryBacking(), {
      policy,
      now: () => clock.now,
      resyncIntervalMs: 0,
    });
    const { identifier, keyId } = await store.newIdentifier();
    const digest = identifierDigest(new TextEncoder().encode(identifier));
    await store.revoke({ identifier });
    const far = Number.MAX_SAFE_INTEGER;
    expect(store.isRevoked(digest, keyId, far)).toBe(true);
    expect(store.get(keyId, far)).toMatchObject({ id: keyId });
    clock.now += 10_000;
    expect(store.get(keyId, 0)).toBeUndefined();
    expect(store.isRevoked(digest, keyId, 0)).toBe(false);
    await store.close();
  });
});
