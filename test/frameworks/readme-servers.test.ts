/**
 * The README's framework examples, run for real: each block marked `<!-- serve: node|deno [flags] -->`
 * is written into a scratch consumer project (the package and the frameworks linked from this
 * repository), started as a server on a free loopback port, and sent requests with a macaroon minted
 * under its GATEWAY_ROOT_KEY. Flags: `bearer` (the example accepts `Authorization: Bearer`), `problem`
 * (its denials are RFC 9457 problem+json).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transform } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Macaroon } from '../../src/index.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const DENO = join(ROOT, 'node_modules', '.bin', 'deno');
const KEY_HEX = 'a4f0c3b2d1e0f9a8b7c6d5e4f3a2b1c0a4f0c3b2d1e0f9a8b7c6d5e4f3a2b1c0';
const LINKED = ['macaroon-engine', 'express', 'fastify', 'hono'];

interface Example {
  readonly runtime: 'node' | 'deno';
  readonly flags: readonly string[];
  readonly line: number;
  readonly code: string;
}

function examples(): Example[] {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const marked = /<!-- serve: (node|deno)([ a-z]*) -->\n```ts\n([\s\S]*?)^```$/gm;
  return [...text.matchAll(marked)].map((m) => ({
    runtime: m[1] as 'node' | 'deno',
    flags: (m[2] ?? '').trim().split(/\s+/).filter(Boolean),
    line: text.slice(0, m.index).split('\n').length + 1,
    code: m[3] as string,
  }));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const key = Uint8Array.from(KEY_HEX.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
const token = Macaroon.create('https://api.example/', key, 'user-42')
  .addFirstPartyCaveat('account = 42')
  .addFirstPartyCaveat('action = read')
  .addFirstPartyCaveat('time < 2099-01-01T00:00:00Z')
  .serialize();

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'macaroon-engine-servers-'));
  mkdirSync(join(dir, 'node_modules'));
  for (const name of LINKED) {
    const target = name === 'macaroon-engine' ? ROOT : join(ROOT, 'node_modules', name);
    symlinkSync(target, join(dir, 'node_modules', name), 'dir');
  }
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'servers', type: 'module', private: true }),
  );
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function start(
  example: Example,
  index: number,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), GATEWAY_ROOT_KEY: KEY_HEX };
  let child: ChildProcess;
  if (example.runtime === 'node') {
    const { code } = await transform(example.code, { loader: 'ts', format: 'esm', target: 'node20' });
    writeFileSync(join(dir, `example-${index}.mjs`), code);
    child = spawn(process.execPath, [`example-${index}.mjs`], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } else {
    writeFileSync(join(dir, `example-${index}.ts`), example.code);
    const args = [
      'serve',
      '--quiet',
      '--allow-read',
      '--allow-env',
      '--port',
      String(port),
      `example-${index}.ts`,
    ];
    child = spawn(DENO, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  }
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the example exited (${child.exitCode}):\n${output}`);
    try {
      await fetch(url);
      return { child, url, output: () => output };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`the example did not answer within 60 s:\n${output}`);
}

const all = examples();

describe('README framework examples on a real server', () => {
  it('finds one example per adapter', () => {
    const text = all.map((e) => e.code).join('\n');
    for (const entry of [
      'macaroon-engine/express',
      'macaroon-engine/fastify',
      'macaroon-engine/hono',
      'macaroon-engine/node',
      'withMacaroonAuth',
    ]) {
      expect(text).toContain(entry);
    }
  });

  it.each(all.map((e, i) => [`README.md:${e.line} (${e.runtime})`, e, i] as const))(
    '%s',
    { timeout: 120_000 },
    async (_name, example, index) => {
      const server = await start(example, index);
      try {
        const get = (path: string, authorization?: string) =>
          fetch(server.url + path, authorization ? { headers: { authorization } } : {});

        const ok = await get('/accounts/42', `Macaroon ${token}`);
        expect(ok.status, server.output()).toBe(200);
        expect(await ok.json()).toMatchObject({ account: '42' });

        // Route params reach the facts: the same macaroon is not good for another account.
        const other = await get('/accounts/7', `Macaroon ${token}`);
        expect(other.status).toBe(401);
        expect(other.headers.get('www-authenticate')).toMatch(/^Macaroon /);
        const body = await other.text();
        expect(body).not.toContain(token);
        expect(body).not.toContain(KEY_HEX);
        if (example.flags.includes('problem')) {
          expect(other.headers.get('content-type')).toMatch(/^application\/problem\+json/);
          expect(JSON.parse(body)).toMatchObject({ status: 401, reason: 'caveat-not-satisfied' });
        } else {
          expect(JSON.parse(body)).toMatchObject({ reason: 'caveat-not-satisfied' });
        }

        expect((await get('/accounts/42')).status).toBe(401);
        const bearer = await get('/accounts/42', `Bearer ${token}`);
        expect(bearer.status).toBe(example.flags.includes('bearer') ? 200 : 401);
        const malformed = await get('/accounts/42', 'Macaroon not-a-macaroon');
        expect(malformed.status).toBe(400);
      } finally {
        server.child.kill('SIGTERM');
      }
    },
  );
});
