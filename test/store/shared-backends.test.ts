/**
 * The shared stores on real servers (each test file starts its own): two nodes share keys, a revocation
 * on one reaches the other at once, a server restart loses no key and no revocation, and while the
 * server is down known keys keep answering, the rest fail closed, and the store reconnects by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, startRedis, type TestServer } from '../../scripts/test-servers.js';
import { identifierDigest, type RootKeyStore, StoreUnavailableError } from '../../src/store/index.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { openRedisStore } from '../../src/store/redis.js';

const policy = { generateIntervalMs: 60_000, expiryMs: 600_000 };
const utf8 = (s: string) => new TextEncoder().encode(s);

async function until(condition: () => boolean, timeoutMs: number): Promise<number> {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
  return performance.now() - start;
}

async function eventually<T>(f: () => Promise<T>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await f();
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const BACKENDS = [
  {
    name: 'Redis',
    start: startRedis,
    open: (url: string) => openRedisStore({ url, policy, timeoutMs: 500 }),
  },
  {
    name: 'PostgreSQL',
    start: startPostgres,
    open: (url: string) => openPostgresStore({ url, policy, timeoutMs: 500, table: 'test_root_keys' }),
  },
];

for (const backend of BACKENDS) {
  describe(`${backend.name} store`, () => {
    let server: TestServer;
    let a: RootKeyStore;
    let b: RootKeyStore;
    beforeAll(async () => {
      server = await backend.start();
      a = await backend.open(server.url);
      b = await backend.open(server.url);
    });
    afterAll(async () => {
      await Promise.allSettled([a?.close(), b?.close()]);
      await server?.dispose();
    });

    it('shares keys between nodes', async () => {
      const { identifier, key, keyId } = await a.newIdentifier();
      expect(await b.resolver(utf8(identifier))).toEqual(key);
      expect((await b.rootKey()).id).toBe(keyId); // the newest fitting key, not a new one
    });

    it('a revocation on one node reaches the other within a second', async () => {
      const { identifier, keyId } = await a.newIdentifier();
      const digest = identifierDigest(utf8(identifier));
      expect(b.isRevoked(digest, keyId)).toBe(false);
      const start = performance.now();
      await a.revoke({ identifier });
      await until(() => b.isRevoked(digest, keyId), 1000);
      const ms = performance.now() - start;
      console.log(`${backend.name}: revocation heard by the other node after ${ms.toFixed(1)} ms`);
      expect(ms).toBeLessThan(1000);
    });

    it('loses no key and no revocation across a server restart, and reconnects by itself', async () => {
      const { identifier, key, keyId } = await a.newIdentifier();
      await a.revoke({ identifier });
      const other = await a.newIdentifier();
      await server.stop();
      // Down: known keys still answer from memory; unknown ones fail closed; revoking fails.
      expect(a.get(keyId)).toMatchObject({ key });
      await expect(Promise.resolve(a.get('0'.repeat(32)))).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(a.revoke({ keyId })).rejects.toBeInstanceOf(StoreUnavailableError);
      await server.start();
      // A node that starts after the restart sees everything.
      const c = await eventually(() => backend.open(server.url), 10_000);
      expect(await c.resolver(utf8(identifier))).toEqual(key);
      expect(c.isRevoked(identifierDigest(utf8(identifier)), keyId)).toBe(true);
      expect(c.isRevoked(identifierDigest(utf8(other.identifier)), keyId)).toBe(false);
      // The old nodes reconnected by themselves: a revocation made now on one reaches the other.
      await eventually(() => a.revoke({ identifier: other.identifier }), 10_000);
      await until(() => b.isRevoked(identifierDigest(utf8(other.identifier)), keyId), 5000);
      await c.close();
    });
  });
}
