/**
 * Base64 as the peers write and read it. We write URL-safe without padding (libmacaroons, pymacaroons,
 * js-macaroon); we read both alphabets, padded or not, and skip ASCII whitespace (libmacaroons and
 * go-macaroon skip line breaks; the libmacaroons README's own example token is wrapped at 76 columns).
 * docs/wire-formats.md#base64-when-reading says who writes what. This is the one TS decoder: the batch
 * path decodes into a caller's buffer with base64DecodeInto (the WASM engine decodes in place instead).
 */
import { DecodeError } from '../errors.js';

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  DECODE[STD.charCodeAt(i)] = i;
  DECODE[URL.charCodeAt(i)] = i;
}
const WHITESPACE = -2;
for (const c of [9, 10, 13, 32]) DECODE[c] = WHITESPACE;

function encodeWith(alphabet: string, bytes: Uint8Array, pad: boolean): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += `${alphabet[n >> 18]}${alphabet[(n >> 12) & 63]}${alphabet[(n >> 6) & 63]}${alphabet[n & 63]}`;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += `${alphabet[n >> 18]}${alphabet[(n >> 12) & 63]}${pad ? '==' : ''}`;
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += `${alphabet[n >> 18]}${alphabet[(n >> 12) & 63]}${alphabet[(n >> 6) & 63]}${pad ? '=' : ''}`;
  }
  return out;
}

/**
 * URL-safe alphabet, no padding: what every peer writes for tokens.
 *
 * @example
 * ```ts
 * base64UrlEncode(new Uint8Array([251, 255])); // '-_8'
 * ```
 */
export function base64UrlEncode(bytes: Uint8Array): string {
  return encodeWith(URL, bytes, false);
}

/**
 * Standard alphabet with padding: what macaroon-bakery uses for cookies and `Macaroons` headers.
 *
 * @example
 * ```ts
 * base64StdEncode(new Uint8Array([251, 255])); // '+/8='
 * ```
 */
export function base64StdEncode(bytes: Uint8Array): string {
  return encodeWith(STD, bytes, true);
}

/**
 * Decodes standard or URL-safe base64, padded or not, skipping whitespace. Throws DecodeError naming the
 * offending position (never echoing the input) for anything else.
 *
 * @example
 * ```ts
 * base64Decode('-_8'); // Uint8Array [251, 255]
 * base64Decode('+/8='); // the same bytes
 * ```
 */
export function base64Decode(text: string, what = 'base64 data'): Uint8Array<ArrayBuffer> {
  return decodePlain(text) ?? decodeLenient(text, what);
}

/** Decoded size of `length` characters at most (what a caller reserves before base64DecodeInto). */
export function base64DecodedBound(length: number): number {
  return Math.floor((length * 3) / 4) + 3;
}

/** The symbol's value, or a negative number for padding, whitespace and anything else. */
function symbol(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c < 128 ? (DECODE[c] as number) : -1;
}

/**
 * The common case, tokens as peers write them (either alphabet, even mixed; no whitespace; padding only
 * at the end), four symbols per step, into `out` at `at`, allocating nothing. Returns the number of
 * bytes written, or -1 for any other text, which base64Decode then decodes leniently or names the error
 * of. Whatever it takes, it decodes to exactly base64Decode's bytes (trailing bits ignored, as there).
 * `out` must have base64DecodedBound(text.length) bytes free at `at`.
 */
export function base64DecodeInto(text: string, out: Uint8Array, at: number): number {
  let symbols = text.length;
  while (symbols > 0 && text.charCodeAt(symbols - 1) === 61 /* = */) symbols--;
  if (symbols % 4 === 1 || (symbols !== text.length && text.length % 4 !== 0)) return -1;
  const full = symbols & ~3;
  let o = at;
  for (let i = 0; i < full; i += 4) {
    const a = symbol(text, i);
    const b = symbol(text, i + 1);
    const c = symbol(text, i + 2);
    const d = symbol(text, i + 3);
    if ((a | b | c | d) < 0) return -1;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 0xff;
    out[o++] = v & 0xff;
  }
  const rest = symbols - full;
  if (rest >= 2) {
    const a = symbol(text, full);
    const b = symbol(text, full + 1);
    const c = rest === 3 ? symbol(text, full + 2) : 0;
    if ((a | b | c) < 0) return -1;
    const v = (a << 18) | (b << 12) | (c << 6);
    out[o++] = v >> 16;
    if (rest === 3) out[o++] = (v >> 8) & 0xff;
  }
  return o - at;
}

/** base64DecodeInto into a new array of the exact size; undefined for text it does not take. */
function decodePlain(text: string): Uint8Array<ArrayBuffer> | undefined {
  let symbols = text.length;
  while (symbols > 0 && text.charCodeAt(symbols - 1) === 61 /* = */) symbols--;
  const out = new Uint8Array((symbols * 3) >> 2);
  return base64DecodeInto(text, out, 0) === out.length ? out : undefined;
}

function decodeLenient(text: string, what: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4) + 3);
  let length = 0;
  let acc = 0;
  let bits = 0;
  let symbols = 0;
  let padding = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 61 /* = */) {
      padding++;
      continue;
    }
    const v = c < 128 ? (DECODE[c] as number) : -1;
    if (v === WHITESPACE) continue;
    if (v < 0 || padding > 0) {
      throw new DecodeError(`invalid ${what}: unexpected character at offset ${i}`);
    }
    symbols++;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[length++] = (acc >> bits) & 0xff;
    }
  }
  if (symbols % 4 === 1) throw new DecodeError(`invalid ${what}: truncated (length is not valid base64)`);
  if (padding > 0 && (symbols + padding) % 4 !== 0) {
    throw new DecodeError(`invalid ${what}: wrong padding`);
  }
  return out.slice(0, length);
}
