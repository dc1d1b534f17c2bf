/**
 * What the CLI needs of `macaroon-engine/bakery`: reading a token as a bakery macaroon (the JSON wrapper
 * or a plain token), key pair files, writing a bakery macaroon, and the inspect notes on bakery ids.
 */
import { BakeryMacaroon, type BakeryVersion, KeyPair, PublicKey } from '../bakery/index.js';
import { decodeOvenId } from '../bakery/oven-id.js';
import { bytesToHex, utf8DecodeStrict } from '../bytes.js';
import { base64StdEncode, base64UrlEncode } from '../codec/base64.js';
import { LimitExceededError, type Macaroon } from '../index.js';
import { readFileBounded } from './bounded-read.js';
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
  let bytes: Uint8Array;
  try {
    bytes = await readFileBounded(path, MAX_KEY_PAIR_BYTES, `${option} ${path}`);
  } catch (e) {
    if (e instanceof LimitExceededError)
      throw new InputError(`${option}: ${path} is not a key pair file (too large)`);
    throw new InputError(`${option}: cannot read ${path}`);
  }
  try {
    return KeyPair.fromJSON(new TextDecoder().decode(bytes));
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

function keyPrefix(bytes: Uint8Array): string {
  return base64StdEncode(bytes).slice(0, 8);
}

/** One-line notes on the bakery ids of a macaroon (its Oven id, each third-party caveat), for inspect. */
export function bakeryNotes(
  macaroon: Macaroon,
  payloadOf: (id: Uint8Array) => Uint8Array | undefined,
): string[] {
  const notes: string[] = [];
  const oven = decodeOvenId(macaroon.identifier);
  if (oven) {
    const ops = oven.ops.map((o) => `${o.entity}:${o.actions.join(',')}`).join(' ');
    notes.push(
      `# identifier: bakery Oven id, storage id ${JSON.stringify(utf8DecodeStrict(oven.storageId) ?? bytesToHex(oven.storageId))}, ops ${ops}`,
    );
  }
  macaroon.thirdPartyCaveats().forEach((c, i) => {
    const note = describeCaveat(c.identifier, payloadOf(c.identifier));
    if (note) notes.push(`# third-party caveat ${i + 1} (${c.location}): ${note}`);
  });
  return notes;
}

function describeCaveat(id: Uint8Array, payload: Uint8Array | undefined): string | undefined {
  const p = payload ?? id;
  const source = payload
    ? `caveat data of ${p.length} bytes under short id ${base64UrlEncode(id)}`
    : 'in the id';
  if ((p[0] === 2 && p.length >= 77) || (p[0] === 3 && p.length >= 78)) {
    return `bakery v${p[0]} caveat ${source}: third party key ${keyPrefix(p.subarray(1, 5))}…, added by ${base64StdEncode(p.subarray(5, 37))}, ${p.length - 61} encrypted bytes`;
  }
  if (p[0] === 3 && !payload)
    return 'bakery v3 short id; its caveat data is not here (use the bakery JSON form)';
  if (p[0] === 0x65) {
    try {
      const w = JSON.parse(Buffer.from(utf8DecodeStrict(p) ?? '', 'base64').toString('utf8'));
      if (typeof w.ThirdPartyPublicKey === 'string' && typeof w.FirstPartyPublicKey === 'string') {
        return `bakery v1 caveat: third party key ${w.ThirdPartyPublicKey}, added by ${w.FirstPartyPublicKey}`;
      }
    } catch {
      return undefined;
    }
  }
  return undefined;
}
