/**
 * Hono middleware. Hono runs on Web-standard requests everywhere (workerd, Deno, Bun, and Node through
 * @hono/node-server), so this adapter stays in the runtime-neutral gateway. `hono` is an optional peer:
 * only its types are imported here.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Authorized, Gateway } from './gateway.js';
import { denial } from './response.js';
import type { RequestFacts } from './web.js';

export interface HonoAuthOptions {
  readonly gateway: Gateway;
  readonly facts?: RequestFacts<Context> | undefined;
}

/** Sets `c.get('macaroon')` for authorized requests; answers 400/401/5xx for the others. */
export function honoMacaroonAuth(
  options: HonoAuthOptions,
): MiddlewareHandler<{ Variables: { macaroon: Authorized } }> {
  const { gateway, facts } = options;
  return async (c, next) => {
    const decision = await gateway.authorize(c.req.raw.headers, facts ? facts(c) : {});
    if (decision.status === 200) {
      // The decision itself: its macaroons are decoded only if the application reads them.
      c.set('macaroon', decision);
      await next();
      return;
    }
    const d = denial(decision);
    return new Response(d.body, { status: d.status, headers: d.headers });
  };
}
