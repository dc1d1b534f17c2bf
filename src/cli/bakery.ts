/**
 * What the CLI needs of `macaroon-engine/bakery`: reading a token as a bakery macaroon (the JSON wrapper
 * or a plain token), key pair files, writing a bakery macaroon, and the inspect notes on bakery ids.
 */
import { readFile } from 'node:fs/promises';
import { describeOvenId, describeThirdPartyCaveatId } from '../bakery/describe.js';
import { BakeryMacaroon, type BakeryVersion, KeyPair, PublicKey } from '../bakery/index.js';
import type { Macaroon } from '../index.js';
import { InputError, UsageError } from './command.js';
import { decodeToken, type TokenInput } from './token.js';

/** Key pair files are tiny; anything larger is not one. */
const MAX_KEY_PAIR_BYTES = 4096;

export function parseBakeryVersion(value: string | undefined, fallback: BakeryVersion): BakeryVersion {
  if (value === undefined) return fallback;
  if (!/^[0-3]$/.test(value)) throw new UsageError('--bakery-version must be 0, 1, 2 or 3');
  return Number(value) as BakeryVersion;
}

/** A bakery JSON wrapper (`{"m": …}`) as it is, or a plain token wrapped as bakery reads one. */
export function readBakeryToken(input: TokenInput, what: string, version?: BakeryVersion): BakeryMacaroon {
  const text = typeof input === 'string' ? input.trim() : undefined;
  if (text?.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed === 'object' && parsed !== null && 'm' in parsed) {
      try {
        return BakeryMacaroon.fromJSON(parsed);
      } catch (e) {
        throw new InputError(`cannot read ${what}: ${(e as Error).message}`);
      }
    }
  }
  const { macaroon } = decodeToken(input, what);
  const v = version ?? (macaroon.version === 1 ? 1 : 3);
  if (v <= 1 !== (macaroon.version === 1)) {
    throw new UsageError(`${what} is a V${macaroon.version} macaroon, which bakery version ${v} cannot use`);
  }
  return BakeryMacaroon.fromMacaroon(macaroon, v);
}

export async function readKeyPairFile(path: string, option: string): Promise<KeyPair> {
  let text: string;
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_KEY_PAIR_BYTES) throw new InputError(`${option}: ${path} is not a key pair file`);
    text = bytes.toString('utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${option}: cannot read ${path}`);
  }
  try {
    return KeyPair.fromJSON(text);
  } catch (e) {
    throw new InputError(`${option}: ${path} is not a bakery key pair (${(e as Error).message})`);
  }
}

export function readPublicKey(text: string): PublicKey {
  try {
    return PublicKey.from(text);
  } catch (e) {
    throw new UsageError(`--public-key: ${(e as Error).message}`);
  }
}

/** The bakery JSON when there is caveat data (binary formats cannot carry it), else the plain token. */
export function writeBakeryToken(m: BakeryMacaroon, encode: (m: Macaroon) => string): string {
  return m.caveatData.size > 0 ? JSON.stringify(m) : encode(m.macaroon);
}

/** One-line notes on the bakery ids of a macaroon (its Oven id, each third-party caveat), for inspect. */
export function bakeryNotes(
  macaroon: Macaroon,
  payloadOf: (id: Uint8Array) => Uint8Array | undefined,
): string[] {
  const notes: string[] = [];
  const oven = describeOvenId(macaroon.identifier);
  if (oven) notes.push(`# identifier: ${oven}`);
  macaroon.thirdPartyCaveats().forEach((c, i) => {
    const note = describeThirdPartyCaveatId(c.identifier, payloadOf(c.identifier));
    if (note) notes.push(`# third-party caveat ${i + 1} (${c.location}): ${note}`);
  });
  return notes;
}
