/**
 * NaCl `crypto_box` (X25519, HSalsa20, XSalsa20-Poly1305), as macaroon-bakery seals third-party caveats
 * (Go `golang.org/x/crypto/nacl/box`, Python PyNaCl). Every primitive comes from @noble: x25519 from
 * @noble/curves, hsalsa and xsalsa20poly1305 from @noble/ciphers; this file only composes them as
 * `crypto_box_beforenm` does: key = HSalsa20(X25519(private, public), nonce 0, sigma).
 * Output is tag || ciphertext without the nonce (Go's `box.Seal`).
 */
import { hsalsa, xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { x25519 } from '@noble/curves/ed25519.js';

export const KEY_LENGTH = 32;
export const NONCE_LENGTH = 24;
/** The Poly1305 tag in front of every sealed message. */
export const BOX_OVERHEAD = 16;

/** "expand 32-byte k" as little-endian words: Salsa20's sigma constant. */
const SIGMA = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);

function wordsLE(bytes: Uint8Array): Uint32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint32(i * 4, true);
  return out;
}

function bytesLE(words: Uint32Array): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < words.length; i++) view.setUint32(i * 4, words[i] as number, true);
  return out;
}

/**
 * The shared box key, or undefined when the public key is of low order (X25519 gives all zeros; NaCl's
 * libsodium refuses it too).
 */
export function boxKey(theirPublic: Uint8Array, myPrivate: Uint8Array): Uint8Array | undefined {
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(myPrivate, theirPublic);
  } catch {
    return undefined;
  }
  const out = new Uint32Array(8);
  hsalsa(SIGMA, wordsLE(shared), new Uint32Array(4), out);
  shared.fill(0);
  return bytesLE(out);
}

/**
 * Shared keys by private key (its bytes' identity) and the other side's public key. A service adds
 * caveats for the same few third parties, and a third party discharges caveats from the same few
 * services: each pair costs one X25519 (the expensive step) instead of one per caveat. The cache lives
 * as long as the key pair (a WeakMap), holds nothing the private key does not already give, and is
 * bounded per private key.
 */
const SHARED = new WeakMap<Uint8Array, Map<string, Uint8Array>>();
const MAX_SHARED_PER_KEY = 1024;

function sharedKey(theirPublic: Uint8Array, myPrivate: Uint8Array): Uint8Array | undefined {
  let byPublic = SHARED.get(myPrivate);
  if (!byPublic) {
    byPublic = new Map();
    SHARED.set(myPrivate, byPublic);
  }
  const id = String.fromCharCode(...theirPublic);
  let key = byPublic.get(id);
  if (!key) {
    key = boxKey(theirPublic, myPrivate);
    if (!key) return undefined;
    if (byPublic.size >= MAX_SHARED_PER_KEY) byPublic.delete(byPublic.keys().next().value as string);
    byPublic.set(id, key);
  }
  return key;
}

/** `box.Seal(message, nonce, theirPublic, myPrivate)`: tag || ciphertext. */
export function boxSeal(
  message: Uint8Array,
  nonce: Uint8Array,
  theirPublic: Uint8Array,
  myPrivate: Uint8Array,
): Uint8Array | undefined {
  const key = sharedKey(theirPublic, myPrivate);
  if (!key) return undefined;
  return xsalsa20poly1305(key, nonce).encrypt(message);
}

/** `box.Open`: the message, or undefined when it does not authenticate. */
export function boxOpen(
  sealed: Uint8Array,
  nonce: Uint8Array,
  theirPublic: Uint8Array,
  myPrivate: Uint8Array,
): Uint8Array | undefined {
  if (sealed.length < BOX_OVERHEAD) return undefined;
  const key = sharedKey(theirPublic, myPrivate);
  if (!key) return undefined;
  try {
    return xsalsa20poly1305(key, nonce).decrypt(sealed);
  } catch {
    return undefined;
  }
}

/** X25519(private, 9): the public half of a box key pair. */
export function publicFromPrivate(privateKey: Uint8Array): Uint8Array {
  return x25519.getPublicKey(privateKey);
}
