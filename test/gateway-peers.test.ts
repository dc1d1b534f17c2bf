/**
 * The example gateway (examples/gateway/server.js, run as `npm run gateway`) as a child process, fed
 * tokens minted by other implementations for its key: pymacaroons (Debian's python3-pymacaroons) and
 * go-macaroon (Debian's golang-gopkg-macaroon.v2-dev). It must accept valid ones and reject tampered,
 * unbound, expired and misdirected ones. Also run with the worker pool, and the pool on its own.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Macaroon } from '../src/index.js';
import { type ExampleGateway, startExampleGateway } from './gateway/example-process.js';

const ROOT = join(import.meta.dirname, '..');
const PEERS = join(ROOT, 'examples/gateway/peers');
const PYTHON = '/usr/bin/python3';
const GOPATH = '/usr/share/gocode';
const KEY = randomBytes(32);
const DEADLINE = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');

function ensureBuilt(): void {
  // The example imports the package by name (dist/); `npm test` builds first, a lone run may not have.
  if (
    !existsSync(join(ROOT, 'dist/node/pool-worker.js')) ||
    !existsSync(join(ROOT, 'dist/gateway/index.js'))
  ) {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
}

function startGateway(env: Record<string, string> = {}): Promise<ExampleGateway> {
  return startExampleGateway({ GATEWAY_ROOT_KEY: KEY.toString('hex'), ...env });
}

async function ask(
  gateway: ExampleGateway,
  account: string,
  headers: Record<string, string>,
): Promise<{ status: number; wwwAuthenticate: string | null; body: string }> {
  const res = await fetch(`${gateway.url}/accounts/${account}`, { headers });
  return { status: res.status, wwwAuthenticate: res.headers.get('www-authenticate'), body: await res.text() };
}

const auth = (token: string) => ({ authorization: `Macaroon ${token}` });
const denied = (reason: string) => ({ status: 401, wwwAuthenticate: `Macaroon reason="${reason}"` });

/** Rewrites `account = 42` inside the signed bytes without re-signing: a tampered token. */
function tamperAccount(base64url: string): string {
  const bytes = Buffer.from(base64url, 'base64url');
  const at = bytes.indexOf('account = 42');
  if (at < 0) throw new Error('no account caveat to tamper with');
  bytes.write('account = 43', at);
  return bytes.toString('base64url');
}

function peerProbe(): { python?: string; go?: string } {
  const missing: { python?: string; go?: string } = {};
  if (!existsSync(PYTHON) || spawnSync(PYTHON, ['-c', 'import pymacaroons']).status !== 0) {
    missing.python = `${PYTHON} with pymacaroons (Debian python3-pymacaroons) is not installed`;
  }
  if (spawnSync('go', ['version']).status !== 0 || !existsSync(join(GOPATH, 'src/gopkg.in/macaroon.v2'))) {
    missing.go =
      'go with gopkg.in/macaroon.v2 (Debian golang-go, golang-gopkg-macaroon.v2-dev) is not installed';
  }
  for (const why of Object.values(missing)) console.warn(`SKIPPING gateway peer tests: ${why}`);
  return missing;
}

const missing = peerProbe();

let gateway: ExampleGateway;
beforeAll(async () => {
  ensureBuilt();
  gateway = await startGateway();
});
afterAll(() => {
  gateway?.child.kill('SIGTERM');
});

describe('example gateway: its own contract', () => {
  it('answers 200 with JSON for a valid token, 401 with a reason, 400 for malformed, 404 elsewhere', async () => {
    const token = Macaroon.create('', KEY, 'any identifier at all')
      .addFirstPartyCaveat('account = 42')
      .addFirstPartyCaveat('action = read')
      .addFirstPartyCaveat(`time < ${DEADLINE}`)
      .serialize();
    const ok = await ask(gateway, '42', auth(token));
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ account: '42' });
    expect(await ask(gateway, '42', {})).toMatchObject(denied('missing-token'));
    expect(await ask(gateway, '42', auth('AgEx'))).toMatchObject({ status: 400, wwwAuthenticate: null });
    // Valid as a macaroon, but it does not restrict the action or the time: the example requires both.
    const noTime = Macaroon.create('', KEY, 'x').addFirstPartyCaveat('account = 42').serialize();
    expect(await ask(gateway, '42', auth(noTime))).toMatchObject(denied('missing-required-caveat'));
    const write = Macaroon.create('', KEY, 'x')
      .addFirstPartyCaveat('account = 42')
      .addFirstPartyCaveat('action = write')
      .addFirstPartyCaveat(`time < ${DEADLINE}`)
      .serialize();
    expect(await ask(gateway, '42', auth(write))).toMatchObject(denied('caveat-not-satisfied'));
    expect((await fetch(`${gateway.url}/other`)).status).toBe(404);
  });
});

describe.skipIf(missing.python !== undefined)('example gateway with tokens minted by pymacaroons', () => {
  let tokens: Record<string, string>;
  beforeAll(() => {
    const out = execFileSync(
      PYTHON,
      [join(PEERS, 'pymacaroons_mint.py'), KEY.toString('hex'), '42', DEADLINE],
      { encoding: 'utf8' },
    );
    tokens = JSON.parse(out);
  });

  it('accepts V1 and V2 tokens and bakery bundles with bound discharges (header and cookie)', async () => {
    expect((await ask(gateway, '42', auth(tokens.v1 as string))).status).toBe(200);
    expect((await ask(gateway, '42', auth(tokens.v2 as string))).status).toBe(200);
    expect((await ask(gateway, '42', { macaroons: tokens.bundle_bound as string })).status).toBe(200);
    expect((await ask(gateway, '42', { cookie: `macaroon-py=${tokens.bundle_bound}` })).status).toBe(200);
  });

  it('rejects tampered, unbound, undischarged, expired and misdirected tokens', async () => {
    expect(await ask(gateway, '43', auth(tamperAccount(tokens.v1 as string)))).toMatchObject(
      denied('signature-mismatch'),
    );
    expect(await ask(gateway, '43', auth(tamperAccount(tokens.v2 as string)))).toMatchObject(
      denied('signature-mismatch'),
    );
    expect(await ask(gateway, '42', { macaroons: tokens.bundle_unbound as string })).toMatchObject(
      denied('signature-mismatch'),
    );
    expect(await ask(gateway, '42', { macaroons: tokens.bundle_missing_discharge as string })).toMatchObject(
      denied('discharge-missing'),
    );
    expect(await ask(gateway, '42', auth(tokens.expired as string))).toMatchObject(
      denied('caveat-not-satisfied'),
    );
    expect(await ask(gateway, '43', auth(tokens.v2 as string))).toMatchObject(denied('caveat-not-satisfied'));
  });
});

describe.skipIf(missing.go !== undefined)('example gateway with tokens minted by go-macaroon', () => {
  let tokens: Record<string, string>;
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-go-'));
    const binary = join(dir, 'mint');
    // GOPATH mode against Debian's source tree: builds offline, no module download.
    const env = { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '', GOCACHE: join(dir, 'cache') };
    execFileSync('go', ['build', '-o', binary, join(PEERS, 'go-macaroon/main.go')], { env });
    tokens = JSON.parse(execFileSync(binary, [KEY.toString('hex'), '42', DEADLINE], { encoding: 'utf8' }));
  }, 120_000);

  it('accepts a binary Slice with a bound discharge, and bakery’s cookie', async () => {
    expect((await ask(gateway, '42', auth(tokens.slice_bound as string))).status).toBe(200);
    const cookie = `${tokens.cookie_name}=${tokens.cookie_bound}`;
    expect((await ask(gateway, '42', { cookie })).status).toBe(200);
  });

  it('rejects an unbound discharge, a tampered Slice and a misdirected one', async () => {
    expect(await ask(gateway, '42', auth(tokens.slice_unbound as string))).toMatchObject(
      denied('signature-mismatch'),
    );
    // The altered caveat comes before the third-party one, so the chain no longer opens its vid.
    expect(await ask(gateway, '43', auth(tamperAccount(tokens.slice_bound as string)))).toMatchObject(
      denied('decryption-failed'),
    );
    expect(await ask(gateway, '43', auth(tokens.slice_bound as string))).toMatchObject(
      denied('caveat-not-satisfied'),
    );
  });
});

describe('worker pool', () => {
  it('the example gateway verifies on a pool of 2 workers, with the same verdicts', async () => {
    const pooled = await startGateway({ GATEWAY_POOL: '2' });
    try {
      const root = Macaroon.create('', KEY, 'pool')
        .addFirstPartyCaveat('account = 42')
        .addFirstPartyCaveat('action = read')
        .addFirstPartyCaveat(`time < ${DEADLINE}`)
        .addThirdPartyCaveat('https://auth.example/', 'ck', 'tp');
      const discharge = Macaroon.create('', 'ck', 'tp').addFirstPartyCaveat(`time < ${DEADLINE}`);
      const bound = Macaroon.serializeBundle([root, root.prepareForRequest(discharge)]);
      const unbound = Macaroon.serializeBundle([root, discharge]);
      // Concurrent requests land in shared batches; each keeps its own account fact and verdict.
      const plan: [string, string, number | string][] = [
        ['42', bound, 200],
        ['42', unbound, 'signature-mismatch'],
        ['43', bound, 'caveat-not-satisfied'],
      ];
      const cases = Array.from({ length: 60 }, (_, i) => plan[i % plan.length] as (typeof plan)[number]);
      const results = await Promise.all(cases.map(([account, token]) => ask(pooled, account, auth(token))));
      results.forEach((r, i) => {
        const expected = (cases[i] as (typeof plan)[number])[2];
        if (expected === 200) expect(r.status).toBe(200);
        else expect(r).toMatchObject(denied(expected as string));
      });
    } finally {
      pooled.child.kill('SIGTERM');
    }
  });

  it('VerifierPool keeps per-item facts and rebuilds typed errors across threads', async () => {
    const { VerifierPool } = await import(pathToFileURL(join(ROOT, 'dist/node/index.js')).href);
    const pool = new VerifierPool({
      verifierModule: join(ROOT, 'examples/gateway/verifier.js'),
      size: 2,
      minChunk: 1,
    });
    try {
      // Tokens as text and bytes: this file's Macaroon class is not the one dist/ checks for.
      const m = Macaroon.create('', KEY, 'id').addFirstPartyCaveat('account = 1');
      const items = [
        { macaroon: m.serialize(), rootKey: KEY, exact: ['account = 1'] },
        { macaroon: m.toBytes(), rootKey: KEY, exact: ['account = 2'] },
        { macaroon: m.serialize(), rootKey: new Uint8Array(32), exact: ['account = 1'] },
        { macaroon: 'garbage', rootKey: KEY },
      ];
      const results = await pool.verifyBatch(items);
      expect(results.map((r: { ok: boolean }) => r.ok)).toEqual([true, false, false, false]);
      expect(results[1].error).toMatchObject({ code: 'ERR_NOT_AUTHORIZED', reason: 'caveat-not-satisfied' });
      expect(results[2].error).toMatchObject({ code: 'ERR_NOT_AUTHORIZED', reason: 'signature-mismatch' });
      expect(results[3].error).toMatchObject({ code: 'ERR_DECODE', name: 'DecodeError' });
    } finally {
      await pool.close();
    }
  });
});
