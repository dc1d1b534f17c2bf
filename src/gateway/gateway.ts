/**
 * The runtime-neutral heart of every middleware: from request headers and the request's own facts to a
 * decision (200, 400, 401 or 5xx). Adapters (Web, node:http, Hono) only turn decisions into responses.
 */
import { describeType, utf8Encode } from '../bytes.js';
import { caveatsToCheck, VerifiedToken } from '../cache/verified-token.js';
import type { CacheStats, VerifiedTokenCache } from '../cache/verified-token-cache.js';
import { InvalidArgumentError, LimitExceededError } from '../errors.js';
import { type Limits, resolveLimits } from '../limits.js';
import { type Macaroon, macaroonData } from '../macaroon.js';
import type { MacaroonData } from '../model.js';
import { identifierDigest } from '../store/revocations.js';
import { type BatchResult, Verifier, type VerifyOptions } from '../verifier.js';
import { BatchVerifier, type GatewayItem } from './batch-verifier.js';
import { CachedVerification, type KeyLookup, type RevocationCheck } from './cached-verification.js';
import { DEFAULT_HOOK_TIMEOUT_MS, type GatewayHook, type TimeoutEvent, withDeadline } from './deadline.js';
import { type Decision, failure, UNRESTRICTED } from './decision.js';
import { HookTimeoutError, KeyLookupError, UnknownRootKeyError } from './errors.js';
import { type RootKey, type RootKeyResolver, type RootKeySource, resolveRootKey } from './keys.js';
import { requiredPrefixes, restrictsAll } from './required.js';
import {
  decodeCandidate,
  type ExtractOptions,
  extractTokens,
  type HeaderLookup,
  type TokenCandidate,
} from './transport.js';

export {
  type Authorized,
  type Decision,
  type DecisionCode,
  type DenialReason,
  failure,
} from './decision.js';

/**
 * A shared root-key store as a gateway uses it (a `RootKeyStore` from `macaroon-engine/store` is one):
 * keys by identifier, revocations from memory, and news of revocations to drop cached tokens.
 *
 * @example
 * ```ts
 * import { Gateway } from 'macaroon-engine/gateway';
 * import { MemoryBacking, RootKeyStore } from 'macaroon-engine/store';
 * import { Verifier } from 'macaroon-engine';
 *
 * const store = await RootKeyStore.open(new MemoryBacking(), { policy: { expiryMs: 86_400_000 } });
 * new Gateway({ store, verifier: new Verifier() }); // store is a GatewayKeyStore
 * ```
 */
export interface GatewayKeyStore extends RevocationCheck, KeyLookup {
  /** Finds the root key of a macaroon by its identifier. */
  readonly resolver: RootKeyResolver;
  keyIdOf(identifier: Uint8Array): string | undefined;
  /** Tells `listener` of revocations and reloads; returns a function that unsubscribes. */
  subscribe?(
    listener: (
      event: { kind: 'revoked'; revocation: { kind: string; value: string } } | { kind: 'resync' },
    ) => void,
  ): () => void;
}

/**
 * Options of a Gateway: where root keys come from, what verifies, and the optional cache, revocations,
 * required caveats and hook deadline.
 *
 * @example
 * ```ts
 * const options: GatewayOptions = {
 *   rootKey,
 *   verifier: new BatchVerifier(new Verifier().satisfyGeneral(timeBefore)),
 *   requiredCaveats: ['account = ', 'time < '],
 *   schemes: ['Macaroon', 'Bearer'],
 *   timeoutMs: 1000,
 * };
 * new Gateway(options);
 * ```
 */
export interface GatewayOptions extends ExtractOptions {
  /** The root key, or a (sync or async) function of the macaroon identifier. Not with `store`. */
  readonly rootKey?: RootKeySource | undefined;
  /**
   * Root keys and revocations from a shared store (`RootKeyStore`), instead of `rootKey`. Revocations are
   * then checked on every verification, cache hits included.
   */
  readonly store?: GatewayKeyStore | undefined;
  /**
   * A cache of verified tokens (default none): a repeated token skips decoding and the signature chain,
   * and its caveats, key and revocation are still checked on every request.
   */
  readonly cache?: VerifiedTokenCache | undefined;
  /** Revocations to check on every verification (default: the store's, if any). */
  readonly revocations?: RevocationCheck | undefined;
  /**
   * The Verifier whose predicate checks a cache hit applies. Default: `verifier` itself, or the Verifier
   * a BatchVerifier runs; give it when the BatchVerifier runs a worker pool.
   */
  readonly checks?: Verifier | undefined;
  /**
   * What verifies: a BatchVerifier (micro-batched; its target may be a worker pool), or a Verifier,
   * which then verifies each request on its own as it arrives.
   */
  readonly verifier: BatchVerifier | Verifier;
  /**
   * Limits for tokens as the gateway receives them (default: the library's DEFAULT_LIMITS):
   * `maxTokenBytes` bounds each bundle, the others each macaroon the gateway decodes. The verifier
   * applies its own limits as well, so the stricter of the two holds.
   */
  readonly limits?: Partial<Limits> | undefined;
  /**
   * Predicate prefixes every token must restrict, operator included, e.g. `['account = ', 'time < ']`.
   * A token whose root macaroon lacks a first-party caveat starting with each one is refused (401,
   * reason `missing-required-caveat`) even when every caveat it has holds. Without this option a token
   * with no caveat about a fact authorizes every value of that fact (a token without `account = …`
   * works for every account): that is macaroon semantics. What counts is explained in
   * examples/gateway/README.md.
   */
  readonly requiredCaveats?: readonly string[] | undefined;
  /**
   * The deadline of each hook the gateway awaits, in milliseconds: the root-key resolver, the request's
   * facts (when `authorize` is given a promise), the verification (a batch, a worker pool). Default
   * DEFAULT_HOOK_TIMEOUT_MS (3,000); Infinity sets none. A hook past it fails the request closed: 503
   * with code `ERR_TIMEOUT`, counted in `stats.timeouts` and told to `onTimeout`.
   */
  readonly timeoutMs?: number | undefined;
  /** Told of every hook that missed its deadline (for logs and metrics); whatever it throws is ignored. */
  readonly onTimeout?: ((event: TimeoutEvent) => void) | undefined;
}

/**
 * What a gateway has done so far.
 *
 * @example
 * ```ts
 * const { timeouts, timeoutsByHook } = gateway.stats; // e.g. export as metrics
 * if (timeoutsByHook['root-key'] > 0) console.warn('the key store is slow');
 * ```
 */
export interface GatewayStats {
  /** Verification batches run, and the items they held. */
  readonly batches: number;
  /** Items those batches held. */
  readonly items: number;
  /** Hooks that missed their deadline (each answered 503 `ERR_TIMEOUT`), in all and by hook. */
  readonly timeouts: number;
  /** The same, by hook. */
  readonly timeoutsByHook: Readonly<Record<GatewayHook, number>>;
}

/** setTimeout's largest delay; a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const MISSING: Decision = Object.freeze({ status: 401, reason: 'missing-token' });

/**
 * The runtime-neutral core of every adapter: from a request's headers and facts to a Decision (200,
 * 400, 401 or 5xx).
 *
 * @example
 * ```ts
 * const gateway = new Gateway({ rootKey, verifier: new BatchVerifier(new Verifier().satisfyGeneral(timeBefore)) });
 * const d = await gateway.authorize(request.headers, { exact: ['account = 42'] });
 * if (d.status !== 200) console.log(d.status === 401 ? d.reason : d.code);
 * ```
 */
export class Gateway {
  readonly #rootKey: RootKeySource;
  readonly #verifier: BatchVerifier;
  readonly #limits: Partial<Limits> | undefined;
  readonly #extract: ExtractOptions;
  readonly #passBundles: boolean;
  readonly #scheme: string;
  readonly #maxTokenBytes: number;
  readonly #required: readonly Uint8Array[];
  readonly #timeoutMs: number;
  readonly #onTimeout: ((event: TimeoutEvent) => void) | undefined;
  readonly #timeouts: Record<GatewayHook, number> = { 'root-key': 0, facts: 0, verification: 0 };
  readonly #cached: CachedVerification | undefined;
  readonly #cache: VerifiedTokenCache | undefined;
  readonly #unsubscribe: (() => void) | undefined;

  constructor(options: GatewayOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('gateway options must be an object');
    }
    const { verifier, store, cache } = options;
    if (store !== undefined && options.rootKey !== undefined) {
      throw new InvalidArgumentError('give rootKey or store, not both');
    }
    if (
      store !== undefined &&
      (typeof store !== 'object' || store === null || typeof store.resolver !== 'function')
    ) {
      throw new InvalidArgumentError(`store must be a root-key store, got ${describeType(store)}`);
    }
    const rootKey = store ? store.resolver : (options.rootKey as RootKeySource);
    if (verifier instanceof BatchVerifier) this.#verifier = verifier;
    else if (verifier instanceof Verifier) {
      // A batch of one runs as soon as it is submitted: per-request verification, same code path.
      this.#verifier = new BatchVerifier(verifier, {
        maxBatchSize: 1,
        ...(options.limits === undefined ? {} : { limits: options.limits }),
      });
    } else {
      throw new InvalidArgumentError(
        `verifier must be a BatchVerifier or a Verifier, got ${describeType(verifier)}`,
      );
    }
    if (typeof rootKey !== 'string' && !(rootKey instanceof Uint8Array) && typeof rootKey !== 'function') {
      throw new InvalidArgumentError(`rootKey must be a key or a function, got ${describeType(rootKey)}`);
    }
    this.#rootKey = rootKey;
    this.#required = requiredPrefixes(options.requiredCaveats);
    const revocations = options.revocations ?? store;
    const checks = options.checks ?? (verifier instanceof Verifier ? verifier : this.#verifier.verifier);
    if (cache !== undefined && !(checks instanceof Verifier)) {
      throw new InvalidArgumentError(
        'a cache needs the Verifier whose checks it applies: give options.checks',
      );
    }
    if (cache !== undefined || revocations !== undefined) {
      this.#cache = cache;
      this.#cached = new CachedVerification({
        rootKey,
        keyTag:
          typeof rootKey === 'function'
            ? ''
            : `${identifierDigest(typeof rootKey === 'string' ? utf8Encode(rootKey) : rootKey).slice(0, 16)}:`,
        verifier: this.#verifier,
        checks,
        cache,
        revocations,
        keys: store,
        limits: options.limits,
        required: this.#required,
      });
      this.#unsubscribe =
        cache && store?.subscribe ? store.subscribe((e) => dropRevoked(cache, revocations, e)) : undefined;
    }
    // A fixed key needs no identifier, so the gateway need not decode: a pool's workers decode the
    // bundle, and an in-process BatchVerifier hands a binary bundle to the batch as serialized tokens.
    this.#passBundles = typeof rootKey !== 'function';
    this.#limits = options.limits;
    this.#maxTokenBytes = resolveLimits(options.limits).maxTokenBytes;
    const timeoutMs = options.timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
    if (
      typeof timeoutMs !== 'number' ||
      !(timeoutMs > 0) ||
      (timeoutMs > MAX_TIMER_MS && timeoutMs !== Number.POSITIVE_INFINITY)
    ) {
      throw new InvalidArgumentError(
        `timeoutMs must be a number of milliseconds from 1 to ${MAX_TIMER_MS}, or Infinity`,
      );
    }
    this.#timeoutMs = timeoutMs;
    if (options.onTimeout !== undefined && typeof options.onTimeout !== 'function') {
      throw new InvalidArgumentError(`onTimeout must be a function, got ${describeType(options.onTimeout)}`);
    }
    this.#onTimeout = options.onTimeout;
    this.#extract = {
      ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
      ...(options.cookiePrefix === undefined ? {} : { cookiePrefix: options.cookiePrefix }),
      ...(options.schemes === undefined ? {} : { schemes: validSchemes(options.schemes) }),
    };
    this.#scheme = this.#extract.schemes?.[0] ?? 'Macaroon';
  }

  /**
   * Decides on a request from its headers and its own facts (exact predicates such as `account = 42`,
   * and a context for general checks). A request may carry several bundles; they are tried together
   * and the first that authorizes, in the order of preference of `extractTokens` (the Authorization
   * header, then `Macaroons` headers, then cookies), wins, as in macaroon-bakery. A malformed or
   * failing candidate never defeats one that authorizes. When none does, the answer is the most useful
   * failure: 5xx if a verification could not run, else the first 401, else the first 400.
   */
  authorize(
    headers: HeaderLookup,
    facts?: VerifyOptions | PromiseLike<VerifyOptions> | null,
  ): Promise<Decision> {
    const decision = this.decide(headers, facts);
    return decision instanceof Promise ? decision : Promise.resolve(decision);
  }

  /**
   * `authorize` without the promise when the answer is known at once: a cache hit whose root key is in
   * memory (every caveat, the key and revocation checked as on any hit), or a request refused before
   * any verification. Otherwise a promise, as `authorize` gives. For adapters that run on every
   * request: a hit then costs no turn of the microtask queue.
   *
   * @example
   * ```ts
   * const d = gateway.decide(request.headers, { exact: ['action = read'] });
   * const decision = d instanceof Promise ? await d : d;
   * ```
   */
  decide(
    headers: HeaderLookup,
    facts?: VerifyOptions | PromiseLike<VerifyOptions> | null,
  ): Decision | Promise<Decision> {
    if (isPromiseLike(facts)) {
      return this.#deadline(facts, 'facts').then(
        (f) => this.decide(headers, f),
        (e: unknown) => {
          if (e instanceof HookTimeoutError) return failure(e);
          throw e; // the application's own failure: its adapter answers 500
        },
      );
    }
    let candidates: TokenCandidate[];
    try {
      candidates = extractTokens(headers, this.#extract);
    } catch (e) {
      return failure(e); // a HeaderLookup that throws: nothing to try
    }
    if (candidates.length === 0) return MISSING;
    const f = facts ?? {};
    if (candidates.length === 1) return this.#attempt(candidates[0] as TokenCandidate, f);
    const attempts = candidates.map((c) => this.#attempt(c, f));
    if (attempts.some((a) => a instanceof Promise)) return Promise.all(attempts).then(choose);
    return choose(attempts as Decision[]);
  }

  #attempt(candidate: TokenCandidate, facts: VerifyOptions): Decision | Promise<Decision> {
    if (candidate.error) return failure(candidate.error);
    // The bundle as a whole, whoever decodes it (the verifier bounds each of its macaroons again).
    if (candidate.value.length > this.#maxTokenBytes) {
      return failure(new LimitExceededError('the macaroon bundle is over maxTokenBytes'));
    }
    if (this.#cached) {
      const decision = this.#cached.verify(candidate, facts);
      if (!(decision instanceof Promise)) return decision;
      // A key lookup or a verification that does not settle in time: 503, as on the uncached path.
      return this.#deadline(decision, 'verification').catch(failure);
    }
    // Plain object literals, no spreads: this runs for every request.
    const { exact, context } = facts;
    if (this.#passBundles) {
      // The verifier decodes (and rejects malformed tokens); decode here only if the app asks.
      const item = { bundle: candidate.value, rootKey: this.#rootKey as RootKey, exact, context };
      return this.#verify(item).then((r) => (r.ok ? this.#authorizedBundle(candidate) : failure(r.error)));
    }
    let bundle: { macaroon: Macaroon; discharges: Macaroon[] };
    try {
      bundle = decodeCandidate(candidate, this.#limits);
    } catch (e) {
      return Promise.resolve(failure(e));
    }
    let key: RootKey | undefined | Promise<RootKey | undefined>;
    try {
      key = resolveRootKey(this.#rootKey, bundle.macaroon.identifier);
    } catch (e) {
      return Promise.resolve(lookupFailure(e));
    }
    if (key instanceof Promise) {
      return this.#deadline(key, 'root-key').then(
        (k) => this.#verifyWithKey(bundle, k, facts),
        lookupFailure,
      );
    }
    return this.#verifyWithKey(bundle, key, facts);
  }

  /** The `Authorization` scheme that names a 401's challenge: the first of `schemes` (default `Macaroon`). */
  get scheme(): string {
    return this.#scheme;
  }

  #verifyWithKey(
    bundle: { macaroon: Macaroon; discharges: Macaroon[] },
    key: RootKey | undefined,
    facts: VerifyOptions,
  ): Promise<Decision> {
    if (key === undefined) {
      return Promise.resolve(
        failure(new UnknownRootKeyError('no live root key matches the macaroon identifier')),
      );
    }
    const { macaroon, discharges } = bundle;
    const item = { macaroon, discharges, rootKey: key, exact: facts.exact, context: facts.context };
    return this.#verify(item).then((r) => (r.ok ? this.#restricted(bundle) : failure(r.error)));
  }

  /** The verifier's result for one item, within the deadline. Never rejects. */
  #verify(item: GatewayItem): Promise<BatchResult> {
    return this.#deadline(this.#verifier.verify(item), 'verification').catch(
      (error: unknown): BatchResult => ({ ok: false, error: error as HookTimeoutError }),
    );
  }

  /** An authorized bundle the gateway did not decode: decoded now only to check required caveats. */
  #authorizedBundle(candidate: TokenCandidate): Decision {
    if (this.#required.length === 0) return lazyAuthorized(candidate, this.#limits);
    let bundle: { macaroon: Macaroon; discharges: Macaroon[] };
    try {
      bundle = decodeCandidate(candidate, this.#limits);
    } catch (e) {
      return failure(e);
    }
    return this.#restricted(bundle);
  }

  #restricted(bundle: { macaroon: Macaroon; discharges: readonly Macaroon[] }): Decision {
    if (!restrictsAll(bundle.macaroon, this.#required)) return UNRESTRICTED;
    return authorized(bundle.macaroon, bundle.discharges);
  }

  /** The cache's hits, misses and size, when the gateway has one. */
  get cacheStats(): CacheStats | undefined {
    return this.#cache?.stats;
  }

  /** Stops listening to the store (the gateway keeps working without news of revocations for its cache). */
  close(): void {
    this.#unsubscribe?.();
  }

  /** `value` within the deadline; past it, the miss is counted and told, and the promise rejects. */
  #deadline<T>(value: PromiseLike<T>, hook: GatewayHook): Promise<T> {
    return withDeadline(value, this.#timeoutMs, () => {
      this.#timeouts[hook]++;
      try {
        this.#onTimeout?.({ hook, timeoutMs: this.#timeoutMs });
      } catch {
        // An observer must not change the answer.
      }
      return new HookTimeoutError(hook, this.#timeoutMs);
    });
  }

  /** Batches and items verified, and hooks that missed their deadline. */
  get stats(): GatewayStats {
    const t = this.#timeouts;
    const { batches, items } = this.#verifier.stats;
    return {
      batches,
      items,
      timeouts: t['root-key'] + t.facts + t.verification,
      timeoutsByHook: { ...t },
    };
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<VerifyOptions> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/** A root-key lookup that failed: its own deadline (503 ERR_TIMEOUT), else the store's fault (503). */
function lookupFailure(e: unknown): Decision {
  if (e instanceof HookTimeoutError) return failure(e);
  return failure(new KeyLookupError('the root key lookup failed', { cause: e }));
}

/** RFC 9110 auth-scheme names are tokens: letters, digits and `!#$%&'*+-.^_`|~`. */
function validSchemes(schemes: readonly string[]): readonly string[] {
  if (!Array.isArray(schemes) || schemes.length === 0) {
    throw new InvalidArgumentError('schemes must be a non-empty array of scheme names');
  }
  for (const s of schemes) {
    if (typeof s !== 'string' || !/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(s)) {
      throw new InvalidArgumentError(`schemes must be HTTP auth-scheme names, got ${describeType(s)}`);
    }
  }
  return Object.freeze([...schemes]);
}

/** A 200 decision whose macaroons are decoded on first access (the workers already checked them). */
function lazyAuthorized(candidate: TokenCandidate, limits: Partial<Limits> | undefined): Decision {
  let decoded: { macaroon: Macaroon; discharges: Macaroon[] } | undefined;
  const get = () => {
    decoded ??= decodeCandidate(candidate, limits);
    return decoded;
  };
  let verified: VerifiedToken | undefined;
  return {
    status: 200,
    get macaroon() {
      return get().macaroon;
    },
    get discharges() {
      return get().discharges;
    },
    get verified() {
      verified ??= verifiedFacts(get().macaroon, get().discharges);
      return verified;
    },
  };
}

/** A 200 for decoded macaroons; the verified facts are worked out on first access. */
function authorized(macaroon: Macaroon, discharges: readonly Macaroon[]): Decision {
  let verified: VerifiedToken | undefined;
  return {
    status: 200,
    macaroon,
    discharges,
    get verified() {
      verified ??= verifiedFacts(macaroon, discharges);
      return verified;
    },
  };
}

function verifiedFacts(macaroon: Macaroon, discharges: readonly Macaroon[]): VerifiedToken {
  const data = [macaroon, ...discharges].map(macaroonData);
  return new VerifiedToken((data[0] as MacaroonData).identifier, undefined, caveatsToCheck(data));
}

/** Drops cached tokens a store says are revoked (each hit checks revocation anyway: this frees memory). */
function dropRevoked(
  cache: VerifiedTokenCache,
  revocations: RevocationCheck | undefined,
  event: { kind: 'revoked'; revocation: { kind: string; value: string } } | { kind: 'resync' },
): void {
  if (event.kind === 'revoked') {
    const { kind, value } = event.revocation;
    cache.deleteWhere((e) => (kind === 'key' ? e.verified.rootKeyId === value : e.digest === value));
  } else if (revocations) {
    cache.deleteWhere((e) => revocations.isRevoked(e.digest, e.verified.rootKeyId));
  }
}

/** Several bundles: the first success; else a server failure, else the first 401, else the first 400. */
function choose(decisions: readonly Decision[]): Decision {
  const rank = (d: Decision): number =>
    d.status === 200 ? 0 : d.status >= 500 ? 1 : d.status === 401 ? 2 : 3;
  let best = decisions[0] as Decision;
  for (const d of decisions) if (rank(d) < rank(best)) best = d;
  return best;
}
