/**
 * The CLI's key rule (bytes are bytes, text is UTF-8, hex only where asked and refused when not hex,
 * a warning for short keys), completion scripts and did-you-mean, run in-process through runCli.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { Macaroon, Verifier } from '../../src/index.js';

const HEX = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const BYTES = Uint8Array.from(HEX.match(/../g) ?? [], (h) => Number.parseInt(h, 16));

async function cli(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    argv,
    {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      env,
      readStdin: async () => new Uint8Array(0),
      stdinIsTerminal: true,
    },
    '0.0.0',
  );
  return { code, stdout, stderr };
}

const mint = (keyArgs: string[], env: Record<string, string> = {}) =>
  cli(['mint', '--location', 'l', '--id', 'i', ...keyArgs], env);

describe('keys', () => {
  it('--key-env-hex reads GATEWAY_ROOT_KEY as hex, the key the gateway uses', async () => {
    const r = await mint(['--key-env-hex', 'GATEWAY_ROOT_KEY'], { GATEWAY_ROOT_KEY: HEX });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(new Verifier().verifyUnsafe(r.stdout.trim(), BYTES)).toBe(true);
  });

  it('--key-env-hex refuses a value that is not hex, naming the variable and not the value', async () => {
    for (const value of ['not hex at all', `${HEX}0`, `${HEX}\n`, '']) {
      const r = await mint(['--key-env-hex', 'K'], { K: value });
      expect(r.code).toBe(2);
      if (value !== '') {
        expect(r.stderr).toMatch(/--key-env-hex K is not an even number of hex digits/);
        expect(r.stderr).not.toContain(value.trim());
      }
    }
    expect((await mint(['--key-env-hex', 'UNSET'])).stderr).toMatch(/UNSET is not set/);
  });

  it('--key-env is UTF-8 text, as libmacaroons reads a string key, and warns when the text looks like hex', async () => {
    const r = await mint(['--key-env', 'GATEWAY_ROOT_KEY'], { GATEWAY_ROOT_KEY: HEX });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/looks like hex.*--key-env-hex GATEWAY_ROOT_KEY/);
    expect(r.stderr).not.toContain(HEX);
    const token = r.stdout.trim();
    expect(new Verifier().verifyUnsafe(token, HEX)).toBe(true); // the text's UTF-8 bytes
    expect(new Verifier().verifyUnsafe(token, BYTES)).toBe(false);
  });

  it('a key file is its bytes; --key-hex and --key agree with the library', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-keys-'));
    try {
      writeFileSync(join(dir, 'k'), BYTES);
      const fromFile = (await mint(['--key-file', join(dir, 'k')])).stdout.trim();
      const fromHex = (await mint(['--key-hex', HEX])).stdout.trim();
      expect(fromFile).toBe(fromHex);
      expect(fromHex).toBe(Macaroon.create('l', BYTES, 'i').serialize());
      const text = 'a text key of more than sixteen bytes';
      expect((await mint(['--key', text])).stdout.trim()).toBe(Macaroon.create('l', text, 'i').serialize());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('warns for a key shorter than 16 bytes, without the key', async () => {
    const r = await mint(['--key', 'short-secret']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/12 bytes; use at least 16/);
    expect(r.stderr).not.toContain('short-secret');
    expect((await mint(['--key-hex', HEX])).stderr).toBe('');
  });
});

describe('did you mean', () => {
  it.each([
    ['mitn', 'mint'],
    ['verfy', 'verify'],
    ['inspcet', 'inspect'],
    ['attenuat', 'attenuate'],
    ['third', 'third-party'],
    ['hlep', 'help'],
  ])('%s → %s', async (typo, meant) => {
    const r = await cli([typo]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Did you mean "macaroon ${meant}"?`);
  });

  it('says nothing when nothing is close', async () => {
    const r = await cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('Did you mean');
  });
});

describe('completion', () => {
  it('refuses an unknown shell', async () => {
    expect((await cli(['completion', 'tcsh'])).code).toBe(2);
    expect((await cli(['completion'])).code).toBe(2);
  });

  it('bash: completes commands and each command’s options, for real', async () => {
    const { stdout, code } = await cli(['completion', 'bash']);
    expect(code).toBe(0);
    const complete = (words: string[]) => {
      const script = `${stdout}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _macaroon; echo "\${COMPREPLY[*]}"`;
      return execFileSync('bash', ['-c', script], { encoding: 'utf8' }).trim();
    };
    expect(complete(['macaroon', 'mi'])).toBe('mint');
    expect(complete(['macaroon', 'co'])).toBe('completion');
    expect(complete(['macaroon', 'verify', '--time'])).toBe('--time-before-now');
    expect(complete(['macaroon', 'mint', '--key-env'])).toBe('--key-env --key-env-hex');
  });

  it.each(['zsh', 'fish'])('%s: a script naming every command and option', async (shell) => {
    const { stdout, code } = await cli(['completion', shell]);
    expect(code).toBe(0);
    for (const word of ['mint', 'verify', 'third-party', 'completion', 'key-env-hex', 'time-before-now']) {
      expect(stdout).toContain(word);
    }
    // Syntax-checked by the shell itself where it is installed.
    if (spawnSync(shell, ['-c', 'true']).status === 0) {
      const dir = mkdtempSync(join(tmpdir(), 'completion-'));
      try {
        writeFileSync(join(dir, 'script'), stdout);
        expect(spawnSync(shell, ['-n', join(dir, 'script')]).status).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
