// `macaroon inspect` and `macaroon attenuate` on Fly.io tokens, through the real bin (as test/cli.test.ts runs it).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hexToBytes } from '../../src/bytes.js';
import { FlyMacaroon, verifyFly } from '../../src/fly/index.js';
import { BIN, ensureBin } from './bin.js';

const ROOT = join(import.meta.dirname, '..', '..');
const vectors = JSON.parse(readFileSync(join(ROOT, 'vectors/fly/superfly.json'), 'utf8'));
const bound = vectors.cases.find((c: { name: string }) => c.name === 'bound discharge');
const KEY = hexToBytes(vectors.keys.root) as Uint8Array;

beforeAll(ensureBin);

function macaroon(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('macaroon inspect on Fly tokens', () => {
  it('shows every token of a FlyV1 header with typed caveats', () => {
    const r = macaroon(['inspect', bound.header]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# 1 of 2: Fly.io macaroon');
    expect(r.stdout).toContain('caveat Organization {"id":450825,"mask":"rwcdC"}');
    expect(r.stdout).toContain('caveat 3P {"Location":"https://api.fly.io/aaa/v1"');
    expect(r.stdout).toContain('# 2 of 2: Fly.io macaroon (superfly/macaroon format), proof');
    expect(r.stdout).toContain('caveat BindToParentToken');
  });

  it('--json gives kid, nonce, caveats and tail; stdin works', () => {
    const token = bound.header.slice('FlyV1 '.length).split(',')[0];
    const r = macaroon(['inspect', '--json', '-'], `${token}\n`);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.format).toBe('fly');
    expect(doc.macaroons[0].kid).toBe(vectors.keys.kid);
    expect(doc.macaroons[0].caveats[0]).toEqual({
      type: 'Organization',
      body: { id: 450825, mask: 'rwcdC' },
    });
  });

  it('a malformed Fly token is a one-line error, exit 2', () => {
    const r = macaroon(['inspect', 'fm2_!!!']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('macaroon attenuate on Fly tokens', () => {
  it('adds caveats given as JSON; the result verifies and is restricted', () => {
    const plain = vectors.cases.find((c: { name: string }) => c.name === 'plain token').header.slice(6);
    const r = macaroon([
      'attenuate',
      plain,
      '--caveat',
      '{"type":"Apps","body":{"apps":{"9":"r"}}}',
      '--caveat',
      '[{"type":"Action","body":"r"}]',
    ]);
    expect(r.code).toBe(0);
    const out = r.stdout.trim();
    expect(FlyMacaroon.decode(out).caveats.slice(-2)).toEqual([
      { type: 'Apps', body: { apps: { '9': 'r' } } },
      { type: 'Action', body: 'r' },
    ]);
    const now = vectors.now * 1000;
    expect(verifyFly(out, { keys: KEY, access: { action: 'r', orgid: 450825, appid: 9 }, now }).ok).toBe(
      true,
    );
    expect(verifyFly(out, { keys: KEY, access: { action: 'r', orgid: 450825, appid: 8 }, now }).ok).toBe(
      false,
    );
  });

  it('refuses a caveat that is not JSON, and an unknown type', () => {
    const plain = vectors.cases.find((c: { name: string }) => c.name === 'plain token').header.slice(6);
    expect(macaroon(['attenuate', plain, '--caveat', 'account = 1']).code).toBe(2);
    expect(macaroon(['attenuate', plain, '--caveat', '{"type":"Nope","body":{}}']).code).toBe(2);
  });
});
