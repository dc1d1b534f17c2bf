/**
 * The gateway's path when it caches verified tokens, checks revocations or takes keys from a store.
 *
 * A hit (the same token text as one verified before) skips decoding, the HMAC chain and the discharge
 * walk, and still: resolves the root key again and requires the very key it verified under (so an entry
 * dies with its key's rotation, expiry or deletion), checks revocation, and checks every first-party
 * caveat against this request (exact predicates, context, general checks, the clock) through the
 * Verifier's own rules. A miss decodes the token once, resolves its key, checks revocation, verifies
 * (micro-batched), and caches the outcome when the signature chain was valid.
 */
import { bytesEqual } from '../bytes.js';
import { caveatsToCheck, VerifiedToken } from '../cache/verified-token.js';
import { type CacheEntry, entrySize, type VerifiedTokenCache } from '../cache/verified-token-cache.js';
import { type MacaroonError, NotAuthorizedError } from '../errors.js';
import type { Limits } from '../limits.js';
import { type Macaroon, macaroonData } from '../macaroon.js';
import type { MacaroonData } from '../model.js';
import { identifierDigest } from '../store/revocations.js';
import type { BatchResult, CaveatToCheck, Verifier, VerifyOptions } from '../verifier.js';
import type { BatchVerifier } from './batch-verifier.js';
import { KeyLookupError, RevokedError, UnknownRootKeyError } from './errors.js';
import { type RootKey, type RootKeySource, resolveRootKey } from './keys.js';
import { restrictsAll } from './required.js';
import { decodeCandidate, type TokenCandidate } from './transport.js';

/**
 * Revocations a gateway checks on every verification: a RootKeyStore is one. Must answer from memory.
 */
export interface RevocationCheck {
  /** `digest`: hex SHA-256 of the root identifier; `keyId`: its root key's id, if known. */
  isRevoked(digest: string, keyId: string | undefined): boolean;
  /** The key id an identifier names, if any. */
  keyIdOf?(identifier: Uint8Array): string | undefined;
}

/** What a successful verification gives the handler. */
export interface VerifiedRequest {
  readonly macaroon: Macaroon;
  readonly discharges: readonly Macaroon[];
  readonly verified: VerifiedToken;
  /** True when the root macaroon has a first-party caveat starting with each prefix (requiredCaveats). */
  restricts(prefixes: readonly Uint8Array[]): boolean;
}

export type Outcome =
  | { readonly ok: true; readonly auth: VerifiedRequest }
  | { readonly ok: false; readonly error: unknown };

export interface CachedVerificationOptions {
  readonly rootKey: RootKeySource;
  /**
   * Prepended to every cache key: for a fixed root key, a digest of it, so gateways under different
   * keys sharing one cache keep apart. (Each hit also compares the key itself.)
   */
  readonly keyTag: string;
  readonly verifier: BatchVerifier;
  readonly checks: Verifier | undefined;
  readonly cache: VerifiedTokenCache | undefined;
  readonly revocations: RevocationCheck | undefined;
  /** A store's key lookup by id and its identifier parser: a hit then finds its key by the id it kept. */
  readonly keys: KeyLookup | undefined;
  readonly limits: Partial<Limits> | undefined;
}

/** Keys by id, as a store has them (sync when known). */
export interface KeyLookup {
  keyIdOf(identifier: Uint8Array): string | undefined;
  get(
    id: string,
  ): { readonly key: Uint8Array } | undefined | Promise<{ readonly key: Uint8Array } | undefined>;
}

// Tokens seen once, remembered so that the second sighting fills the cache (at most this many).
const MAX_SEEN = 16_384;

export class CachedVerification {
  readonly #o: CachedVerificationOptions;
  // A token is cached on its second sighting: a stream of tokens that never repeat then costs what it
  // costs without a cache (no decoding to remember caveats, no entries evicted for nothing).
  readonly #seen = new Set<string>();

  constructor(options: CachedVerificationOptions) {
    this.#o = options;
  }

  /** True when `key` was seen before (and may be cached now); otherwise remembers it. */
  #admit(key: string): boolean {
    const cache = this.#o.cache;
    if (cache === undefined) return false;
    if (cache.admitOnFirstSight) return true;
    // Remembered by a short sample (the end of a token holds its signatures): holding whole tokens would
    // keep megabytes alive. Two tokens sharing a sample only make one of them cached a sighting early.
    const sample = `${key.length}:${key.slice(-32)}`;
    if (this.#seen.delete(sample)) return true;
    if (this.#seen.size >= MAX_SEEN) this.#seen.clear();
    this.#seen.add(sample);
    return false;
  }

  verify(candidate: TokenCandidate, facts: VerifyOptions): Outcome | Promise<Outcome> {
    const cache = this.#o.cache;
    const entry = cache?.get(this.#o.keyTag + candidate.value);
    if (entry) {
      const live = this.#liveKey(entry);
      if (live instanceof Promise) {
        return live.then(
          (k) => this.#afterKeyCheck(candidate, facts, entry, k),
          (e: unknown) => ({ ok: false, error: lookupFailed(e) }),
        );
      }
      return this.#afterKeyCheck(candidate, facts, entry, live);
    }
    return this.#miss(candidate, facts);
  }

  #liveKey(entry: CacheEntry): RootKey | undefined | Promise<RootKey | undefined> {
    const keys = this.#o.keys;
    const id = entry.verified.rootKeyId;
    if (!keys || id === undefined) return resolveRootKey(this.#o.rootKey, entry.identifier);
    const found = keys.get(id);
    if (found instanceof Promise) return found.then((k) => k?.key);
    return found?.key;
  }

  #afterKeyCheck(
    candidate: TokenCandidate,
    facts: VerifyOptions,
    entry: CacheEntry,
    live: RootKey | undefined,
  ): Outcome | Promise<Outcome> {
    if (live === undefined || !sameKey(live, entry.rootKey)) {
      // The key rotated out, expired or was deleted: the entry dies with it, and the token is judged
      // afresh (it then fails on its key, exactly as without a cache).
      this.#o.cache?.delete(this.#o.keyTag + candidate.value);
      return this.#miss(candidate, facts);
    }
    return this.#judge(candidate, facts, entry);
  }

  #judge(candidate: TokenCandidate, facts: VerifyOptions, entry: CacheEntry): Outcome {
    const revocations = this.#o.revocations;
    if (revocations?.isRevoked(entry.digest, entry.verified.rootKeyId)) {
      this.#o.cache?.delete(this.#o.keyTag + candidate.value);
      return { ok: false, error: new RevokedError('the macaroon has been revoked') };
    }
    let error: MacaroonError | undefined;
    try {
      error = (this.#o.checks as Verifier).checkCaveatList(entry.caveats, facts);
    } catch (e) {
      return { ok: false, error: e };
    }
    if (error) return { ok: false, error };
    return { ok: true, auth: new LazyRequest(candidate, this.#o.limits, entry.verified, entry.caveats) };
  }

  #miss(candidate: TokenCandidate, facts: VerifyOptions): Outcome | Promise<Outcome> {
    const source = this.#o.rootKey;
    if (typeof source !== 'function') return this.#missFixedKey(candidate, facts, source);
    let macaroon: Macaroon;
    let discharges: Macaroon[];
    try {
      ({ macaroon, discharges } = decodeCandidate(candidate, this.#o.limits));
    } catch (e) {
      return { ok: false, error: e };
    }
    const identifier = macaroonData(macaroon).identifier;
    let key: RootKey | undefined | Promise<RootKey | undefined>;
    try {
      key = resolveRootKey(this.#o.rootKey, identifier);
    } catch (e) {
      return { ok: false, error: lookupFailed(e) };
    }
    const go = (k: RootKey | undefined): Outcome | Promise<Outcome> => {
      if (k === undefined) {
        return {
          ok: false,
          error: new UnknownRootKeyError('no live root key matches the macaroon identifier'),
        };
      }
      const revocations = this.#o.revocations;
      const keyId = (this.#o.keys ?? revocations)?.keyIdOf?.(identifier);
      const digest = identifierDigest(identifier);
      if (revocations?.isRevoked(digest, keyId)) {
        return { ok: false, error: new RevokedError('the macaroon has been revoked') };
      }
      const { exact, context } = facts;
      const admit = this.#admit(this.#o.keyTag + candidate.value);
      return this.#o.verifier
        .verify({ macaroon, discharges, rootKey: k, exact, context })
        .then((r) => this.#verified(candidate, r, k, identifier, digest, keyId, macaroon, discharges, admit));
    };
    if (key instanceof Promise) {
      return key.then(go, (e: unknown) => ({ ok: false, error: lookupFailed(e) }));
    }
    return go(key);
  }

  /**
   * A miss under a fixed key: the bundle goes to the batch as it came (the zero-copy path, as without a
   * cache); it is decoded only when its chain is valid and it is to be cached or checked for revocation.
   */
  #missFixedKey(candidate: TokenCandidate, facts: VerifyOptions, rootKey: RootKey): Promise<Outcome> {
    const admit = this.#admit(this.#o.keyTag + candidate.value);
    const { exact, context } = facts;
    return this.#o.verifier.verify({ bundle: candidate.value, rootKey, exact, context }).then((r) => {
      if (!chainValid(r)) return { ok: false, error: r.error };
      const revocations = this.#o.revocations;
      if (!admit && !revocations) {
        return r.ok
          ? { ok: true, auth: new LazyRequest(candidate, this.#o.limits, undefined, undefined) }
          : { ok: false, error: r.error };
      }
      let decoded: { macaroon: Macaroon; discharges: Macaroon[] };
      try {
        decoded = decodeCandidate(candidate, this.#o.limits);
      } catch (e) {
        return { ok: false, error: e };
      }
      const identifier = macaroonData(decoded.macaroon).identifier;
      const keyId = revocations?.keyIdOf?.(identifier);
      const digest = identifierDigest(identifier);
      if (revocations?.isRevoked(digest, keyId)) {
        return { ok: false, error: new RevokedError('the macaroon has been revoked') };
      }
      return this.#verified(
        candidate,
        r,
        rootKey,
        identifier,
        digest,
        keyId,
        decoded.macaroon,
        decoded.discharges,
        admit,
      );
    });
  }

  #verified(
    candidate: TokenCandidate,
    result: BatchResult,
    rootKey: RootKey,
    identifier: Uint8Array,
    digest: string,
    keyId: string | undefined,
    macaroon: Macaroon,
    discharges: Macaroon[],
    admit: boolean,
  ): Outcome {
    if (!chainValid(result)) return { ok: false, error: result.error };
    const cache = this.#o.cache;
    let verified: VerifiedToken | undefined;
    if (admit && cache && this.#o.checks) {
      const caveats = caveatsToCheck([macaroon, ...discharges].map(macaroonData));
      verified = new VerifiedToken(identifier, keyId, caveats);
      const key = this.#o.keyTag + candidate.value;
      const size = entrySize(key, caveats, identifier);
      // A copy of the key: a hit compares bytes, so a key array changed in place ends its entries.
      const keyCopy = typeof rootKey === 'string' ? rootKey : rootKey.slice();
      cache.set(key, { rootKey: keyCopy, identifier, digest, caveats, verified, size });
    }
    if (!result.ok) return { ok: false, error: result.error };
    return { ok: true, auth: new DecodedRequest(macaroon, discharges, keyId, verified) };
  }
}

/** The signature chain was valid: the token verified, or only a first-party caveat failed. */
function chainValid(result: BatchResult): boolean {
  return (
    result.ok ||
    (result.error instanceof NotAuthorizedError && result.error.reason === 'caveat-not-satisfied')
  );
}

/** The facts of decoded macaroons, worked out on first access. */
function factsOf(
  macaroon: Macaroon,
  discharges: readonly Macaroon[],
  keyId: string | undefined,
): VerifiedToken {
  const data = [macaroon, ...discharges].map(macaroonData);
  return new VerifiedToken((data[0] as MacaroonData).identifier, keyId, caveatsToCheck(data));
}

/** A miss's macaroons, already decoded; their facts are worked out if the handler reads them. */
class DecodedRequest implements VerifiedRequest {
  readonly macaroon: Macaroon;
  readonly discharges: readonly Macaroon[];
  readonly #keyId: string | undefined;
  #verified: VerifiedToken | undefined;

  constructor(
    macaroon: Macaroon,
    discharges: readonly Macaroon[],
    keyId: string | undefined,
    verified?: VerifiedToken,
  ) {
    this.macaroon = macaroon;
    this.discharges = discharges;
    this.#keyId = keyId;
    this.#verified = verified;
  }

  get verified(): VerifiedToken {
    this.#verified ??= factsOf(this.macaroon, this.discharges, this.#keyId);
    return this.#verified;
  }

  restricts(prefixes: readonly Uint8Array[]): boolean {
    return restrictsAll(this.macaroon, prefixes);
  }
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

function sameKey(a: RootKey, b: RootKey): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return bytesEqual(a, b);
}

function lookupFailed(e: unknown): KeyLookupError {
  return new KeyLookupError('the root key lookup failed', { cause: e });
}

/** A hit's macaroons, decoded only if the handler reads them. A class: it is built on every hit. */
class LazyRequest implements VerifiedRequest {
  readonly #candidate: TokenCandidate;
  readonly #limits: Partial<Limits> | undefined;
  readonly #caveats: readonly CaveatToCheck[] | undefined;
  #decoded: { macaroon: Macaroon; discharges: Macaroon[] } | undefined;
  #verified: VerifiedToken | undefined;

  constructor(
    candidate: TokenCandidate,
    limits: Partial<Limits> | undefined,
    verified: VerifiedToken | undefined,
    caveats: readonly CaveatToCheck[] | undefined,
  ) {
    this.#candidate = candidate;
    this.#limits = limits;
    this.#verified = verified;
    this.#caveats = caveats;
  }

  get verified(): VerifiedToken {
    this.#verified ??= factsOf(this.macaroon, this.discharges, undefined);
    return this.#verified;
  }

  get macaroon(): Macaroon {
    this.#decoded ??= decodeCandidate(this.#candidate, this.#limits);
    return this.#decoded.macaroon;
  }

  get discharges(): readonly Macaroon[] {
    this.#decoded ??= decodeCandidate(this.#candidate, this.#limits);
    return this.#decoded.discharges;
  }

  restricts(prefixes: readonly Uint8Array[]): boolean {
    if (prefixes.length === 0) return true;
    const caveats = this.#caveats;
    if (!caveats) return restrictsAll(this.macaroon, prefixes);
    // A hit: the root's first-party caveats are the entry's with macaroon 0.
    return prefixes.every((p) => caveats.some((c) => c.macaroon === 0 && startsWith(c.bytes, p)));
  }
}
