/**
 * Many nodes: two example gateway processes on one shared store (Redis, then PostgreSQL, each started
 * by the test), with tokens minted and revoked through the CLI. A token minted through the store
 * verifies on both; a revocation reaches the other node within a second (measured); while the server
 * is down, tokens whose key a node knows keep working and the rest get 503; after a restart nothing is
 * lost and the nodes reconnect by themselves.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, startRedis, type TestServer } from '../../scripts/test-servers.js';
import { Macaroon } from '../../src/index.js';
import { DEFAULT_ROTATION_POLICY } from '../../src/store/index.js';
import { openStore } from '../../src/store/open.js';
import { type ExampleGateway, startExampleGateway, stopExampleGateway } from './example-process.js';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const DEADLINE = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
const run = promisify(execFile);

function ensureBuilt(): void {
  if (!existsSync(join(ROOT, 'dist/store/open.js')) || !existsSync(CLI)) {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
}

function startNode(store: string): Promise<ExampleGateway> {
  return startExampleGateway({ GATEWAY_STORE: store, GATEWAY_ROOT_KEY: undefined });
}

async function cli(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args]);
  return stdout.trim();
}

async function status(node: ExampleGateway, token: string, account = '42'): Promise<number> {
  const res = await fetch(`${node.url}/accounts/${account}`, {
    headers: { authorization: `Macaroon ${token}` },
  });
  await res.arrayBuffer();
  return res.status;
}

async function mint(store: string): Promise<string> {
  return cli([
    'mint',
    '--store',
    store,
    '--location',
    'https://gateway.example/',
    '--caveat',
    'account = 42',
    '--caveat',
    'action = read',
    '--caveat',
    `time < ${DEADLINE}`,
  ]);
}

const BACKENDS = [
  { name: 'Redis', start: startRedis },
  { name: 'PostgreSQL', start: startPostgres },
];

for (const backend of BACKENDS) {
  describe(`two gateways on one ${backend.name} store`, () => {
    let server: TestServer;
    let one: ExampleGateway;
    let two: ExampleGateway;
    beforeAll(async () => {
      ensureBuilt();
      server = await backend.start();
      [one, two] = await Promise.all([startNode(server.url), startNode(server.url)]);
    });
    afterAll(async () => {
      await Promise.allSettled([stopExampleGateway(one), stopExampleGateway(two)]);
      await server?.dispose();
    });

    it('a token minted through the store verifies on both, and a revocation reaches the other node within 1 s', async () => {
      const token = await mint(server.url);
      expect([await status(one, token), await status(two, token)]).toEqual([200, 200]);
      expect([await status(one, token), await status(two, token)]).toEqual([200, 200]); // cache hits
      expect(await status(two, token, '43')).toBe(401); // a hit still checks this request's caveats

      // Revoked by a third process (an operator's tool holding the store open), timed from the call.
      const operator = await openStore(server.url, { policy: DEFAULT_ROTATION_POLICY });
      const identifier = Macaroon.deserialize(token).identifier;
      const start = performance.now();
      await operator.revoke({ identifier });
      while ((await status(two, token)) !== 401 && performance.now() - start < 5000);
      const refused = performance.now() - start;
      await operator.close();
      console.log(
        `${backend.name}: the other gateway refused the revoked token ${refused.toFixed(1)} ms after the revocation was made`,
      );
      expect(await status(two, token)).toBe(401);
      expect(await status(one, token)).toBe(401);
      expect(refused).toBeLessThan(1000);

      // The CLI revokes the same way.
      const second = await mint(server.url);
      expect(await status(one, second)).toBe(200);
      expect(await cli(['revoke', second, '--store', server.url])).toMatch(
        /^revoked macaroon "[0-9a-f]{32}:/,
      );
      const t = performance.now();
      while ((await status(one, second)) !== 401 && performance.now() - t < 5000);
      expect(await status(one, second)).toBe(401);
    });

    it('server down: known keys keep working, unknown ones fail closed (503); a restart loses nothing', async () => {
      const token = await mint(server.url);
      const revoked = await mint(server.url);
      await cli(['revoke', revoked, '--store', server.url]);
      expect(await status(one, token)).toBe(200);
      await server.stop();
      expect(await status(one, token)).toBe(200); // cached: no I/O
      expect(await status(two, token, '43')).toBe(401);
      expect(await status(two, revoked)).toBe(401);
      // A token naming a key no node has seen (a key id that does not exist).
      const unknown = await cli([
        'mint',
        '--location',
        'x',
        '--id',
        `${'f'.repeat(32)}:nope`,
        '--key-hex',
        '00'.repeat(32),
        '--caveat',
        'account = 42',
      ]);
      expect(await status(one, unknown)).toBe(503);
      await server.start();
      // Both reconnect by themselves; nothing was lost.
      const end = Date.now() + 10_000;
      while ((await status(two, unknown)) === 503 && Date.now() < end)
        await new Promise((r) => setTimeout(r, 100));
      expect(await status(two, unknown)).toBe(401);
      expect(await status(one, revoked)).toBe(401);
      expect(await status(two, token)).toBe(200);
      const after = await mint(server.url);
      expect(await status(two, after)).toBe(200);
      await cli(['revoke', after, '--store', server.url]);
      const start = performance.now();
      while ((await status(one, after)) !== 401 && performance.now() - start < 5000);
      expect(await status(one, after)).toBe(401);
    });
  });
}
