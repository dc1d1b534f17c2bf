/**
 * KEY and CAVEAT-KEY: exactly one of --key-file, --key-env, --key-env-hex, --key-hex, --key (and the
 * --caveat-key-… twins). One rule, the library's and libmacaroons': bytes are bytes (a file), text is
 * UTF-8 (--key, --key-env); hex is read only where asked (--key-hex, --key-env-hex, which refuse anything
 * that is not hex). Keys are secrets: no message here ever contains a key or any part of one.
 */
import { MacaroonError } from '../index.js';
import { readFileBounded } from './bounded-read.js';
import { type Context, InputError, type OptionSpec, type OptionValues, UsageError } from './command.js';

export type KeyKind = 'key' | 'caveat-key';

/** Shorter keys are accepted (the peers accept them) but guessable: the CLI warns. */
const MIN_KEY_BYTES = 16;
/** A text key that looks like this was most likely meant as hex (GATEWAY_ROOT_KEY is hex). */
const LOOKS_HEX = /^(?:[0-9a-fA-F]{2}){16,}$/;

/**
 * A key file larger than this is almost surely the wrong file. At most one byte more is ever read
 * (./bounded-read.ts), so /dev/zero, a FIFO or a huge file is refused without being read.
 */
const MAX_KEY_FILE_BYTES = 64 * 1024;

export function keyOptions(kind: KeyKind): Record<string, OptionSpec> {
  return {
    [`${kind}-file`]: { type: 'string' },
    [`${kind}-env`]: { type: 'string' },
    [`${kind}-env-hex`]: { type: 'string' },
    [`${kind}-hex`]: { type: 'string' },
    [kind]: { type: 'string' },
  };
}

/** The help paragraph on the key options; every command that takes a key ends its help with it. */
export function keyHelp(kind: KeyKind): string {
  const rows = [
    [`--${kind}-file PATH`, "the file's bytes, exactly (no newline is stripped)"],
    [`--${kind}-env NAME`, 'the value of environment variable NAME, as UTF-8 text'],
    [`--${kind}-env-hex NAME`, 'the value of environment variable NAME, as hex (e.g. GATEWAY_ROOT_KEY)'],
    [`--${kind}-hex HEX`, 'hex-encoded bytes (for tests: visible in the process list)'],
    [`--${kind} TEXT`, 'UTF-8 text (for tests: visible in the process list)'],
  ];
  const width = Math.max(...rows.map(([option]) => (option as string).length)) + 3;
  const lines = rows.map(([option, text]) => `  ${(option as string).padEnd(width)}${text}`);
  return [`${kind === 'key' ? 'KEY' : 'CAVEAT-KEY'} is exactly one of:`, ...lines].join('\n');
}

function envValue(ctx: Context, name: string, option: string): string {
  const text = ctx.env[name];
  if (text === undefined) throw new UsageError(`${option}: environment variable ${name} is not set`);
  return text;
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
  const given = [`${kind}-file`, `${kind}-env`, `${kind}-env-hex`, `${kind}-hex`, kind].filter(
    (name) => values[name] !== undefined,
  );
  const label = kind === 'key' ? 'a key' : 'a caveat key';
  if (given.length === 0) {
    throw new UsageError(
      `${label} is required: --${kind}-file, --${kind}-env, --${kind}-env-hex, --${kind}-hex or --${kind}`,
    );
  }
  if (given.length > 1)
    throw new UsageError(`give ${label} once, not with ${given.map((g) => `--${g}`).join(' and ')}`);
  const name = given[0] as string;
  const value = values[name] as string;
  const option = `--${name}`;
  let key: Uint8Array;
  if (name.endsWith('-file')) key = await fileKey(value, option);
  else if (name.endsWith('-env-hex')) key = hexKey(envValue(ctx, value, option), `${option} ${value}`);
  else if (name.endsWith('-hex')) key = hexKey(value, option);
  else if (name.endsWith('-env')) {
    const text = envValue(ctx, value, option);
    if (LOOKS_HEX.test(text)) {
      ctx.stderr(
        `macaroon: warning: ${value} looks like hex but ${option} uses its text as the key; ` +
          `give --${kind}-env-hex ${value} if it is hex\n`,
      );
    }
    key = new TextEncoder().encode(text);
  } else key = new TextEncoder().encode(value);
  if (key.length === 0) throw new UsageError(`the key given by ${option} is empty`);
  if (key.length < MIN_KEY_BYTES) {
    ctx.stderr(
      `macaroon: warning: the key given by ${option} has ${key.length} bytes; ` +
        `use at least ${MIN_KEY_BYTES} random bytes (32 suggested)\n`,
    );
  }
  return key;
}
