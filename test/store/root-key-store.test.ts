/**
 * RootKeyStore semantics (macaroon-bakery's dbrootkeystore): rotation by policy, lookups, revocations
 * and their expiry, deletion, failing closed on a backend that does not answer, and the file backing.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileBacking } from '../../src/node/file-backing.js';
import {
  identifierDigest,
  keyIdOf,
  MemoryBacking,
  type RootKeyBacking,
  RootKeyStore,
  StoreUnavailableError,
} from '../../src/store/index.js';

const T = 1000; // generate interval
const E = 5000; // expiry
const policy = { generateIntervalMs: T, expiryMs: E };

async function memoryStore(clock: { now: number }, backing: RootKeyBacking = new MemoryBacking()) {
  return RootKeyStore.open(backing, { policy, now: () => clock.now, resyncIntervalMs: 0 });
}

describe('rotation (bakery policy)', () => {
  it('reuses the current key for the generate interval, then makes a new one', async () => {
    const clock = { now: 1_000_000 };
    const store = await memoryStore(clock);
    const first = await store.rootKey();
    expect(first.id).toMatch(/^[0-9a-f]{32}$/);
    expect(first.key.length).toBe(32);
    expect(first.expires).toBe(first.created + T + E);
    clock.now += T;
    expect((await store.rootKey()).id).toBe(first.id);
    clock.now += 1;
    const second = await store.rootKey();
    expect(second.id).not.toBe(first.id);
    // The old key verifies until created + T + E, then is gone.
    clock.now = first.expires;
    expect(store.get(first.id)).toEqual(first);
    clock.now = first.expires + 1;
    expect(store.get(first.id)).toBeUndefined();
    await store.close();
  });

  it('finds the newest fitting key in the backend (another node made it)', async () => {
    const clock = { now: 2_000_000 };
    const backing = new MemoryBacking();
    const a = await memoryStore(clock, backing);
    const b = await memoryStore(clock, backing);
    const k = await a.rootKey();
    expect((await b.rootKey()).id).toBe(k.id);
    await Promise.all([a.close(), b.close()]);
  });

  it('carries the key id in the identifier', async () => {
    const store = await memoryStore({ now: 3_000_000 });
    const { identifier, key, keyId } = await store.newIdentifier();
    expect(keyIdOf(new TextEncoder().encode(identifier))).toBe(keyId);
    expect(await store.resolver(new TextEncoder().encode(identifier))).toEqual(key);
    expect(store.resolver(new TextEncoder().encode('nokey'))).toBeUndefined();
    await store.close();
  });
});

describe('revocation', () => {
  it('by identifier and by key, expiring with the key', async () => {
    const clock = { now: 4_000_000 };
    const store = await memoryStore(clock);
    const { identifier, keyId } = await store.newIdentifier();
    const digest = identifierDigest(new TextEncoder().encode(identifier));
    expect(store.isRevoked(digest, keyId)).toBe(false);
    const r = await store.revoke({ identifier });
    expect(r.expires).toBe(clock.now + T + E);
    expect(store.isRevoked(digest, keyId)).toBe(true);
    expect(store.isRevoked(identifierDigest(new TextEncoder().encode(`${keyId}:other`)), keyId)).toBe(false);
    await store.revoke({ keyId });
    expect(store.isRevoked('0'.repeat(64), keyId)).toBe(true);
    clock.now += T + E + 1;
    expect(store.isRevoked(digest, keyId)).toBe(false);
    expect(store.revocationCount).toBe(0);
    await store.close();
  });

  it('a deleted key is gone on every node at once', async () => {
    const clock = { now: 5_000_000 };
    const backing = new MemoryBacking();
    const store = await memoryStore(clock, backing);
    const k = await store.rootKey();
    await store.deleteKey(k.id);
    expect(await store.get(k.id)).toBeUndefined();
    expect(await backing.getKey(k.id)).toBeUndefined();
    expect((await store.rootKey()).id).not.toBe(k.id);
    await store.close();
  });
});

describe('an unreachable backend', () => {
  it('fails closed after the timeout, while known keys keep answering', async () => {
    const clock = { now: 6_000_000 };
    const backing = new MemoryBacking();
    let hang = false;
    const never = new Promise<never>(() => {});
    const flaky: RootKeyBacking = {
      getKey: (id) => (hang ? never : backing.getKey(id)),
      findLatestKey: (a, b, c) => (hang ? never : backing.findLatestKey(a, b, c)),
      insertKey: (k) => (hang ? never : backing.insertKey(k)),
      deleteKey: (id) => backing.deleteKey(id),
      addRevocation: (r) => (hang ? never : backing.addRevocation(r)),
      loadRevocations: (now) => backing.loadRevocations(now),
      subscribe: (e) => backing.subscribe(e),
      close: () => backing.close(),
    };
    const store = await RootKeyStore.open(flaky, {
      policy,
      now: () => clock.now,
      resyncIntervalMs: 0,
      timeoutMs: 50,
    });
    const k = await store.rootKey();
    hang = true;
    expect(store.get(k.id)).toEqual(k); // known: synchronous, no I/O
    await expect(store.get('f'.repeat(32))).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.revoke({ keyId: k.id })).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(store.isRevoked('', k.id)).toBe(false); // a revocation that was not stored is not in force
    await store.close();
  });
});

describe('file backing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'macaroon-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps keys and revocations across restarts, in a file only its owner reads', async () => {
    const path = join(dir, 'keys.json');
    const clock = { now: Date.now() };
    const a = await RootKeyStore.open(await FileBacking.open(path), { policy, now: () => clock.now });
    const { identifier, keyId } = await a.newIdentifier();
    const k = (await a.get(keyId)) as { key: Uint8Array };
    await a.revoke({ identifier });
    await a.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toContain(keyId);

    const b = await RootKeyStore.open(await FileBacking.open(path), { policy, now: () => clock.now });
    expect((await b.get(keyId))?.key).toEqual(k.key);
    expect(b.isRevoked(identifierDigest(new TextEncoder().encode(identifier)), keyId)).toBe(true);
    await b.close();
  });
});
