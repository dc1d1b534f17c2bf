/**
 * A bounded LRU of tokens whose signature chain has been verified, so a gateway that sees the same token
 * again skips decoding, the HMAC chain and the discharge walk. What a hit still does is the gateway's
 * business (src/gateway/cached-verification.ts): the root key must still be live and the same, the token
 * not revoked, and every first-party caveat is checked again against that request.
 *
 * Keys are the exact text (or bytes) of the token and its discharges as the request carried them, never
 * a hash an attacker could collide: a hit means the very same bytes were verified before.
 */
import { describeType } from '../bytes.js';
import { InvalidArgumentError } from '../errors.js';
import type { CaveatToCheck } from '../verifier.js';
import type { VerifiedToken } from './verified-token.js';

/** One verified token. Immutable once stored. */
export interface CacheEntry {
  /** The root key it verified under, as the key source gave it: a hit requires the same key again. */
  readonly rootKey: string | Uint8Array;
  /** The root macaroon's identifier, to find its key again. */
  readonly identifier: Uint8Array;
  /** Hex SHA-256 of the identifier, for revocation checks (computed once). */
  readonly digest: string;
  /** The first-party caveats to check on every hit, in the order verify checks them. */
  readonly caveats: readonly CaveatToCheck[];
  readonly verified: VerifiedToken;
  /** Estimated bytes held. */
  readonly size: number;
}

export interface VerifiedTokenCacheOptions {
  /** Most tokens held (default 10,000). */
  readonly maxEntries?: number | undefined;
  /** Most bytes held, estimated from the token and its caveats (default 32 MiB). */
  readonly maxBytes?: number | undefined;
  /**
   * Cache a token the first time it verifies (default false: the second time, so a stream of tokens that
   * never repeat costs what it costs without a cache).
   */
  readonly admitOnFirstSight?: boolean | undefined;
}

/** Hits, misses and what the cache holds now. */
export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
  /** Estimated bytes held (key text, caveats and bookkeeping). */
  readonly bytes: number;
  readonly evictions: number;
}

// Per entry beyond the key and caveats: the map slot, the entry and facts objects, the digest string.
const ENTRY_OVERHEAD = 400;
const CAVEAT_OVERHEAD = 64;

function checkCount(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(`${name} must be a positive integer, got ${describeType(value)}`);
  }
  return value;
}

/** The estimated bytes an entry holds, given its key and caveats. */
export function entrySize(key: string, caveats: readonly CaveatToCheck[], identifier: Uint8Array): number {
  let n = ENTRY_OVERHEAD + key.length * 2 + identifier.length;
  for (const c of caveats) n += CAVEAT_OVERHEAD + c.bytes.length + (c.text?.length ?? 0) * 2;
  return n;
}

/** A map slot: the entry and whether it was used since the eviction hand last passed it. */
interface Slot {
  readonly entry: CacheEntry;
  used: boolean;
}

/**
 * A bounded cache of verified tokens, by entries and by bytes, evicting the least recently used
 * (approximately: CLOCK, or second chance, so that a hit only sets a flag and never reorders the map).
 *
 * @example
 * ```ts
 * import { Gateway, VerifiedTokenCache } from 'macaroon-engine/gateway';
 * const gateway = new Gateway({ rootKey, verifier, cache: new VerifiedTokenCache({ maxEntries: 50_000 }) });
 * gateway.cacheStats; // { hits, misses, entries, bytes, evictions }
 * ```
 */
export class VerifiedTokenCache {
  // A Map iterates in insertion order. A hit marks its slot; eviction takes the oldest slot, but gives a
  // marked one a second chance (unmarked, moved to the end), so what is evicted was not used lately.
  readonly #map = new Map<string, Slot>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  /** True when a token is cached the first time it verifies (see VerifiedTokenCacheOptions). */
  readonly admitOnFirstSight: boolean;
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  constructor(options: VerifiedTokenCacheOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('cache options must be an object');
    }
    this.#maxEntries = checkCount(options.maxEntries ?? 10_000, 'maxEntries');
    this.#maxBytes = checkCount(options.maxBytes ?? 32 * 1024 * 1024, 'maxBytes');
    this.admitOnFirstSight = options.admitOnFirstSight === true;
  }

  /** The entry for `key`, marked as used; counts a hit or a miss. */
  get(key: string): CacheEntry | undefined {
    const slot = this.#map.get(key);
    if (slot === undefined) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    slot.used = true;
    return slot.entry;
  }

  /** Stores `entry` (replacing any for `key`), evicting the least recently used past the bounds. */
  set(key: string, entry: CacheEntry): void {
    if (entry.size > this.#maxBytes) return;
    this.delete(key);
    this.#map.set(key, { entry, used: false });
    this.#bytes += entry.size;
    while (this.#map.size > this.#maxEntries || this.#bytes > this.#maxBytes) this.#evictOne(key);
  }

  delete(key: string): boolean {
    const slot = this.#map.get(key);
    if (slot === undefined) return false;
    this.#map.delete(key);
    this.#bytes -= slot.entry.size;
    return true;
  }

  /** Evicts the oldest slot not used since it was last passed (never `keep`, the one just stored). */
  #evictOne(keep: string): void {
    // Each pass unmarks what it skips, so at most one full turn finds a victim.
    for (const [key, slot] of this.#map) {
      if (key === keep) continue;
      if (slot.used) {
        slot.used = false;
        this.#map.delete(key);
        this.#map.set(key, slot);
        continue;
      }
      this.delete(key);
      this.#evictions++;
      return;
    }
    this.delete(keep); // nothing else left: the new entry alone is over the bounds
  }

  /** Drops every entry for which `matches` is true (a revocation, a deleted key). Returns how many. */
  deleteWhere(matches: (entry: CacheEntry) => boolean): number {
    let n = 0;
    for (const [key, { entry }] of this.#map) {
      if (matches(entry)) {
        this.delete(key);
        n++;
      }
    }
    return n;
  }

  clear(): void {
    this.#map.clear();
    this.#bytes = 0;
  }

  get stats(): CacheStats {
    return {
      hits: this.#hits,
      misses: this.#misses,
      entries: this.#map.size,
      bytes: this.#bytes,
      evictions: this.#evictions,
    };
  }
}
