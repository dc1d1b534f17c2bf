/**
 * Every file the CLI reads is read up to its limit plus one byte, never more, whatever it is: /dev/zero,
 * a FIFO that never ends, a huge sparse file; over the limit it is refused with a typed error (exit 2).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileBounded } from '../../src/cli/bounded-read.js';
import { runCli } from '../../src/cli/run.js';
import { LimitExceededError, Macaroon } from '../../src/index.js';
import { BIN, ensureBin } from './bin.js';

const KEY_LIMIT = 64 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'macaroon-bounded-'));
const token = Macaroon.create('l', 'root key', 'id').serialize();

/** Bytes this process has read so far (Linux), counting every thread's read calls. */
function bytesRead(): number | undefined {
  if (!existsSync('/proc/self/io')) return undefined;
  const match = /^rchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
  return match ? Number(match[1]) : undefined;
}

async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await runCli(
    args,
    {
      stdout: () => {},
      stderr: (text) => (stderr += text),
      env: {},
      readStdin: () => Promise.resolve(new Uint8Array(0)),
      stdinIsTerminal: false,
    },
    'test',
  );
  return { code, stderr };
}

/** A FIFO fed without end by a child process, killed after the test. */
const writers: ReturnType<typeof spawn>[] = [];
function endlessFifo(name: string): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  const writer = spawn('sh', ['-c', 'exec cat /dev/zero > "$0"', path], { stdio: 'ignore' });
  writers.push(writer);
  return path;
}
afterEach(() => {
  for (const w of writers.splice(0)) if (w.exitCode === null) w.kill();
});

describe('readFileBounded', () => {
  it('returns a file up to the limit, and refuses one byte more', async () => {
    const path = join(dir, 'exact');
    writeFileSync(path, new Uint8Array(100).fill(7));
    expect(await readFileBounded(path, 100, 'the file')).toEqual(new Uint8Array(100).fill(7));
    await expect(readFileBounded(path, 99, 'the file')).rejects.toBeInstanceOf(LimitExceededError);
  });

  it('reads a growing buffer for large limits, exactly', async () => {
    const path = join(dir, 'large');
    const bytes = Uint8Array.from({ length: 300_000 }, (_, i) => i % 251);
    writeFileSync(path, bytes);
    const read = await readFileBounded(path, 300_000, 'the file');
    expect(Buffer.compare(read, bytes)).toBe(0);
    await expect(readFileBounded(path, 299_999, 'the file')).rejects.toMatchObject({
      code: 'ERR_LIMIT_EXCEEDED',
    });
  });
});

describe('macaroon … --key-file', () => {
  it('refuses /dev/zero after reading at most the limit', async () => {
    const r = await cli(['verify', token, '--key-file', '/dev/zero']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--key-file .* is over 65536 bytes/);
  });

  it('refuses an endless FIFO', async () => {
    const r = await cli(['verify', token, '--key-file', endlessFifo('key.fifo')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is over 65536 bytes/);
  });

  it('refuses a huge sparse file without reading it', async () => {
    const path = join(dir, 'sparse.key');
    writeFileSync(path, '');
    truncateSync(path, 1024 ** 3); // 1 GiB of holes
    const before = bytesRead();
    const r = await cli(['verify', token, '--key-file', path]);
    const after = bytesRead();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is over 65536 bytes/);
    // Linux counts what was read; a whole-file read would count 1 GiB. (Slack for the runner's own reads.)
    if (before !== undefined && after !== undefined)
      expect(after - before).toBeLessThan(KEY_LIMIT + 4 * 1024 ** 2);
  });

  it('reads a key of exactly the limit', async () => {
    const path = join(dir, 'long.key');
    writeFileSync(path, new Uint8Array(KEY_LIMIT).fill(1));
    const m = Macaroon.create('l', new Uint8Array(KEY_LIMIT).fill(1), 'id').serialize();
    expect((await cli(['verify', m, '--key-file', path])).code).toBe(0);
  });
});

describe('macaroon … - (standard input)', () => {
  beforeAll(ensureBin);

  function withStdin(stdin: number, args: string[]): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { stdio: [stdin, 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
  }

  it('refuses /dev/zero on stdin after its limit', async () => {
    const r = await withStdin(openSync('/dev/zero', 'r'), ['inspect', '-']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/standard input is over \d+ bytes/);
  });

  it('refuses an endless FIFO on stdin', async () => {
    const path = endlessFifo('stdin.fifo');
    const r = await withStdin(openSync(path, 'r'), ['inspect', '-']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/standard input is over \d+ bytes/);
  });

  it('still reads a token from stdin', async () => {
    const path = join(dir, 'token.txt');
    writeFileSync(path, `${token}\n`);
    const r = await withStdin(openSync(path, 'r'), ['inspect', '-']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
