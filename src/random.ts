/** Secure random bytes from the Web Crypto API, available in every runtime this library targets. */
import { MacaroonError } from './errors.js';

export function randomBytes(length: number): Uint8Array {
  const crypto = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (typeof crypto?.getRandomValues !== 'function') {
    // Node 18 exposes Web Crypto globally only with --experimental-global-webcrypto (default from Node 19).
    throw new MacaroonError(
      'no secure random source (globalThis.crypto.getRandomValues); on Node 18 run with --experimental-global-webcrypto',
    );
  }
  return crypto.getRandomValues(new Uint8Array(length));
}
