/**
 * A base64 decoder for the batch fast path: writes straight into a caller's buffer (WASM memory) and
 * allocates nothing. It accepts only the plain forms (either alphabet, mixed as base64Decode allows,
 * padded or not) and declines everything else (whitespace, stray characters, bad padding), leaving
 * those to base64Decode so that their errors stay the one decoder's. Whatever it accepts, it decodes
 * to exactly the bytes base64Decode gives (trailing bits ignored, as there).
 */

const VALUE = new Int8Array(128).fill(-1);
const ALPHABETS = [
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
];
for (const alphabet of ALPHABETS) for (let i = 0; i < 64; i++) VALUE[alphabet.charCodeAt(i)] = i;

/** Decoded size of `text` at most (what a caller reserves before decoding). */
export function base64DecodedBound(length: number): number {
  return Math.floor((length * 3) / 4) + 3;
}

function value(c: number): number {
  return c < 128 ? (VALUE[c] as number) : -1;
}

/**
 * Decodes `text` into `out` at `at`; returns the number of bytes written, or -1 when the text is not in
 * a form this decoder takes (the caller then uses base64Decode, which decodes it or says why not).
 * `out` must have base64DecodedBound(text.length) bytes free at `at`.
 */
export function base64DecodeInto(text: string, out: Uint8Array, at: number): number {
  let symbols = text.length;
  while (symbols > 0 && text.charCodeAt(symbols - 1) === 61 /* = */) symbols--;
  const padding = text.length - symbols;
  if (symbols % 4 === 1 || (padding > 0 && text.length % 4 !== 0)) return -1;
  let j = at;
  let i = 0;
  for (const whole = symbols - (symbols % 4); i < whole; i += 4) {
    const a = value(text.charCodeAt(i));
    const b = value(text.charCodeAt(i + 1));
    const c = value(text.charCodeAt(i + 2));
    const d = value(text.charCodeAt(i + 3));
    if ((a | b | c | d) < 0) return -1;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[j] = n >> 16;
    out[j + 1] = (n >> 8) & 255;
    out[j + 2] = n & 255;
    j += 3;
  }
  const rest = symbols - i;
  if (rest >= 2) {
    const a = value(text.charCodeAt(i));
    const b = value(text.charCodeAt(i + 1));
    const c = rest === 3 ? value(text.charCodeAt(i + 2)) : 0;
    if ((a | b | c) < 0) return -1;
    const n = (a << 18) | (b << 12) | (c << 6);
    out[j++] = n >> 16;
    if (rest === 3) out[j++] = (n >> 8) & 255;
  }
  return j - at;
}
