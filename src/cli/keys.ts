/**
 * KEY and CAVEAT-KEY: exactly one of --key-file, --key-env, --key-hex, --key (and the --caveat-key-…
 * twins). Keys are secrets: no message here ever contains a key or any part of one.
 */
import { MacaroonError } from '../index.js';
import { readFileBounded } from './bounded-read.js';
import { type Context, InputError, type OptionSpec, type OptionValues, UsageError } from './command.js';

export type KeyKind = 'key' | 'caveat-key';

/**
 * A key file larger than this is almost surely the wrong file. At most one byte more is ever read
 * (./bounded-read.ts), so /dev/zero, a FIFO or a huge file is refused without being read.
 */
const MAX_KEY_FILE_BYTES = 64 * 1024;

export function keyOptions(kind: KeyKind): Record<string, OptionSpec> {
  return {
    [`${kind}-file`]: { type: 'string' },
    [`${kind}-env`]: { type: 'string' },
    [`${kind}-hex`]: { type: 'string' },
    [kind]: { type: 'string' },
  };
}

/** The help paragraph on the key options; every command that takes a key ends its help with it. */
export function keyHelp(kind: KeyKind): string {
  const rows = [
    [`--${kind}-file PATH`, "the file's bytes, exactly (no newline is stripped)"],
    [`--${kind}-env NAME`, 'the value of environment variable NAME, as UTF-8'],
    [`--${kind}-hex HEX`, 'hex-encoded bytes (for tests: visible in the process list)'],
    [`--${kind} TEXT`, 'UTF-8 text (for tests: visible in the process list)'],
  ];
  const width = Math.max(...rows.map(([option]) => (option as string).length)) + 3;
  const lines = rows.map(([option, text]) => `  ${(option as string).padEnd(width)}${text}`);
  return [`${kind === 'key' ? 'KEY' : 'CAVEAT-KEY'} is exactly one of:`, ...lines].join('\n');
}

function hexKey(hex: string, option: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new UsageError(`${option} is not an even number of hex digits`);
  }
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

async function fileKey(path: string, option: string): Promise<Uint8Array> {
  try {
    return await readFileBounded(path, MAX_KEY_FILE_BYTES, `${option} ${JSON.stringify(path)} (not a key)`);
  } catch (e) {
    if (e instanceof MacaroonError) throw e;
    const code = e instanceof Error && 'code' in e ? String(e.code) : 'unknown error';
    throw new InputError(`cannot read ${option} ${JSON.stringify(path)} (${code})`);
  }
}

/** Reads the one key given for `kind`; a usage error when none or several are given, or the key is empty. */
export async function readKey(values: OptionValues, kind: KeyKind, ctx: Context): Promise<Uint8Array> {
  const given = [`${kind}-file`, `${kind}-env`, `${kind}-hex`, kind].filter(
    (name) => values[name] !== undefined,
  );
  const label = kind === 'key' ? 'a key' : 'a caveat key';
  if (given.length === 0) {
    throw new UsageError(`${label} is required: --${kind}-file, --${kind}-env, --${kind}-hex or --${kind}`);
  }
  if (given.length > 1)
    throw new UsageError(`give ${label} once, not with ${given.map((g) => `--${g}`).join(' and ')}`);
  const name = given[0] as string;
  const value = values[name] as string;
  const option = `--${name}`;
  let key: Uint8Array;
  if (name.endsWith('-file')) key = await fileKey(value, option);
  else if (name.endsWith('-hex')) key = hexKey(value, option);
  else if (name.endsWith('-env')) {
    const text = ctx.env[value];
    if (text === undefined) throw new UsageError(`${option}: environment variable ${value} is not set`);
    key = new TextEncoder().encode(text);
  } else key = new TextEncoder().encode(value);
  if (key.length === 0) throw new UsageError(`the key given by ${option} is empty`);
  return key;
}
