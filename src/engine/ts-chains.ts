/**
 * HMAC chains (./types.ts HmacChain) on the TS engine's HMAC-SHA256: the reference for the WASM entry
 * (./wasm-chains.ts), and the fallback wherever WebAssembly is unavailable.
 */
import { type HmacKey, hmacInto, hmacKey } from '../crypto/hmac.js';
import { finish, initState, wordsToBytes } from '../crypto/sha256.js';
import { InvalidArgumentError } from '../errors.js';
import type { HmacChain } from './types.js';

/** Checks the chains' shape; returns the bytes of their tags. */
export function chainsOutputBytes(chains: readonly HmacChain[]): number {
  if (!Array.isArray(chains)) throw new InvalidArgumentError('chains must be an array');
  let bytes = 0;
  for (const c of chains) {
    if (typeof c !== 'object' || c === null || !(c.key instanceof Uint8Array))
      throw new InvalidArgumentError('each chain needs a key (Uint8Array)');
    const messages = c.messages;
    if (!Array.isArray(messages) || messages.length === 0)
      throw new InvalidArgumentError('each chain needs at least one message');
    for (const m of messages)
      if (!(m instanceof Uint8Array)) throw new InvalidArgumentError('chain messages must be Uint8Arrays');
    bytes += c.keepAll === true ? messages.length * 32 : 32;
  }
  return bytes;
}

/** The key as HMAC uses it: over 64 bytes, its SHA-256 (RFC 2104 §2). */
export function hmacKeyBytes(key: Uint8Array): Uint8Array {
  if (key.length <= 64) return key;
  const state = new Int32Array(8);
  initState(state);
  finish(state, key, 0);
  const out = new Uint8Array(32);
  wordsToBytes(state, out, 0);
  return out;
}

export function hmacChainsTs(chains: readonly HmacChain[]): Uint8Array[] {
  const out = new Uint8Array(chainsOutputBytes(chains));
  const results: Uint8Array[] = [];
  const k: HmacKey = { inner: new Int32Array(8), outer: new Int32Array(8) };
  let at = 0;
  for (const c of chains) {
    const keep = c.keepAll === true;
    const start = at;
    hmacKey(hmacKeyBytes(c.key), k);
    const n = c.messages.length;
    for (let i = 0; i < n; i++) {
      hmacInto(k, c.messages[i] as Uint8Array, out, at);
      if (i + 1 < n) hmacKey(out.subarray(at, at + 32), k);
      if (keep || i + 1 === n) at += 32;
    }
    results.push(out.subarray(start, at));
  }
  k.inner.fill(0);
  k.outer.fill(0);
  return results;
}
