/**
 * Middleware for Web-standard handlers, `(request: Request) => Response`, as workerd, Deno and Bun
 * serve them.
 */
import type { VerifyOptions } from '../verifier.js';
import { answerDenial, type DenialHook } from './deny.js';
import type { Authorized, Gateway } from './gateway.js';

/**
 * The request's own facts: exact predicates it satisfies (from the URL, say) and a check context.
 *
 * @example
 * ```ts
 * const facts: RequestFacts<Request> = (req) => ({ exact: [`account = ${new URL(req.url).searchParams.get('account')}`] });
 * withMacaroonAuth(() => new Response('ok'), { gateway, facts });
 * ```
 */
export type RequestFacts<Req> = (request: Req) => VerifyOptions | Promise<VerifyOptions>;

/**
 * Options of `withMacaroonAuth`: the gateway, the request's facts and the denial hook.
 *
 * @example
 * ```ts
 * const options: WebAuthOptions = { gateway, facts: () => ({ exact: ['account = 42'] }), onDenied: (d) => d.problem };
 * withMacaroonAuth(() => new Response('ok'), options);
 * ```
 */
export interface WebAuthOptions {
  /** The gateway that verifies each request's macaroons. */
  readonly gateway: Gateway;
  /** The request's own facts (e.g. `account = …` from the URL), checked against the caveats. */
  readonly facts?: RequestFacts<Request> | undefined;
  /** Shapes or observes a refusal: return a response (e.g. `denial.problem`) to send it instead. */
  readonly onDenied?: DenialHook<Request> | undefined;
}

/**
 * A Web handler that runs only for authorized requests, with what the gateway verified.
 *
 * @example
 * ```ts
 * const handler: AuthorizedHandler = (req, auth) => Response.json({ caveats: auth.macaroon.caveats.length });
 * withMacaroonAuth(handler, { gateway });
 * ```
 */
export type AuthorizedHandler = (request: Request, auth: Authorized) => Response | Promise<Response>;

/**
 * Wraps `handler`: it runs only for requests whose macaroons authorize them.
 *
 * @example
 * ```ts
 * const gateway = new Gateway({ rootKey, verifier: new BatchVerifier(new Verifier()) });
 * export default {
 *   fetch: withMacaroonAuth((req, auth) => new Response(`hello ${auth.verified.identifierText}`), { gateway }),
 * };
 * ```
 */
export function withMacaroonAuth(
  handler: AuthorizedHandler,
  options: WebAuthOptions,
): (request: Request) => Promise<Response> {
  const { gateway, facts, onDenied } = options;
  return async (request) => {
    const decision = await gateway.authorize(request.headers, facts ? facts(request) : {});
    if (decision.status === 200) return handler(request, decision);
    const d = await answerDenial(decision, gateway.scheme, request, onDenied);
    return new Response(d.body, { status: d.status, headers: d.headers });
  };
}
