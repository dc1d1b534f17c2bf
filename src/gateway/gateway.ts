/**
 * The runtime-neutral heart of every middleware: from request headers and the request's own facts to a
 * decision (200, 400, 401 or 5xx). Adapters (Web, node:http, Hono) only turn decisions into responses.
 */
import { describeType } from '../bytes.js';
import { DecodeError, InvalidArgumentError, LimitExceededError, NotAuthorizedError } from '../errors.js';
import { type Limits, resolveLimits } from '../limits.js';
import type { Macaroon } from '../macaroon.js';
import { Verifier, type VerifyOptions } from '../verifier.js';
import { BatchVerifier } from './batch-verifier.js';
import { KeyLookupError, UnknownRootKeyError } from './errors.js';
import type { RootKeySource } from './keys.js';
import {
  decodeCandidate,
  type ExtractOptions,
  extractTokens,
  type HeaderLookup,
  type TokenCandidate,
} from './transport.js';

export interface Authorized {
  readonly macaroon: Macaroon;
  readonly discharges: readonly Macaroon[];
}

/** What to answer. Reasons and codes are stable strings; nothing here echoes a token or a key. */
export type Decision =
  | ({ readonly status: 200 } & Authorized)
  | { readonly status: 400; readonly code: string }
  | { readonly status: 401; readonly reason: string }
  | { readonly status: 500 | 503; readonly code: string };

export interface GatewayOptions extends ExtractOptions {
  /** The root key, or a (sync or async) function of the macaroon identifier. */
  readonly rootKey: RootKeySource;
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
  readonly limits?: Partial<Limits>;
}

const MISSING: Decision = Object.freeze({ status: 401, reason: 'missing-token' });

export class Gateway {
  readonly #rootKey: RootKeySource;
  readonly #verifier: BatchVerifier;
  readonly #limits: Partial<Limits> | undefined;
  readonly #extract: ExtractOptions;
  readonly #passBundles: boolean;
  readonly #maxTokenBytes: number;

  constructor(options: GatewayOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('gateway options must be an object');
    }
    const { verifier, rootKey } = options;
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
    // A fixed key needs no identifier, so the gateway need not decode: a pool's workers decode the
    // bundle, and an in-process BatchVerifier hands a binary bundle to the batch as serialized tokens.
    this.#passBundles = typeof rootKey !== 'function';
    this.#limits = options.limits;
    this.#maxTokenBytes = resolveLimits(options.limits).maxTokenBytes;
    this.#extract = {
      ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
      ...(options.cookiePrefix === undefined ? {} : { cookiePrefix: options.cookiePrefix }),
    };
  }

  /**
   * Decides on a request from its headers and its own facts (exact predicates such as `account = 42`,
   * and a context for general checks). A request may carry several bundles; they are tried together
   * and the first that authorizes, in the order of preference of `extractTokens` (the Authorization
   * header, then `Macaroons` headers, then cookies), wins, as in macaroon-bakery. A malformed or
   * failing candidate never defeats one that authorizes. When none does, the answer is the most useful
   * failure: 5xx if a verification could not run, else the first 401, else the first 400.
   */
  authorize(headers: HeaderLookup, facts?: VerifyOptions | null): Promise<Decision> {
    let candidates: TokenCandidate[];
    try {
      candidates = extractTokens(headers, this.#extract);
    } catch (e) {
      return Promise.resolve(failure(e)); // a HeaderLookup that throws: nothing to try
    }
    if (candidates.length === 0) return Promise.resolve(MISSING);
    const f = facts ?? {};
    if (candidates.length === 1) return this.#attempt(candidates[0] as TokenCandidate, f);
    return Promise.all(candidates.map((c) => this.#attempt(c, f))).then(choose);
  }

  #attempt(candidate: TokenCandidate, facts: VerifyOptions): Promise<Decision> {
    // Plain object literals, no spreads: this runs for every request.
    const { exact, context } = facts;
    if (candidate.error) return Promise.resolve(failure(candidate.error));
    // The bundle as a whole, whoever decodes it (the verifier bounds each of its macaroons again).
    if (candidate.value.length > this.#maxTokenBytes) {
      return Promise.resolve(failure(new LimitExceededError('the macaroon bundle is over maxTokenBytes')));
    }
    if (this.#passBundles) {
      // The verifier decodes (and rejects malformed tokens); decode here only if the app asks.
      const item = { bundle: candidate.value, rootKey: this.#rootKey, exact, context };
      return this.#verifier
        .verify(item)
        .then((r) => (r.ok ? lazyAuthorized(candidate, this.#limits) : failure(r.error)));
    }
    let bundle: Authorized;
    try {
      bundle = decodeCandidate(candidate, this.#limits);
    } catch (e) {
      return Promise.resolve(failure(e));
    }
    const { macaroon, discharges } = bundle;
    const item = { macaroon, discharges, rootKey: this.#rootKey, exact, context };
    return this.#verifier
      .verify(item)
      .then((r): Decision => (r.ok ? { status: 200, macaroon, discharges } : failure(r.error)));
  }

  get stats(): { readonly batches: number; readonly items: number } {
    return this.#verifier.stats;
  }
}

/** A 200 decision whose macaroons are decoded on first access (the workers already checked them). */
function lazyAuthorized(candidate: TokenCandidate, limits: Partial<Limits> | undefined): Decision {
  let decoded: Authorized | undefined;
  const get = (): Authorized => {
    decoded ??= decodeCandidate(candidate, limits);
    return decoded;
  };
  return {
    status: 200,
    get macaroon() {
      return get().macaroon;
    },
    get discharges() {
      return get().discharges;
    },
  };
}

/** Maps an error to its decision: the token's fault (400, 401) or ours (500, 503). */
export function failure(e: unknown): Decision {
  if (e instanceof NotAuthorizedError) return { status: 401, reason: e.reason };
  if (e instanceof UnknownRootKeyError) return { status: 401, reason: e.reason };
  if (e instanceof DecodeError || e instanceof LimitExceededError) return { status: 400, code: e.code };
  const code =
    typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'ERR_INTERNAL';
  if (e instanceof KeyLookupError || code === 'ERR_ENGINE') return { status: 503, code };
  return { status: 500, code };
}

/** Several bundles: the first success; else a server failure, else the first 401, else the first 400. */
function choose(decisions: readonly Decision[]): Decision {
  const rank = (d: Decision): number =>
    d.status === 200 ? 0 : d.status >= 500 ? 1 : d.status === 401 ? 2 : 3;
  let best = decisions[0] as Decision;
  for (const d of decisions) if (rank(d) < rank(best)) best = d;
  return best;
}
