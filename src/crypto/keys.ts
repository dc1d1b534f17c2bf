/**
 * The macaroon signature chain, as libmacaroons defines it (docs/cryptography.md).
 * These one-shot functions serve minting and the TS engine; the WASM engine implements the same steps.
 */
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { utf8Encode } from '../bytes.js';
import { type HmacKey, hmacInto, hmacKey } from './hmac.js';

/** The fixed HMAC key of libmacaroons' `generate_derived_key`, its pad states computed once. */
const KEY_GENERATOR = hmacKey(utf8Encode('macaroons-key-generator'));
/** Binding (prepare for request) is keyed with 32 zero bytes in every peer. */
const ZERO_KEY = hmacKey(new Uint8Array(32));

export const NONCE_LENGTH = 24;
export const KEY_LENGTH = 32;
/** nonce (24) || Poly1305 tag (16) || encrypted 32-byte key. */
export const VERIFICATION_ID_LENGTH = NONCE_LENGTH + 16 + KEY_LENGTH;

const SCRATCH_KEY: HmacKey = { inner: new Int32Array(8), outer: new Int32Array(8) };

/** HMAC-SHA256 under a 32-byte key (a derived key or a signature: the only keys the chain uses). */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  hmacInto(hmacKey(key, SCRATCH_KEY), message, out);
  return out;
}

/** A user's root key or caveat key is never used directly: `HMAC("macaroons-key-generator", key)`. */
export function deriveKey(secret: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  hmacInto(KEY_GENERATOR, secret, out);
  return out;
}

const JOINED = new Uint8Array(64);

function hash2With(key: HmacKey, a: Uint8Array, b: Uint8Array): Uint8Array {
  hmacInto(key, a, JOINED, 0);
  hmacInto(key, b, JOINED, 32);
  const out = new Uint8Array(32);
  hmacInto(key, JOINED, out);
  return out;
}

/** libmacaroons' hash2: two HMACs under one key, concatenated, HMACed again. */
export function hash2(key: Uint8Array, a: Uint8Array, b: Uint8Array): Uint8Array {
  return hash2With(hmacKey(key, SCRATCH_KEY), a, b);
}

/** The signature a discharge carries when sent with a root whose signature is `rootSignature`. */
export function bindSignature(rootSignature: Uint8Array, dischargeSignature: Uint8Array): Uint8Array {
  return hash2With(ZERO_KEY, rootSignature, dischargeSignature);
}

/** Encrypts a derived caveat key under the running signature: nonce || secretbox(sig, nonce, key). */
export function sealVerificationId(
  signature: Uint8Array,
  derivedCaveatKey: Uint8Array,
  nonce: Uint8Array,
): Uint8Array {
  const box = xsalsa20poly1305(signature, nonce).encrypt(derivedCaveatKey);
  const out = new Uint8Array(NONCE_LENGTH + box.length);
  out.set(nonce, 0);
  out.set(box, NONCE_LENGTH);
  return out;
}

/** Recovers the derived caveat key from a verification id, or undefined when it does not authenticate. */
export function openVerificationId(signature: Uint8Array, vid: Uint8Array): Uint8Array | undefined {
  if (vid.length !== VERIFICATION_ID_LENGTH) return undefined;
  try {
    return xsalsa20poly1305(signature, vid.subarray(0, NONCE_LENGTH)).decrypt(vid.subarray(NONCE_LENGTH));
  } catch {
    return undefined;
  }
}
