/**
 * HMAC-SHA256 (RFC 2104) on keys of at most 64 bytes, split so that the two pad states of a key are
 * computed once and reused: for the fixed keys (the key generator, the zero binding key), and for the
 * three HMACs of hash2 under one signature.
 */
import { compress, finish, initState, wordsToBytes } from './sha256.js';

/** The inner and outer SHA-256 states after absorbing key⊕ipad and key⊕opad. */
export interface HmacKey {
  readonly inner: Int32Array;
  readonly outer: Int32Array;
}

const PAD = new Uint8Array(64);

/** Pad states for `key` (at most 64 bytes; macaroon keys are 23 or 32). */
export function hmacKey(key: Uint8Array, into?: HmacKey): HmacKey {
  const k = into ?? { inner: new Int32Array(8), outer: new Int32Array(8) };
  PAD.fill(0x36);
  for (let i = 0; i < key.length; i++) PAD[i] = (key[i] as number) ^ 0x36;
  initState(k.inner);
  compress(k.inner, PAD, 0);
  PAD.fill(0x5c);
  for (let i = 0; i < key.length; i++) PAD[i] = (key[i] as number) ^ 0x5c;
  initState(k.outer);
  compress(k.outer, PAD, 0);
  return k;
}

const STATE = new Int32Array(8);
const INNER = new Uint8Array(32);

/** Writes HMAC(key, message) to `out[offset…offset+32]`. */
export function hmacInto(key: HmacKey, message: Uint8Array, out: Uint8Array, offset = 0): void {
  STATE.set(key.inner);
  finish(STATE, message, 64);
  wordsToBytes(STATE, INNER, 0);
  STATE.set(key.outer);
  finish(STATE, INNER, 64);
  wordsToBytes(STATE, out, offset);
}
