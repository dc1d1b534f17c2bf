// The bakery commands of the `macaroon` bin, run as a user runs them: keypair, third-party --public-key,
// discharge --key-pair-file, bind and verify of the result, inspect of bakery ids; at bakery versions 1-3.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BakeryMacaroon, checkers, KeyPair } from '../../src/bakery/index.js';
import { Macaroon, Verifier } from '../../src/index.js';
import { BIN, ensureBin } from './bin.js';

beforeAll(ensureBin);

function macaroon(args: string[], input = '') {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const dir = mkdtempSync(join(tmpdir(), 'macaroon-cli-bakery-'));
const rootKeyFile = join(dir, 'root.key');
const rootKey = new Uint8Array(32).fill(9);
writeFileSync(rootKeyFile, rootKey);

describe('macaroon keypair / third-party --public-key / discharge --key-pair-file', () => {
  it('keypair prints a bakery key pair', async () => {
    const r = await macaroon(['keypair']);
    expect(r.code).toBe(0);
    const kp = KeyPair.fromJSON(r.stdout);
    expect(String(kp.public)).toBe(JSON.parse(r.stdout).public);
  });

  for (const version of ['1', '2', '3']) {
    it(`bakery version ${version}: add, inspect, discharge, bind, verify`, async () => {
      const tpFile = join(dir, `tp${version}.json`);
      writeFileSync(tpFile, (await macaroon(['keypair'])).stdout);
      const tp = KeyPair.fromJSON(readFileSync(tpFile, 'utf8'));
      const minted = await macaroon([
        'mint',
        '--location',
        'https://api.example',
        '--id',
        'session-1',
        '--key-file',
        rootKeyFile,
        '--caveat',
        'declared user alice',
        ...(version === '1' ? ['--format', 'v1'] : []),
      ]);
      expect(minted.code).toBe(0);
      const added = await macaroon([
        'third-party',
        minted.stdout.trim(),
        '--location',
        'https://auth.example',
        '--public-key',
        String(tp.public),
        '--condition',
        'is-user alice',
        '--bakery-version',
        version,
      ]);
      expect(added.stderr).toBe('');
      expect(added.code).toBe(0);
      const token = added.stdout.trim();
      expect(token.startsWith('{')).toBe(version === '3');

      const shown = await macaroon(['inspect', token]);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toMatch(
        new RegExp(`third-party caveat 1 \\(https://auth.example\\): bakery v${version} caveat`),
      );
      if (version === '3') expect(shown.stdout).toMatch(/caveat data of \d+ bytes under short id AwA/);

      const refused = await macaroon([
        'discharge',
        token,
        '--key-pair-file',
        tpFile,
        '--condition',
        'is-user bob',
      ]);
      expect(refused.code).toBe(1);
      const wrongFile = join(dir, `wrong${version}.json`);
      writeFileSync(wrongFile, JSON.stringify(KeyPair.generate()));
      const wrong = await macaroon(['discharge', token, '--key-pair-file', wrongFile]);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/no third-party caveat of TOKEN is encrypted to this key pair/);

      const d = await macaroon([
        'discharge',
        token,
        '--key-pair-file',
        tpFile,
        '--condition',
        'is-user alice',
        '--caveat',
        'declared user alice',
      ]);
      expect(d.code).toBe(0);
      expect(d.stderr).toMatch(/discharging "is-user alice"/);
      const bound = await macaroon(['bind', token, d.stdout.trim()]);
      expect(bound.code).toBe(0);

      const root = BakeryMacaroon.fromJSON(
        version === '3' ? token : Macaroon.deserialize(token).toJSON(),
      ).macaroon;
      const discharge = Macaroon.deserialize(bound.stdout.trim());
      const v = new Verifier().satisfyChecker(checkers.std());
      expect(v.verifyUnsafe(root, rootKey, [discharge])).toBe(true);
      expect(
        v.verifyUnsafe(root, rootKey, [root.prepareForRequest(Macaroon.deserialize(d.stdout.trim()))]),
      ).toBe(true);
    });
  }

  it('refuses to put a v3 caveat into a V1 token, and --condition without --public-key', async () => {
    const minted = await macaroon([
      'mint',
      '--location',
      'l',
      '--id',
      'i',
      '--key-file',
      rootKeyFile,
      '--format',
      'v1',
    ]);
    const kp = KeyPair.generate();
    const r = await macaroon([
      'third-party',
      minted.stdout.trim(),
      '--location',
      'x',
      '--public-key',
      String(kp.public),
      '--condition',
      'c',
      '--bakery-version',
      '3',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bakery version 3 cannot use/);
    const r2 = await macaroon(['third-party', minted.stdout.trim(), '--location', 'x', '--condition', 'c']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/--condition needs --public-key/);
  });
});
