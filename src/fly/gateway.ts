/**
 * HTTP front for Fly-style services: `Authorization: FlyV1 fm2_…,fm2_…` (flyctl sends macaroons with the
 * FlyV1 scheme; superfly's parser also accepts `Bearer`), verified as verifyFly does (alone, or batched
 * with the requests that arrive with it: verifyFlyBatch). Decisions and
 * responses follow the library's gateway: 200, 400 for a malformed header, 401 with a stable reason,
 * 503 when the key lookup fails. Bodies carry codes only, never tokens, keys or caveat text.
 */
import type { EngineChoice } from '../engine/registry.js';
import { InvalidArgumentError, MacaroonError, type MacaroonErrorCode } from '../errors.js';
import { MicroBatcher, type MicroBatcherOptions } from '../gateway/batcher.js';
import type { Limits } from '../limits.js';
import type { FlyAccess } from './access.js';
import type { FlyCaveatRegistry } from './caveats/registry.js';
import type { FlyCaveat } from './caveats/types.js';
import { type FlyFailureReason, FlyNotAuthorizedError } from './errors.js';
import type { FlyMacaroon } from './macaroon.js';
import { looksLikeFly } from './text.js';
import {
  type FlyKeyedRequest,
  type FlyStage,
  type FlyTrustedThirdParties,
  type FlyVerifyResult,
  type ResolvedFlyOptions,
  resolveFlyOptions,
  selectFlyTokens,
  verifySelected,
} from './verify.js';

/**
 * Read access to request headers (a Web `Headers` fits).
 *
 * @example
 * ```ts
 * const headers: FlyHeaderLookup = { get: (name) => (name === 'authorization' ? `FlyV1 ${token}` : null) };
 * await new FlyGateway({ keys: rootKey }).authorize(headers, { action: 'r', orgid: 7 });
 * ```
 */
export interface FlyHeaderLookup {
  /** The value of the header `name` (lower case), or null or undefined when absent. */
  get(name: string): string | null | undefined;
}

/**
 * Why a FlyGateway answered 401: a FlyNotAuthorizedError's reason, `missing-token`, or the code of the
 * error another check gave (e.g. a key lookup that threw a MacaroonError at the `select` stage).
 *
 * @example
 * ```ts
 * const d = await new FlyGateway({ keys: rootKey }).authorize(request.headers, { action: 'r', orgid: 7 });
 * const reason: FlyDenialReason | undefined = d.status === 401 ? d.reason : undefined;
 * if (reason === 'denied') console.log('the token does not allow this');
 * ```
 */
export type FlyDenialReason = FlyFailureReason | 'missing-token' | MacaroonErrorCode;

/**
 * What a FlyGateway answers.
 *
 * @example
 * ```ts
 * const d: FlyDecision = await new FlyGateway({ keys: rootKey }).authorize(request.headers, { action: 'r', orgid: 7 });
 * if (d.status === 200) console.log(d.caveats);
 * else if (d.status === 401) console.log(d.reason, d.stage);
 * ```
 */
export type FlyDecision =
  | {
      /** Authorized. */
      readonly status: 200;
      /** The permission token that authorized the request. */
      readonly token: FlyMacaroon;
      /** Its verified caveats (and those of the discharges used), in superfly's JSON form. */
      readonly caveats: FlyCaveat[];
    }
  | {
      /** The header or a token in it could not be read. */
      readonly status: 400;
      /** Why, as a MacaroonError code. */
      readonly code: MacaroonErrorCode;
    }
  | {
      /** Not authorized. */
      readonly status: 401;
      /** Why, stable for code. */
      readonly reason: FlyDenialReason;
      /** Where verification stopped, when a token was read. */
      readonly stage?: FlyStage | undefined;
    }
  | {
      /** The key lookup failed (a store down): fail closed, try again later. */
      readonly status: 503;
      /** Why, as a MacaroonError code. */
      readonly code: MacaroonErrorCode;
    };

/**
 * Options of a FlyGateway: root keys by key id, trusted third parties, location, caveat types, limits.
 *
 * @example
 * ```ts
 * const keys = new Map<string, Uint8Array>([['key-1', rootKey]]);
 * const options: FlyGatewayOptions = { keys: async (kid) => keys.get(new TextDecoder().decode(kid)) };
 * new FlyGateway(options);
 * ```
 */
export interface FlyGatewayOptions {
  /** Root key by key id; may be async (a database, a KMS). Undefined: unknown key (401). */
  readonly keys: Uint8Array | ((kid: Uint8Array) => Uint8Array | undefined | Promise<Uint8Array | undefined>);
  /** Third-party keys by location, to trust their discharges' attestations. */
  readonly trusted3Ps?: FlyTrustedThirdParties | undefined;
  /** The permission token's location (default `https://api.fly.io/v1`). */
  readonly location?: string | undefined;
  /** The caveat types to read (default: superfly's standard ones). */
  readonly registry?: FlyCaveatRegistry | undefined;
  /** Size and count limits (the library's usual ones; see SECURITY.md). */
  readonly limits?: Partial<Limits> | undefined;
  /** Which engine computes the HMAC chains (default 'auto': WASM once `ready()` has loaded it). */
  readonly engine?: EngineChoice | undefined;
  /**
   * Verify the requests that arrive close together as one batch (verifyFlyBatch: every chain of the
   * batch in one engine call per round), with the gateway's micro-batcher: `true` for its defaults
   * (the requests parsed in one event-loop turn, at most 64), or its options. Default: each request on
   * its own. Decisions are the same either way.
   */
  readonly batch?: boolean | MicroBatcherOptions | undefined;
}

const MISSING: FlyDecision = Object.freeze({ status: 401, reason: 'missing-token' });

/**
 * Verifies the FlyV1 header of each request.
 *
 * @example
 * ```ts
 * import { FlyGateway, withFlyAuth } from 'macaroon-engine/fly';
 * const keys = new Map<string, Uint8Array>(); // root keys by key id, e.g. from a database
 * const gateway = new FlyGateway({ keys: async (kid) => keys.get(new TextDecoder().decode(kid)), batch: true });
 * export default { fetch: withFlyAuth(() => new Response('ok'), {
 *   gateway, access: (req) => ({ action: req.method === 'GET' ? 'r' : 'w', orgid: 7 }) }) };
 * ```
 */
export class FlyGateway {
  readonly #options: FlyGatewayOptions;
  readonly #resolved: ResolvedFlyOptions;
  readonly #batcher: MicroBatcher<FlyKeyedRequest, FlyVerifyResult> | undefined;

  constructor(options: FlyGatewayOptions) {
    if (typeof options !== 'object' || options === null)
      throw new InvalidArgumentError('options must be an object');
    if (!(options.keys instanceof Uint8Array) && typeof options.keys !== 'function') {
      throw new InvalidArgumentError('keys must be a key or a function of the key id');
    }
    this.#options = options;
    this.#resolved = resolveFlyOptions(options);
    const batch = options.batch;
    this.#batcher =
      batch === undefined || batch === false
        ? undefined
        : new MicroBatcher(
            (items: FlyKeyedRequest[]) => verifySelected(items, this.#resolved),
            batch === true ? {} : batch,
          );
  }

  /** The decision for a request's headers and the access it asks for. */
  async authorize(
    headers: FlyHeaderLookup,
    access: FlyAccess | readonly FlyAccess[],
    now?: Date | number,
  ): Promise<FlyDecision> {
    const header = headers.get('authorization')?.trim();
    if (!header || !looksLikeFly(header)) return MISSING;
    const selected = selectFlyTokens(header, this.#resolved);
    if ('ok' in selected) return decide(selected);
    const keys = this.#options.keys;
    let key: Uint8Array | undefined;
    try {
      key = keys instanceof Uint8Array ? keys : await keys(selected.token.kid);
    } catch (e) {
      return { status: 503, code: e instanceof MacaroonError ? e.code : 'ERR_KEY_LOOKUP' };
    }
    if (!(key instanceof Uint8Array)) return { status: 401, reason: 'unknown-key', stage: 'select' };
    const request: FlyKeyedRequest = { ...selected, key, access, now };
    return decide(
      this.#batcher
        ? await this.#batcher.submit(request)
        : (verifySelected([request], this.#resolved)[0] as FlyVerifyResult),
    );
  }
}

function decide(r: FlyVerifyResult): FlyDecision {
  if (r.ok) return { status: 200, token: r.token, caveats: r.caveats };
  if (r.stage === 'parse' || r.stage === 'decode') return { status: 400, code: r.error.code };
  const reason = r.error instanceof FlyNotAuthorizedError ? r.error.reason : r.error.code;
  return { status: 401, reason, stage: r.stage };
}

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' } as const;

/**
 * The response for a decision other than 200 (`WWW-Authenticate: FlyV1 reason="…"` on 401).
 *
 * @example
 * ```ts
 * const d = await new FlyGateway({ keys: rootKey }).authorize(request.headers, { action: 'r', orgid: 7 });
 * const response = d.status === 200 ? new Response('ok') : flyDenial(d); // 400, 401 or 503, JSON
 * ```
 */
export function flyDenial(decision: Exclude<FlyDecision, { status: 200 }>): Response {
  switch (decision.status) {
    case 401:
      return new Response(JSON.stringify({ error: 'unauthorized', reason: decision.reason }), {
        status: 401,
        headers: { ...JSON_HEADERS, 'www-authenticate': `FlyV1 reason="${decision.reason}"` },
      });
    case 400:
      return new Response(JSON.stringify({ error: 'malformed-token', code: decision.code }), {
        status: 400,
        headers: JSON_HEADERS,
      });
    default:
      return new Response(JSON.stringify({ error: 'verification-unavailable', code: decision.code }), {
        status: decision.status,
        headers: JSON_HEADERS,
      });
  }
}

/**
 * Wraps a Web handler (workerd, Deno, Bun, Hono's `fetch`): it runs only when the request's FlyV1 token
 * allows the access derived from the request.
 *
 * @example
 * ```ts
 * const gateway = new FlyGateway({ keys: rootKey });
 * const handler = withFlyAuth((req, auth) => Response.json(auth.caveats), {
 *   gateway, access: (req) => ({ action: 'r', orgid: 7, appid: Number(new URL(req.url).searchParams.get('app')) }),
 * });
 * ```
 */
export function withFlyAuth(
  handler: (
    request: Request,
    auth: { token: FlyMacaroon; caveats: FlyCaveat[] },
  ) => Response | Promise<Response>,
  options: {
    readonly gateway: FlyGateway;
    readonly access: (
      request: Request,
    ) => FlyAccess | readonly FlyAccess[] | Promise<FlyAccess | readonly FlyAccess[]>;
  },
): (request: Request) => Promise<Response> {
  const { gateway, access } = options;
  return async (request) => {
    const decision = await gateway.authorize(request.headers, await access(request));
    if (decision.status === 200) return handler(request, decision);
    return flyDenial(decision);
  };
}
