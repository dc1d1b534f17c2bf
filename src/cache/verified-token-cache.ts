/**
 * A bounded LRU of tokens whose signature chain has been verified, so a gateway that sees the same token
 * again skips decoding, the HMAC chain and the discharge walk. What a hit still does is the gateway's
 * business (src/gateway/cached-verification.ts): the root key must still be live and the same, the token
 * not revoked, and every first-party caveat is checked again against that request.
 *
 * Keys are the exact text of the token and its discharges as the request carried them (and a scope: a
 * gateway with a fixed root key names it there), never a hash an attacker could collide: a hit means the
 * very same text was verified before. Where an entry is filed is a sample of that text (./token-index.ts);
 * what makes it a hit is the comparison of the whole text.
 */
import { describeType } from '../bytes.js';
import { InvalidArgumentError } from '../errors.js';
import type { CaveatToCheck, CompiledCaveats } from '../verifier.js';
import { TokenIndex } from './token-index.js';
import type { VerifiedToken } from './verified-token.js';

/**
 * One verified token. Immutable once stored.
 *
 * @example
 * ```ts
 * const cache = new VerifiedTokenCache();
 * const gateway = new Gateway({ rootKey, verifier: new Verifier(), cache });
 * cache.deleteWhere((entry: CacheEntry) => entry.verified.rootKeyId === 'k1'); // drop one key's tokens
 * ```
 */
export interface CacheEntry {
  /** The root key it verified under, as the key source gave it: a hit requires the same key again. */
  readonly rootKey: string | Uint8Array;
  /** The root macaroon's identifier, to find its key again. */
  readonly identifier: Uint8Array;
  /** Hex SHA-256 of the identifier, for revocation checks (computed once). */
  readonly digest: string;
  /** The first-party caveats to check on every hit, in the order verify checks them. */
  readonly caveats: readonly CaveatToCheck[];
  /**
   * The same caveats prepared by the Verifier that checks them (`Verifier.compileCaveats`): the ones
   * its own exact predicates satisfy for every request are set aside once.
   */
  readonly compiled?: CompiledCaveats | undefined;
  /**
   * Whether the root macaroon restricts every prefix of `requiredCaveats` (a gateway option), worked
   * out once for the prefixes of the gateway that stored the entry.
   */
  readonly restricts?:
    | {
        /** The prefixes it was worked out for. */
        readonly prefixes: readonly Uint8Array[];
        /** Whether the root macaroon restricts them all. */
        readonly result: boolean;
      }
    | undefined;
  /** What verification established, handed to the handler on every hit. */
  readonly verified: VerifiedToken;
  /** Estimated bytes held. */
  readonly size: number;
}

/**
 * Options of a VerifiedTokenCache: its bounds, and whether a token is cached the first time it verifies.
 *
 * @example
 * ```ts
 * const options: VerifiedTokenCacheOptions = { maxEntries: 50_000, maxBytes: 64 * 1024 * 1024 };
 * new Gateway({ rootKey, verifier: new Verifier(), cache: new VerifiedTokenCache(options) });
 * ```
 */
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

/**
 * Hits, misses and what the cache holds now.
 *
 * @example
 * ```ts
 * const stats: CacheStats | undefined = gateway.cacheStats;
 * if (stats) console.log(`hit ratio ${(stats.hits / Math.max(1, stats.hits + stats.misses)).toFixed(2)}`);
 * ```
 */
export interface CacheStats {
  /** Lookups that found a verified entry. */
  readonly hits: number;
  /** Lookups that did not (the token was verified in full). */
  readonly misses: number;
  /** Entries held now. */
  readonly entries: number;
  /** Estimated bytes held (key text, caveats and bookkeeping). */
  readonly bytes: number;
  /** Entries dropped to stay within the entry and byte bounds. */
  readonly evictions: number;
}

// Per entry beyond the key and caveats: the slot, the entry and facts objects, the digest string.
const ENTRY_OVERHEAD = 400;
const CAVEAT_OVERHEAD = 64;
/**
 * Most entries filed under one index number. Distinct tokens share a number by chance (rarely: 2^-30
 * per pair) or when they differ only outside the sampled characters (the same macaroons written
 * differently); past this many, the oldest of them makes room. Bounds what a lookup compares.
 */
const MAX_CHAIN = 4;
/** Tokens seen once, remembered (by index number) so that a second sighting admits them. */
const MAX_SEEN = 16_384;

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

/** One entry where the index files it; entries sharing a number are chained. */
interface Slot {
  readonly index: number;
  readonly scope: string;
  readonly token: string;
  readonly entry: CacheEntry;
  /** Used since the eviction hand last passed it. */
  used: boolean;
  next: Slot | undefined;
}

/**
 * A bounded cache of verified tokens, by entries and by bytes, evicting the least recently used
 * (approximately: CLOCK, or second chance, so that a hit only sets a flag and never reorders anything).
 *
 * @example
 * ```ts
 * import { Gateway, VerifiedTokenCache } from 'macaroon-engine/gateway';
 * const gateway = new Gateway({ rootKey, verifier, cache: new VerifiedTokenCache({ maxEntries: 50_000 }) });
 * gateway.cacheStats; // { hits, misses, entries, bytes, evictions }
 * ```
 */
export class VerifiedTokenCache {
  readonly #index: { of(token: string): number };
  /** Index number → the first slot filed under it. */
  readonly #slots = new Map<number, Slot>();
  /**
   * Every slot in insertion order: eviction takes the oldest, but gives a used one a second chance
   * (unmarked, moved to the end), so what is evicted was not used lately.
   */
  readonly #ring = new Set<Slot>();
  /** By scope: tokens seen once (their index numbers). */
  readonly #seen = new Map<string, Set<number>>();
  #seenCount = 0;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  /** True when a token is cached the first time it verifies (see VerifiedTokenCacheOptions). */
  readonly admitOnFirstSight: boolean;
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  /**
   * @param index Where tokens are filed (default: a TokenIndex with a random seed); tests give one that
   *   files every token under the same number, to show that only equal texts ever hit.
   */
  constructor(
    options: VerifiedTokenCacheOptions = {},
    index: { of(token: string): number } = new TokenIndex(),
  ) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('cache options must be an object');
    }
    this.#index = index;
    this.#maxEntries = checkCount(options.maxEntries ?? 10_000, 'maxEntries');
    this.#maxBytes = checkCount(options.maxBytes ?? 32 * 1024 * 1024, 'maxBytes');
    this.admitOnFirstSight = options.admitOnFirstSight === true;
  }

  /**
   * The entry for exactly this token text (in `scope`), marked as used; counts a hit or a miss.
   */
  get(token: string, scope = ''): CacheEntry | undefined {
    let slot = this.#slots.get(this.#index.of(token));
    while (slot !== undefined) {
      if (slot.token === token && slot.scope === scope) {
        this.#hits++;
        slot.used = true;
        return slot.entry;
      }
      slot = slot.next;
    }
    this.#misses++;
    return undefined;
  }

  /**
   * Whether a token that just verified should be stored: always with `admitOnFirstSight`, else on its
   * second sighting in this scope (remembered by index number: two tokens sharing one only admit one a
   * sighting early).
   */
  admit(token: string, scope = ''): boolean {
    if (this.admitOnFirstSight) return true;
    const index = this.#index.of(token);
    let seen = this.#seen.get(scope);
    if (seen?.delete(index)) {
      this.#seenCount--;
      return true;
    }
    if (this.#seenCount >= MAX_SEEN) {
      this.#seen.clear();
      this.#seenCount = 0;
      seen = undefined;
    }
    if (seen === undefined) {
      seen = new Set();
      this.#seen.set(scope, seen);
    }
    seen.add(index);
    this.#seenCount++;
    return false;
  }

  /** Stores `entry` for this token text (replacing any), evicting the least recently used past the bounds. */
  set(token: string, entry: CacheEntry, scope = ''): void {
    if (entry.size > this.#maxBytes) return;
    const index = this.#index.of(token);
    let chain = 0;
    let oldest: Slot | undefined;
    for (let s = this.#slots.get(index); s !== undefined; s = s.next) {
      if (s.token === token && s.scope === scope) {
        this.#remove(s);
        break;
      }
      chain++;
      oldest = s;
    }
    if (chain >= MAX_CHAIN && oldest !== undefined) {
      this.#remove(oldest);
      this.#evictions++;
    }
    const slot: Slot = { index, scope, token, entry, used: false, next: this.#slots.get(index) };
    this.#slots.set(index, slot);
    this.#ring.add(slot);
    this.#bytes += entry.size;
    while (this.#ring.size > this.#maxEntries || this.#bytes > this.#maxBytes) this.#evictOne(slot);
  }

  /** Drops the entry for this token text, if any. */
  delete(token: string, scope = ''): boolean {
    for (let s = this.#slots.get(this.#index.of(token)); s !== undefined; s = s.next) {
      if (s.token === token && s.scope === scope) {
        this.#remove(s);
        return true;
      }
    }
    return false;
  }

  #remove(slot: Slot): void {
    const head = this.#slots.get(slot.index);
    if (head === slot) {
      if (slot.next === undefined) this.#slots.delete(slot.index);
      else this.#slots.set(slot.index, slot.next);
    } else {
      let s = head;
      while (s !== undefined && s.next !== slot) s = s.next;
      if (s !== undefined) s.next = slot.next;
    }
    this.#ring.delete(slot);
    this.#bytes -= slot.entry.size;
  }

  /** Evicts the oldest slot not used since it was last passed (never `keep`, the one just stored). */
  #evictOne(keep: Slot): void {
    // Each pass unmarks what it skips, so at most one full turn finds a victim.
    for (const slot of this.#ring) {
      if (slot === keep) continue;
      if (slot.used) {
        slot.used = false;
        this.#ring.delete(slot);
        this.#ring.add(slot);
        continue;
      }
      this.#remove(slot);
      this.#evictions++;
      return;
    }
    this.#remove(keep); // nothing else left: the new entry alone is over the bounds
  }

  /** Drops every entry for which `matches` is true (a revocation, a deleted key). Returns how many. */
  deleteWhere(matches: (entry: CacheEntry) => boolean): number {
    let n = 0;
    for (const slot of this.#ring) {
      if (matches(slot.entry)) {
        this.#remove(slot);
        n++;
      }
    }
    return n;
  }

  /** Drops every entry (the statistics stay). */
  clear(): void {
    this.#slots.clear();
    this.#ring.clear();
    this.#seen.clear();
    this.#seenCount = 0;
    this.#bytes = 0;
  }

  /** Hits, misses, entries, bytes and evictions so far. */
  get stats(): CacheStats {
    return {
      hits: this.#hits,
      misses: this.#misses,
      entries: this.#ring.size,
      bytes: this.#bytes,
      evictions: this.#evictions,
    };
  }
}
