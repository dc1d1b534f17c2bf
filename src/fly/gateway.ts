/**
 * HTTP front for Fly-style services: `Authorization: FlyV1 fm2_…,fm2_…` (flyctl sends macaroons with the
 * FlyV1 scheme; superfly's parser also accepts `Bearer`), verified with verifyFly. Decisions and
 * responses follow the library's gateway: 200, 400 for a malformed header, 401 with a stable reason,
 * 503 when the key lookup fails. Bodies carry codes only, never tokens, keys or caveat text.
 */
import { InvalidArgumentError, MacaroonError } from '../errors.js';
import type { Limits } from '../limits.js';
import type { FlyAccess } from './access.js';
import type { FlyCaveatRegistry } from './caveats/registry.js';
import type { FlyCaveat } from './caveats/types.js';
import { FlyNotAuthorizedError } from './errors.js';
import type { FlyMacaroon } from './macaroon.js';
import { looksLikeFly } from './text.js';
import { type FlyStage, type FlyTrustedThirdParties, verifyFly } from './verify.js';

/** Read access to request headers (a Web `Headers` fits). */
export interface FlyHeaderLookup {
  get(name: string): string | null | undefined;
}

/** What a FlyGateway answers. */
export type FlyDecision =
  | { readonly status: 200; readonly token: FlyMacaroon; readonly caveats: FlyCaveat[] }
  | { readonly status: 400; readonly code: string }
  | { readonly status: 401; readonly reason: string; readonly stage?: FlyStage | undefined }
  | { readonly status: 503; readonly code: string };

export interface FlyGatewayOptions {
  /** Root key by key id; may be async (a database, a KMS). Undefined: unknown key (401). */
  readonly keys: Uint8Array | ((kid: Uint8Array) => Uint8Array | undefined | Promise<Uint8Array | undefined>);
  readonly trusted3Ps?: FlyTrustedThirdParties | undefined;
  /** The permission token's location (default `https://api.fly.io/v1`). */
  readonly location?: string | undefined;
  readonly registry?: FlyCaveatRegistry | undefined;
  readonly limits?: Partial<Limits> | undefined;
}

const MISSING: FlyDecision = Object.freeze({ status: 401, reason: 'missing-token' });

/**
 * Verifies the FlyV1 header of each request.
 *
 * @example
 * ```ts
 * import { FlyGateway, withFlyAuth } from 'macaroon-engine/fly';
 * const gateway = new FlyGateway({ keys: async (kid) => db.rootKey(kid) });
 * export default { fetch: withFlyAuth(() => new Response('ok'), {
 *   gateway, access: (req) => ({ action: req.method === 'GET' ? 'r' : 'w', orgid: 7 }) }) };
 * ```
 */
export class FlyGateway {
  readonly #options: FlyGatewayOptions;

  constructor(options: FlyGatewayOptions) {
    if (typeof options !== 'object' || options === null)
      throw new InvalidArgumentError('options must be an object');
    if (!(options.keys instanceof Uint8Array) && typeof options.keys !== 'function') {
      throw new InvalidArgumentError('keys must be a key or a function of the key id');
    }
    this.#options = options;
  }

  /** The decision for a request's headers and the access it asks for. */
  async authorize(
    headers: FlyHeaderLookup,
    access: FlyAccess | readonly FlyAccess[],
    now?: Date | number,
  ): Promise<FlyDecision> {
    const header = headers.get('authorization')?.trim();
    if (!header || !looksLikeFly(header)) return MISSING;
    const o = this.#options;
    const base = {
      access,
      ...(now === undefined ? {} : { now }),
      ...(o.trusted3Ps === undefined ? {} : { trusted3Ps: o.trusted3Ps }),
      ...(o.location === undefined ? {} : { location: o.location }),
      ...(o.registry === undefined ? {} : { registry: o.registry }),
      ...(o.limits === undefined ? {} : { limits: o.limits }),
    };
    let key: Uint8Array | undefined;
    if (o.keys instanceof Uint8Array) key = o.keys;
    else {
      // Look the key up first (it may be async), then verify synchronously with that one key.
      let kid: Uint8Array | undefined;
      const probe = verifyFly(header, {
        ...base,
        keys: (k) => {
          kid = k;
          return undefined;
        },
      });
      if (kid === undefined) return decide(probe);
      try {
        key = await o.keys(kid);
      } catch (e) {
        return { status: 503, code: e instanceof MacaroonError ? e.code : 'ERR_KEY_LOOKUP' };
      }
      if (!(key instanceof Uint8Array)) return { status: 401, reason: 'unknown-key', stage: 'select' };
    }
    const fixed = key;
    return decide(verifyFly(header, { ...base, keys: () => fixed }));
  }
}

function decide(r: ReturnType<typeof verifyFly>): FlyDecision {
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
 * const d = await gateway.authorize(request.headers, access);
 * if (d.status !== 200) return flyDenial(d);
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
