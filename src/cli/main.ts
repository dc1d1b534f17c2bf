#!/usr/bin/env node
import { webcrypto } from 'node:crypto';
/**
 * The `macaroon` bin: wires the process (argv, stdio, env, exit code) to runCli. Kept tiny so that
 * everything else can run without a process.
 */
import { readFileSync } from 'node:fs';
import { isatty } from 'node:tty';
import { readFdBounded } from './bounded-read.js';
import { runCli } from './run.js';

/** Tokens are at most 64 KiB by default; this bounds what a mistaken `cat bigfile |` can make us hold. */
const MAX_STDIN_BYTES = 16 * 1024 * 1024;

// Node 18 exposes Web Crypto globally only behind a flag; minting third-party caveats needs its random source.
if (!(globalThis as { crypto?: unknown }).crypto) {
  Object.defineProperty(globalThis, 'crypto', { value: webcrypto, configurable: true });
}

/** Standard input, read from its descriptor up to the limit plus one byte (./bounded-read.ts). */
function readStdin(): Promise<Uint8Array> {
  return readFdBounded(0, MAX_STDIN_BYTES, 'standard input');
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    return String(pkg.version);
  } catch {
    return 'unknown';
  }
}

// A reader that stops early (`| head`) closes the pipe; that is not an error worth a message.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

process.exitCode = await runCli(
  process.argv.slice(2),
  {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    readStdin,
    // isatty, not process.stdin: creating that stream would switch a pipe to non-blocking reads ahead.
    stdinIsTerminal: isatty(0),
  },
  packageVersion(),
);
