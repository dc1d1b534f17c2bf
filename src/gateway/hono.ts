/**
 * Hono middleware. Hono runs on Web-standard requests everywhere (workerd, Deno, Bun, and Node through
 * @hono/node-server), so this adapter stays in the runtime-neutral gateway. `hono` is an optional peer:
 * only its types are imported here.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { answerDenial, type DenialHook } from './deny.js';
import type { Authorized, Gateway } from './gateway.js';
import type { RequestFacts } from './web.js';

/**
 * The variables the middleware sets: `new Hono<{ Variables: MacaroonVariables }>()` types
 * `c.get('macaroon')` (as hono/jwt's `JwtVariables` does for `jwtPayload`).
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { honoMacaroonAuth, type MacaroonVariables } from 'macaroon-engine/hono';
 *
 * const app = new Hono<{ Variables: MacaroonVariables }>();
 * app.get('/me', honoMacaroonAuth({ gateway }), (c) => c.json({ caveats: c.get('macaroon').macaroon.caveats.length }));
 * ```
 */
export type MacaroonVariables = {
  /** What the gateway established for the request (`c.get('macaroon')`). */
  macaroon: Authorized;
};

/**
 * Options of `honoMacaroonAuth`: the gateway, the request's facts from the Hono context, the denial hook.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { type HonoAuthOptions, honoMacaroonAuth, type MacaroonVariables } from 'macaroon-engine/hono';
 *
 * const options: HonoAuthOptions = { gateway, facts: (c) => ({ exact: [`account = ${c.req.param('id')}`] }) };
 * new Hono<{ Variables: MacaroonVariables }>().get('/accounts/:id', honoMacaroonAuth(options), (c) => c.text('ok'));
 * ```
 */
export interface HonoAuthOptions {
  /** The gateway that verifies each request's macaroons. */
  readonly gateway: Gateway;
  /** The request's own facts (e.g. `account = ${c.req.param('id')}`), checked against the caveats. */
  readonly facts?: RequestFacts<Context> | undefined;
  /** Shapes or observes a refusal: return a response (e.g. `denial.problem`) to send it instead. */
  readonly onDenied?: DenialHook<Context> | undefined;
}

/**
 * Sets `c.get('macaroon')` for authorized requests; answers 400/401/5xx for the others.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { honoMacaroonAuth, type MacaroonVariables } from 'macaroon-engine/hono';
 *
 * const app = new Hono<{ Variables: MacaroonVariables }>();
 * app.use('/api/*', honoMacaroonAuth({ gateway }));
 * app.get('/api/me', (c) => c.json({ id: c.get('macaroon').verified.identifierText }));
 * ```
 */
export function honoMacaroonAuth(options: HonoAuthOptions): MiddlewareHandler<{
  /** The variables the middleware sets. */
  Variables: MacaroonVariables;
}> {
  const { gateway, facts, onDenied } = options;
  return async (c, next) => {
    const decision = await gateway.authorize(c.req.raw.headers, facts ? facts(c) : {});
    if (decision.status === 200) {
      // The decision itself: its macaroons are decoded only if the application reads them.
      c.set('macaroon', decision);
      await next();
      return;
    }
    const d = await answerDenial(decision, gateway.scheme, c, onDenied);
    return new Response(d.body, { status: d.status, headers: d.headers });
  };
}
