// `macaroon discharger` and `macaroon discharge --from-network`, run as a user runs them: a discharger on a
// free port, a token with a public-key caveat for it, its discharge fetched over HTTP and bound, verified.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BakeryMacaroon, checkers, KeyPair } from '../../src/bakery/index.js';
import { Macaroon, Verifier } from '../../src/index.js';
import { BIN, ensureBin } from './bin.js';

beforeAll(ensureBin);

function macaroon(args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end();
  });
}

const dir = mkdtempSync(join(tmpdir(), 'macaroon-cli-httpbakery-'));
let server: ChildProcess | undefined;
afterAll(() => server?.kill());

describe('macaroon discharger / discharge --from-network', () => {
  it('discharges over HTTP what the discharger approves, and refuses the rest', async () => {
    const tp = KeyPair.generate();
    const tpFile = join(dir, 'tp.json');
    writeFileSync(tpFile, JSON.stringify(tp));
    server = spawn(process.execPath, [
      BIN,
      'discharger',
      '--key-pair-file',
      tpFile,
      '--approve',
      'is-user alice',
      '--caveat',
      'declared user alice',
    ]);
    const url = await new Promise<string>((resolve) =>
      createInterface({ input: server?.stdout as NodeJS.ReadableStream }).once('line', resolve),
    );
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const rootKey = new Uint8Array(32).fill(3);
    const keyFile = join(dir, 'root.key');
    writeFileSync(keyFile, rootKey);
    const minted = await macaroon([
      'mint',
      '--location',
      'api',
      '--id',
      'i',
      '--key-file',
      keyFile,
      '--caveat',
      'declared user alice',
    ]);
    for (const [condition, expected] of [
      ['is-user alice', 0],
      ['is-user bob', 1],
    ] as const) {
      const t = await macaroon([
        'third-party',
        minted.stdout.trim(),
        '--location',
        url,
        '--public-key',
        String(tp.public),
        '--condition',
        condition,
      ]);
      expect(t.code).toBe(0);
      const insecure = await macaroon(['discharge', t.stdout.trim(), '--from-network']);
      expect(insecure.stderr + insecure.code).toMatch(/not https.*1$/s);
      expect(insecure.stderr).toMatch(/not https/);
      const d = await macaroon(['discharge', t.stdout.trim(), '--from-network', '--allow-insecure']);
      expect(d.code).toBe(expected);
      if (expected === 1) {
        expect(d.stderr).toMatch(/permission denied/);
        continue;
      }
      const root = BakeryMacaroon.fromJSON(t.stdout.trim()).macaroon;
      const bound = Macaroon.deserialize(d.stdout.trim());
      expect(new Verifier().satisfyChecker(checkers.std()).verifyUnsafe(root, rootKey, [bound])).toBe(true);
    }
  });
});
