/**
 * One-line descriptions of bakery ids for people (the CLI's inspect, the playground): an Oven macaroon
 * id, and a third-party caveat id with its version and keys. Nothing here decrypts: a caveat's condition
 * and key need the third party's key pair (`decodeCaveat`).
 */
import { bytesToHex, utf8DecodeStrict } from '../bytes.js';
import { base64Decode, base64StdEncode, base64UrlEncode } from '../codec/base64.js';
import { decodeOvenId } from './oven-id.js';

/** The first bytes of a key, as bakery shows key prefixes (standard base64). */
function keyPrefix(bytes: Uint8Array): string {
  return base64StdEncode(bytes).slice(0, 8);
}

/**
 * Describes a bakery Oven id (`bakery Oven id, storage id "…", ops entity:action,…`), or returns
 * undefined when `id` is not one.
 *
 * @example
 * ```ts
 * describeOvenId(m.identifier); // 'bakery Oven id, storage id "0", ops account-42:read,write'
 * ```
 */
export function describeOvenId(id: Uint8Array): string | undefined {
  const oven = decodeOvenId(id);
  if (!oven) return undefined;
  const ops = oven.ops.map((o) => `${o.entity}:${o.actions.join(',')}`).join(' ');
  const storage = utf8DecodeStrict(oven.storageId) ?? bytesToHex(oven.storageId);
  return `bakery Oven id, storage id ${JSON.stringify(storage)}, ops ${ops}`;
}

/**
 * Describes a bakery third-party caveat id (version, the third party's key prefix, the adder's public
 * key), or returns undefined when it is not one. `payload` is the caveat data of a version-3 short id.
 *
 * @example
 * ```ts
 * describeThirdPartyCaveatId(id, bakeryMacaroon.caveatPayload(id)); // 'bakery v3 caveat …'
 * ```
 */
export function describeThirdPartyCaveatId(id: Uint8Array, payload?: Uint8Array): string | undefined {
  const p = payload ?? id;
  const source = payload
    ? `caveat data of ${p.length} bytes under short id ${base64UrlEncode(id)}`
    : 'in the id';
  if ((p[0] === 2 && p.length >= 77) || (p[0] === 3 && p.length >= 78)) {
    return `bakery v${p[0]} caveat ${source}: third party key ${keyPrefix(p.subarray(1, 5))}…, added by ${base64StdEncode(p.subarray(5, 37))}, ${p.length - 61} encrypted bytes`;
  }
  if (p[0] === 3 && !payload)
    return 'bakery v3 short id; its caveat data is not here (use the bakery JSON form)';
  if (p[0] === 0x65 /* 'e': base64 of '{"' */) {
    try {
      const json = utf8DecodeStrict(base64Decode(utf8DecodeStrict(p) ?? ''));
      const w = JSON.parse(json ?? '');
      if (typeof w.ThirdPartyPublicKey === 'string' && typeof w.FirstPartyPublicKey === 'string') {
        return `bakery v1 caveat: third party key ${w.ThirdPartyPublicKey}, added by ${w.FirstPartyPublicKey}`;
      }
    } catch {
      return undefined;
    }
  }
  return undefined;
}
