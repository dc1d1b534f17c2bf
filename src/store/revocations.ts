/**
 * The revocations a node knows of, in memory, so that every verification (a cache hit included) checks
 * them with two map lookups and no I/O. A store keeps it in step with its backend: loaded at start,
 * updated as other nodes publish, reloaded after a reconnect.
 */
import { bytesToHex } from '../bytes.js';
import { finish, initState, wordsToBytes } from '../crypto/sha256.js';
import type { Revocation } from './types.js';

/**
 * Hex SHA-256 of a macaroon identifier: how revocations name one macaroon (fixed size, not secret).
 *
 * @example
 * ```ts
 * const digest = identifierDigest(macaroon.identifier); // 64 hex characters
 * store.isRevoked(digest, store.keyIdOf(macaroon.identifier));
 * ```
 */
export function identifierDigest(identifier: Uint8Array): string {
  const state = new Int32Array(8);
  initState(state);
  finish(state, identifier, 0);
  const out = new Uint8Array(32);
  wordsToBytes(state, out, 0);
  return bytesToHex(out);
}

/**
 * Revocations in memory, by identifier digest and by key id, each dropped once it has expired.
 *
 * @example
 * ```ts
 * const list = new RevocationList();
 * list.add({ kind: 'identifier', value: identifierDigest(macaroon.identifier), expires: Date.now() + 86_400_000 });
 * list.isRevoked(identifierDigest(macaroon.identifier), undefined, Date.now()); // true
 * ```
 */
export class RevocationList {
  readonly #identifiers = new Map<string, number>();
  readonly #keys = new Map<string, number>();

  /** Adds (or extends) a revocation. Returns true when it is new. */
  add(revocation: Revocation): boolean {
    const map = revocation.kind === 'key' ? this.#keys : this.#identifiers;
    const known = map.get(revocation.value);
    if (known !== undefined && known >= revocation.expires) return false;
    map.set(revocation.value, revocation.expires);
    return known === undefined;
  }

  /** Replaces everything with `list` (a reload from the backend). */
  replace(list: readonly Revocation[]): void {
    this.#identifiers.clear();
    this.#keys.clear();
    for (const r of list) this.add(r);
  }

  /**
   * True when the macaroon (by identifierDigest) or its root key (by id) is revoked at `now`. Expired
   * entries are dropped as they are met.
   */
  isRevoked(digest: string, keyId: string | undefined, now: number): boolean {
    return (
      expiring(this.#identifiers, digest, now) || (keyId !== undefined && expiring(this.#keys, keyId, now))
    );
  }

  /** Entries held (both kinds). */
  get size(): number {
    return this.#identifiers.size + this.#keys.size;
  }

  /** Drops every expired entry. */
  prune(now: number): void {
    for (const map of [this.#identifiers, this.#keys]) {
      for (const [k, expires] of map) if (now > expires) map.delete(k);
    }
  }
}

function expiring(map: Map<string, number>, key: string, now: number): boolean {
  const expires = map.get(key);
  if (expires === undefined) return false;
  if (now > expires) {
    map.delete(key);
    return false;
  }
  return true;
}
