/**
 * Bakery Oven macaroon ids (bakery/oven.go, macaroonbakery/bakery/_oven.py): `0x03 || protobuf MacaroonId
 * { bytes nonce = 1; bytes storageId = 2; repeated Op ops = 3 }`, `Op { string entity = 1; repeated string
 * actions = 2 }`; in V1 macaroons the whole id is base64url without padding (it then starts with `A`).
 * Read only: for inspection; the id is opaque to verification.
 */
import { utf8DecodeStrict } from '../bytes.js';
import { base64Decode } from '../codec/base64.js';
import { readUvarint } from './codec.js';

/** The decoded parts of an Oven id. */
export interface OvenId {
  readonly nonce: Uint8Array;
  readonly storageId: Uint8Array;
  readonly ops: readonly { readonly entity: string; readonly actions: readonly string[] }[];
}

/** The length-delimited fields of one protobuf message; undefined when it is not one. */
function fields(data: Uint8Array): [number, Uint8Array][] | undefined {
  const out: [number, Uint8Array][] = [];
  let at = 0;
  while (at < data.length) {
    const [tag, n] = readUvarint(data, at);
    if (n <= 0 || (tag & 7) !== 2) return undefined; // only length-delimited fields appear in these messages
    at += n;
    const [len, m] = readUvarint(data, at);
    if (m <= 0 || len > data.length - at - m) return undefined;
    at += m;
    out.push([Math.floor(tag / 8), data.subarray(at, at + len)]);
    at += len;
  }
  return out;
}

/**
 * Decodes an Oven id, or undefined when `id` is not one (any other id is valid: ids are opaque).
 *
 * @example
 * ```ts
 * decodeOvenId(m.macaroon.identifier)?.ops; // [{ entity: 'account-42', actions: ['read'] }]
 * ```
 */
export function decodeOvenId(id: Uint8Array): OvenId | undefined {
  let bytes = id;
  if (bytes[0] === 0x41) {
    try {
      bytes = base64Decode(utf8DecodeStrict(id) ?? '');
    } catch {
      return undefined;
    }
  }
  if (bytes[0] !== 3) return undefined;
  const top = fields(bytes.subarray(1));
  if (!top) return undefined;
  let nonce = new Uint8Array(0);
  let storageId = new Uint8Array(0);
  const ops: { entity: string; actions: string[] }[] = [];
  for (const [field, value] of top) {
    if (field === 1) nonce = value.slice();
    else if (field === 2) storageId = value.slice();
    else if (field === 3) {
      const op = fields(value);
      if (!op) return undefined;
      let entity = '';
      const actions: string[] = [];
      for (const [f, v] of op) {
        const text = utf8DecodeStrict(v);
        if (text === undefined) return undefined;
        if (f === 1) entity = text;
        else if (f === 2) actions.push(text);
      }
      ops.push({ entity, actions });
    }
  }
  return ops.length > 0 ? { nonce, storageId, ops } : undefined;
}
