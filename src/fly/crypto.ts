/**
 * The three primitives of superfly/macaroon: HMAC-SHA256 (the chain; keys of any length, used as they
 * are), SHA-256 (binding ids), and ChaCha20-Poly1305 with a 12-byte random nonce prefixed to the sealed
 * box (third-party tickets and verifier keys; crypto.go `seal`/`unseal`).
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { type HmacKey, hmacInto, hmacKey } from '../crypto/hmac.js';
import { finish, initState, wordsToBytes } from '../crypto/sha256.js';
import { randomBytes } from '../random.js';

export function sha256(message: Uint8Array): Uint8Array {
  const state = new Int32Array(8);
  initState(state);
  finish(state, message, 0);
  const out = new Uint8Array(32);
  wordsToBytes(state, out, 0);
  return out;
}

/** Pad states for an HMAC key of any length (RFC 2104 §2: keys over 64 bytes are hashed first). */
export function flyHmacKey(key: Uint8Array): HmacKey {
  return hmacKey(key.length > 64 ? sha256(key) : key);
}

export function hmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  hmacInto(flyHmacKey(key), message, out, 0);
  return out;
}

const FINALIZATION_KEY = hmacKey(new TextEncoder().encode('proof-signature-finalization'));

/** A proof's tail: HMAC("proof-signature-finalization", chain tail) (macaroon.go finalizeSignature). */
export function finalizeProof(tail: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  hmacInto(FINALIZATION_KEY, tail, out, 0);
  return out;
}

const NONCE_LENGTH = 12;

/** nonce12 ‖ ChaCha20-Poly1305(key, nonce12, plaintext), no associated data. */
export function seal(key: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE_LENGTH);
  const sealed = chacha20poly1305(key, nonce).encrypt(plaintext);
  const out = new Uint8Array(NONCE_LENGTH + sealed.length);
  out.set(nonce);
  out.set(sealed, NONCE_LENGTH);
  return out;
}

/** The plaintext, or undefined when the box does not open under `key` (or is malformed). */
export function unseal(key: Uint8Array, box: Uint8Array): Uint8Array | undefined {
  // crypto.go refuses boxes shorter than nonce + 1; the AEAD then needs the 16-byte tag.
  if (key.length !== 32 || box.length < NONCE_LENGTH + 16) return undefined;
  try {
    return chacha20poly1305(key, box.subarray(0, NONCE_LENGTH)).decrypt(box.subarray(NONCE_LENGTH));
  } catch {
    return undefined;
  }
}
