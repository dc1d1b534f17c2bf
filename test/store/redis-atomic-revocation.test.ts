/**
 * A revocation on Redis is one atomic step: stored and published together. The revoking node's
 * connection is cut right after it sent the command that stores the revocation (a TCP proxy forwards
 * that command, then drops everything): the server must then have published it too, so another node
 * hears of every revocation that is stored. Written as two commands, the store would keep a revocation
 * that no node hears of until its next reload.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestServer } from '../../scripts/test-servers.js';
import { identifierDigest, type RootKeyStore } from '../../src/store/index.js';
import { openRedisStore } from '../../src/store/redis.js';

const policy = { generateIntervalMs: 60_000, expiryMs: 600_000 };

/**
 * A proxy to `port` that, once armed, forwards the first client chunk containing `marker`, then passes
 * nothing more either way on that connection (so the client never learns the outcome and sends nothing
 * after it) and closes it once the server has had time to run what it received.
 */
async function cuttingProxy(port: number) {
  let marker: Buffer | undefined;
  let cut = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(port, '127.0.0.1');
    sockets.add(client).add(upstream);
    let dead = false;
    client.on('data', (chunk: Buffer) => {
      if (dead) return;
      upstream.write(chunk);
      if (marker && !cut && chunk.includes(marker)) {
        cut = true;
        dead = true;
        setTimeout(() => {
          client.destroy();
          upstream.destroy();
        }, 200);
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!dead) client.write(chunk);
    });
    for (const s of [client, upstream]) {
      s.on('error', () => {});
      s.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `redis://127.0.0.1:${address.port}`,
    arm: (text: string) => {
      marker = Buffer.from(text);
    },
    get cut() {
      return cut;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('Redis: a revocation is stored and published in one step', () => {
  let server: TestServer;
  let proxy: Awaited<ReturnType<typeof cuttingProxy>>;
  let revoker: RootKeyStore;
  let observer: RootKeyStore;
  let raw: ReturnType<typeof createClient>;
  beforeAll(async () => {
    server = await startRedis();
    proxy = await cuttingProxy(Number(new URL(server.url).port));
    revoker = await openRedisStore({ url: proxy.url, policy, timeoutMs: 500, resyncIntervalMs: 0 });
    observer = await openRedisStore({ url: server.url, policy, timeoutMs: 500, resyncIntervalMs: 0 });
    raw = createClient({ url: server.url });
    raw.on('error', () => {});
    await raw.connect();
  });
  afterAll(async () => {
    await Promise.allSettled([revoker?.close(), observer?.close(), raw?.close(), proxy?.close()]);
    await server?.dispose();
  });

  it('a revocation whose sender vanished right after sending it is stored and heard by every node', async () => {
    const { identifier } = await revoker.newIdentifier();
    const digest = identifierDigest(new TextEncoder().encode(identifier));
    // An expiry nothing else sends: the proxy cuts right after the command that carries it.
    const expires = Date.now() + 987_654_321;
    proxy.arm(String(expires));
    await revoker.revoke({ identifier }, { expires }).catch(() => {}); // its connection dies: it may fail
    expect(proxy.cut).toBe(true);
    await new Promise((r) => setTimeout(r, 500)); // a published message arrives well within this
    const stored = (await raw.hGet('macaroon:revocations', `identifier:${digest}`)) !== null;
    const heard = observer.isRevoked(digest, undefined);
    // The command that reached the server did all of it; two commands would leave it stored, unheard.
    expect({ stored, heard }).toEqual({ stored: true, heard: true });
  });
});
