/**
 * Middleware for Web-standard handlers, `(request: Request) => Response`, as workerd, Deno and Bun
 * serve them.
 */
import type { VerifyOptions } from '../verifier.js';
import { answerDenial, type DenialHook } from './deny.js';
import type { Authorized, Gateway } from './gateway.js';

/** The request's own facts: exact predicates it satisfies (from the URL, say) and a check context. */
export type RequestFacts<Req> = (request: Req) => VerifyOptions | Promise<VerifyOptions>;

export interface WebAuthOptions {
  readonly gateway: Gateway;
  readonly facts?: RequestFacts<Request> | undefined;
  /** Shapes or observes a refusal: return a response (e.g. `denial.problem`) to send it instead. */
  readonly onDenied?: DenialHook<Request> | undefined;
}

export type AuthorizedHandler = (request: Request, auth: Authorized) => Response | Promise<Response>;

/** Wraps `handler`: it runs only for requests whose macaroons authorize them. */
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
