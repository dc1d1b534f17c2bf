/**
 * The gateway's path when it caches verified tokens, checks revocations or takes keys from a store.
 *
 * A hit (the same token text as one verified before) skips decoding, the HMAC chain and the discharge
 * walk, and still: resolves the root key again and requires the very key it verified under (so an entry
 * dies with its key's rotation, expiry or deletion), checks revocation, and checks every first-party
 * caveat against this request (exact predicates, context, general checks, the clock) through the
 * Verifier's own rules. When the key is known (a fixed key, or one the store holds in memory) a hit is
 * decided synchronously, with one object allocated: the decision. A miss decodes the token once,
 * resolves its key, checks revocation, verifies (micro-batched), and caches the outcome when the
 * signature chain was valid.
 */
import { bytesEqual, utf8DecodeStrict, utf8Encode } from '../bytes.js';
import { caveatsToCheck, VerifiedToken } from '../cache/verified-token.js';
import { type CacheEntry, entrySize, type VerifiedTokenCache } from '../cache/verified-token-cache.js';
import { NotAuthorizedError } from '../errors.js';
import type { Limits } from '../limits.js';
import { type Macaroon, macaroonData } from '../macaroon.js';
import type { MacaroonData } from '../model.js';
import { identifierDigest } from '../store/revocations.js';
import type { BatchResult, Verifier, VerifyOptions } from '../verifier.js';
import type { BatchVerifier } from './batch-verifier.js';
import { type Decision, failure, UNRESTRICTED } from './decision.js';
import { KeyLookupError, RevokedError, UnknownRootKeyError } from './errors.js';
import { type RootKey, type RootKeySource, resolveRootKey } from './keys.js';
import { caveatsRestrictAll, restrictsAll } from './required.js';
import { decodeCandidate, type TokenCandidate } from './transport.js';

/**
 * Revocations a gateway checks on every verification: a RootKeyStore is one. Must answer from memory.
 *
 * @example
 * ```ts
 * const revoked = new Set<string>(); // hex SHA-256 digests of root identifiers
 * const revocations: RevocationCheck = { isRevoked: (digest) => revoked.has(digest) };
 * new Gateway({ rootKey, verifier: new Verifier(), revocations });
 * ```
 */
export interface RevocationCheck {
  /**
   * `digest`: hex SHA-256 of the root identifier; `keyId`: its root key's id, if known; `now`: the
   * gateway's reading of Date.now() for this request, when it has one (use it or read a clock of your own).
   */
  isRevoked(digest: string, keyId: string | undefined, now?: number): boolean;
  /** The key id an identifier names, if any. */
  keyIdOf?(identifier: Uint8Array): string | undefined;
}

export interface CachedVerificationOptions {
  readonly rootKey: RootKeySource;
  /**
   * The cache scope of this gateway's entries: for a fixed root key, a digest of it, so gateways under
   * different keys sharing one cache keep apart. (Each hit also compares the key itself.)
   */
  readonly keyTag: string;
  readonly verifier: BatchVerifier;
  readonly checks: Verifier | undefined;
  readonly cache: VerifiedTokenCache | undefined;
  readonly revocations: RevocationCheck | undefined;
  /** A store's key lookup by id and its identifier parser: a hit then finds its key by the id it kept. */
  readonly keys: KeyLookup | undefined;
  readonly limits: Partial<Limits> | undefined;
  /** The gateway's requiredCaveats, as bytes. */
  readonly required: readonly Uint8Array[];
}

/** Keys by id, as a store has them (sync when known). */
export interface KeyLookup {
  keyIdOf(identifier: Uint8Array): string | undefined;
  /**
   * The live key with this id (synchronously when known), or undefined. `now`: the gateway's reading of
   * Date.now() for this request (use it or read a clock of your own).
   */
  get(
    id: string,
    now?: number,
  ):
    | {
        /** The root key's bytes. */
        readonly key: Uint8Array;
      }
    | undefined
    | Promise<
        | {
            /** The root key's bytes. */
            readonly key: Uint8Array;
          }
        | undefined
      >;
}

const REVOKED = 'the macaroon has been revoked';

export class CachedVerification {
  readonly #o: CachedVerificationOptions;

  constructor(options: CachedVerificationOptions) {
    this.#o = options;
  }

  /** The decision for one token: synchronous on a hit whose key is known, else a promise. */
  verify(candidate: TokenCandidate, facts: VerifyOptions): Decision | Promise<Decision> {
    const cache = this.#o.cache;
    const entry = cache?.get(candidate.value, this.#o.keyTag);
    if (entry === undefined) return this.#miss(candidate, facts);
    // One reading of the clock for the key's expiry, the revocation check and the time caveats.
    const now = Date.now();
    const live = this.#liveKey(entry, now);
    if (live instanceof Promise) {
      return live.then(
        (k) => this.#afterKeyCheck(candidate, facts, entry, k, Date.now()),
        (e: unknown) => failure(lookupFailed(e)),
      );
    }
    return this.#afterKeyCheck(candidate, facts, entry, live, now);
  }

  #liveKey(entry: CacheEntry, now: number): RootKey | undefined | Promise<RootKey | undefined> {
    const keys = this.#o.keys;
    const id = entry.verified.rootKeyId;
    if (!keys || id === undefined) {
      const source = this.#o.rootKey;
      return typeof source === 'function' ? resolveRootKey(source, entry.identifier) : source;
    }
    const found = keys.get(id, now);
    if (found instanceof Promise) return found.then((k) => k?.key);
    return found?.key;
  }

  #afterKeyCheck(
    candidate: TokenCandidate,
    facts: VerifyOptions,
    entry: CacheEntry,
    live: RootKey | undefined,
    now: number,
  ): Decision | Promise<Decision> {
    if (live === undefined || !sameKey(live, entry.rootKey)) {
      // The key rotated out, expired or was deleted: the entry dies with it, and the token is judged
      // afresh (it then fails on its key, exactly as without a cache).
      this.#o.cache?.delete(candidate.value, this.#o.keyTag);
      return this.#miss(candidate, facts);
    }
    return this.#judge(candidate, facts, entry, now);
  }

  #judge(candidate: TokenCandidate, facts: VerifyOptions, entry: CacheEntry, now: number): Decision {
    const o = this.#o;
    if (o.revocations?.isRevoked(entry.digest, entry.verified.rootKeyId, now)) {
      o.cache?.delete(candidate.value, o.keyTag);
      return failure(new RevokedError(REVOKED));
    }
    let error: NotAuthorizedError | undefined;
    try {
      const checks = o.checks as Verifier;
      error =
        entry.compiled === undefined
          ? checks.checkCaveatList(entry.caveats, facts)
          : checks.checkCompiled(entry.compiled, facts, now);
    } catch (e) {
      return failure(e);
    }
    if (error) return failure(error);
    const required = o.required;
    if (required.length > 0) {
      const memo = entry.restricts;
      const restricts =
        memo !== undefined && memo.prefixes === required
          ? memo.result
          : caveatsRestrictAll(entry.caveats, required);
      if (!restricts) return UNRESTRICTED;
    }
    return new LazyGrant(candidate, o.limits, entry.verified);
  }

  #miss(candidate: TokenCandidate, facts: VerifyOptions): Promise<Decision> | Decision {
    const source = this.#o.rootKey;
    if (typeof source !== 'function') return this.#missFixedKey(candidate, facts, source);
    let macaroon: Macaroon;
    let discharges: Macaroon[];
    try {
      ({ macaroon, discharges } = decodeCandidate(candidate, this.#o.limits));
    } catch (e) {
      return failure(e);
    }
    const identifier = macaroonData(macaroon).identifier;
    let key: RootKey | undefined | Promise<RootKey | undefined>;
    try {
      key = resolveRootKey(source, identifier);
    } catch (e) {
      return failure(lookupFailed(e));
    }
    const go = (k: RootKey | undefined): Decision | Promise<Decision> => {
      if (k === undefined) {
        return failure(new UnknownRootKeyError('no live root key matches the macaroon identifier'));
      }
      const revocations = this.#o.revocations;
      const keyId = (this.#o.keys ?? revocations)?.keyIdOf?.(identifier);
      const digest = identifierDigest(identifier);
      if (revocations?.isRevoked(digest, keyId)) return failure(new RevokedError(REVOKED));
      const { exact, context } = facts;
      const admit = this.#admit(candidate);
      return this.#o.verifier
        .verify({ macaroon, discharges, rootKey: k, exact, context })
        .then((r) => this.#verified(candidate, r, k, identifier, digest, keyId, macaroon, discharges, admit));
    };
    if (key instanceof Promise) {
      return key.then(go, (e: unknown) => failure(lookupFailed(e)));
    }
    return go(key);
  }

  #admit(candidate: TokenCandidate): boolean {
    const cache = this.#o.cache;
    return (
      cache !== undefined && this.#o.checks !== undefined && cache.admit(candidate.value, this.#o.keyTag)
    );
  }

  /**
   * A miss under a fixed key: the bundle goes to the batch as it came (the zero-copy path, as without a
   * cache); it is decoded only when its chain is valid and it is to be cached or checked for revocation.
   */
  #missFixedKey(candidate: TokenCandidate, facts: VerifyOptions, rootKey: RootKey): Promise<Decision> {
    const admit = this.#admit(candidate);
    const { exact, context } = facts;
    return this.#o.verifier.verify({ bundle: candidate.value, rootKey, exact, context }).then((r) => {
      if (!chainValid(r)) return failure(r.error);
      const revocations = this.#o.revocations;
      if (!admit && !revocations) {
        if (!r.ok) return failure(r.error);
        return this.#o.required.length === 0
          ? new LazyGrant(candidate, this.#o.limits)
          : this.#grantDecoded(candidate, undefined);
      }
      let decoded: { macaroon: Macaroon; discharges: Macaroon[] };
      try {
        decoded = decodeCandidate(candidate, this.#o.limits);
      } catch (e) {
        return failure(e);
      }
      const identifier = macaroonData(decoded.macaroon).identifier;
      const keyId = revocations?.keyIdOf?.(identifier);
      const digest = identifierDigest(identifier);
      if (revocations?.isRevoked(digest, keyId)) return failure(new RevokedError(REVOKED));
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

  /** A verified token not decoded yet: decoded now only to check the required caveats. */
  #grantDecoded(candidate: TokenCandidate, keyId: string | undefined): Decision {
    let decoded: { macaroon: Macaroon; discharges: Macaroon[] };
    try {
      decoded = decodeCandidate(candidate, this.#o.limits);
    } catch (e) {
      return failure(e);
    }
    if (!restrictsAll(decoded.macaroon, this.#o.required)) return UNRESTRICTED;
    return new DecodedGrant(decoded.macaroon, decoded.discharges, keyId, undefined);
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
  ): Decision {
    if (!chainValid(result)) return failure(result.error);
    const o = this.#o;
    const cache = o.cache;
    let verified: VerifiedToken | undefined;
    if (admit && cache && o.checks) {
      const caveats = caveatsToCheck([macaroon, ...discharges].map(macaroonData));
      verified = new VerifiedToken(identifier, keyId, caveats);
      const token = detached(candidate.value);
      // A copy of the key: a hit compares bytes, so a key array changed in place ends its entries.
      const keyCopy = typeof rootKey === 'string' ? rootKey : rootKey.slice();
      const entry: CacheEntry = {
        rootKey: keyCopy,
        identifier,
        digest,
        caveats,
        compiled: o.checks.compileCaveats(caveats),
        restricts: { prefixes: o.required, result: caveatsRestrictAll(caveats, o.required) },
        verified,
        size: entrySize(token, caveats, identifier),
      };
      cache.set(token, entry, o.keyTag);
    }
    if (!result.ok) return failure(result.error);
    if (!restrictsAll(macaroon, o.required)) return UNRESTRICTED;
    return new DecodedGrant(macaroon, discharges, keyId, verified);
  }
}

/**
 * The token text as a string of its own: a header value sliced from a larger one (a cookie among many)
 * would otherwise keep all of it alive for as long as the entry lives. Tokens are ASCII; any other text
 * is kept as it is.
 */
function detached(token: string): string {
  const copy = utf8DecodeStrict(utf8Encode(token));
  return copy === token ? copy : token;
}

/** The signature chain was valid: the token verified, or only a first-party caveat failed. */
function chainValid(result: BatchResult): boolean {
  return (
    result.ok ||
    (result.error instanceof NotAuthorizedError && result.error.reason === 'caveat-not-satisfied')
  );
}

/** The facts of decoded macaroons. */
function factsOf(
  macaroon: Macaroon,
  discharges: readonly Macaroon[],
  keyId: string | undefined,
): VerifiedToken {
  const data = [macaroon, ...discharges].map(macaroonData);
  return new VerifiedToken((data[0] as MacaroonData).identifier, keyId, caveatsToCheck(data));
}

function sameKey(a: RootKey, b: RootKey): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return bytesEqual(a, b);
}

function lookupFailed(e: unknown): KeyLookupError {
  return new KeyLookupError('the root key lookup failed', { cause: e });
}

/**
 * A 200 for a token verified but not decoded: a cache hit (its facts come from the entry) or a fixed key
 * without a cache (its facts are worked out if read). The macaroons are decoded only if read.
 */
class LazyGrant {
  readonly #token: TokenCandidate;
  readonly #limits: Partial<Limits> | undefined;
  #decoded: { macaroon: Macaroon; discharges: Macaroon[] } | undefined;
  #verified: VerifiedToken | undefined;

  constructor(token: TokenCandidate, limits: Partial<Limits> | undefined, verified?: VerifiedToken) {
    this.#token = token;
    this.#limits = limits;
    this.#verified = verified;
  }

  get status(): 200 {
    return 200;
  }

  get macaroon(): Macaroon {
    this.#decoded ??= decodeCandidate(this.#token, this.#limits);
    return this.#decoded.macaroon;
  }

  get discharges(): readonly Macaroon[] {
    this.#decoded ??= decodeCandidate(this.#token, this.#limits);
    return this.#decoded.discharges;
  }

  /** What verification established. */
  get verified(): VerifiedToken {
    this.#verified ??= factsOf(this.macaroon, this.discharges, undefined);
    return this.#verified;
  }
}

/** A 200 for decoded macaroons; their facts are worked out if the handler reads them. */
class DecodedGrant {
  readonly macaroon: Macaroon;
  readonly discharges: readonly Macaroon[];
  readonly #keyId: string | undefined;
  #verified: VerifiedToken | undefined;

  constructor(
    macaroon: Macaroon,
    discharges: readonly Macaroon[],
    keyId: string | undefined,
    verified: VerifiedToken | undefined,
  ) {
    this.macaroon = macaroon;
    this.discharges = discharges;
    this.#keyId = keyId;
    this.#verified = verified;
  }

  get status(): 200 {
    return 200;
  }

  get verified(): VerifiedToken {
    this.#verified ??= factsOf(this.macaroon, this.discharges, this.#keyId);
    return this.#verified;
  }
}
