/**
 * Byte-level forgeries of a serialized macaroon, done on the wire form without re-signing: the negative
 * cases "tampered signature" and "caveat appended without re-signing". They know only the layout of each
 * format (the signature is the last field of V1 and V2; JSON names it), not any macaroon library.
 */

const b64 = (text) => Buffer.from(text, 'base64url');
const toB64 = (bytes) => Buffer.from(bytes).toString('base64url');

/** The last byte of the signature flipped, or undefined when the format holds it as text (`"s"`). */
export function tamperSignature(format, token) {
  switch (format) {
    case 'v2': {
      const bytes = b64(token);
      bytes[bytes.length - 1] ^= 1;
      return toB64(bytes);
    }
    case 'v1': {
      const bytes = b64(token);
      bytes[bytes.length - 2] ^= 1; // the signature packet ends with a newline
      return toB64(bytes);
    }
    case 'v1j': {
      const sig = JSON.parse(token).signature;
      const last = sig.at(-1) === '0' ? '1' : '0';
      return token.replace(sig, sig.slice(0, -1) + last);
    }
    case 'v2j': {
      const s64 = JSON.parse(token).s64;
      if (typeof s64 !== 'string') return undefined;
      const bytes = b64(s64);
      bytes[bytes.length - 1] ^= 1;
      return token.replace(s64, toB64(bytes));
    }
    default:
      return undefined;
  }
}

const V2_TRAILER = [0x00, 0x06, 0x20]; // end of caveats, signature field, 32 bytes

/** A first-party caveat (ASCII `predicate`, < 128 bytes) appended after the last caveat; signature kept. */
export function appendCaveat(format, token, predicate) {
  const p = Buffer.from(predicate, 'utf8');
  switch (format) {
    case 'v2': {
      const bytes = b64(token);
      const at = bytes.length - 35;
      if (!V2_TRAILER.every((b, i) => bytes[at + i] === b)) throw new Error('unexpected V2 trailer');
      const section = Buffer.concat([Buffer.from([0x02, p.length]), p, Buffer.from([0x00])]);
      return toB64(Buffer.concat([bytes.subarray(0, at), section, bytes.subarray(at)]));
    }
    case 'v1': {
      const bytes = b64(token);
      const at = bytes.length - 47; // "002fsignature " + 32 bytes + "\n"
      if (bytes.subarray(at, at + 14).toString('latin1') !== '002fsignature ') {
        throw new Error('unexpected V1 signature packet');
      }
      const size = 4 + 'cid '.length + p.length + 1;
      const packet = Buffer.concat([
        Buffer.from(`${size.toString(16).padStart(4, '0')}cid `),
        p,
        Buffer.from('\n'),
      ]);
      return toB64(Buffer.concat([bytes.subarray(0, at), packet, bytes.subarray(at)]));
    }
    case 'v1j': {
      const obj = JSON.parse(token);
      obj.caveats = [...(obj.caveats ?? []), { cid: predicate }];
      return JSON.stringify(obj);
    }
    case 'v2j': {
      const obj = JSON.parse(token);
      obj.c = [...(obj.c ?? []), { i: predicate }];
      return JSON.stringify(obj);
    }
    default:
      return undefined;
  }
}
