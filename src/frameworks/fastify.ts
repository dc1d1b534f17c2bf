/**
 * macaroon-engine/fastify: a Fastify plugin. Registering it decorates the instance with `macaroonAuth`,
 * an `onRequest` hook to put on routes (or on every route with `addHook`), and requests with
 * `request.macaroon` (null until the hook authorizes the request). Route params are parsed before
 * `onRequest`, so facts may use them. The plugin is not encapsulated (as `fastify-plugin` would mark it,
 * without depending on it), so the decorators are visible where it was registered. `fastify` is an
 * optional peer: only types are imported here.
 */
import type {
  FastifyInstance,
  FastifyPluginCallback,
  FastifyRequest,
  onRequestAsyncHookHandler,
} from 'fastify';
import type { DenialHook } from '../gateway/deny.js';
import { answerDenial } from '../gateway/deny.js';
import type { Authorized, Gateway } from '../gateway/gateway.js';
import type { RequestFacts } from '../gateway/web.js';
import { nodeHeaders } from '../node/http.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authorizing macaroons, set by the `macaroonAuth` hook; null before it ran or when absent. */
    macaroon: Authorized | null;
  }
  interface FastifyInstance {
    /** The `onRequest` hook that verifies the request's macaroons (registered by macaroon-engine). */
    macaroonAuth: onRequestAsyncHookHandler;
  }
}

/**
 * Options of the {@link macaroonPlugin}.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { type FastifyMacaroonOptions, macaroonPlugin } from 'macaroon-engine/fastify';
 *
 * const options: FastifyMacaroonOptions = { gateway, onDenied: (d) => d.problem };
 * await Fastify().register(macaroonPlugin, options);
 * ```
 */
export interface FastifyMacaroonOptions {
  /** The gateway that verifies each request's macaroons. */
  readonly gateway: Gateway;
  /** The request's own facts (e.g. `account = ${request.params.id}`). */
  readonly facts?: RequestFacts<FastifyRequest> | undefined;
  /** Shapes or observes a refusal; see `Denial`. */
  readonly onDenied?: DenialHook<FastifyRequest> | undefined;
}

function plugin(
  fastify: FastifyInstance,
  options: FastifyMacaroonOptions,
  done: (err?: Error) => void,
): void {
  const { gateway, facts, onDenied } = options;
  fastify.decorateRequest('macaroon', null);
  const hook: onRequestAsyncHookHandler = async (request, reply) => {
    const decision = await gateway.authorize(nodeHeaders(request.raw), facts ? await facts(request) : {});
    if (decision.status === 200) {
      request.macaroon = {
        macaroon: decision.macaroon,
        discharges: decision.discharges,
        verified: decision.verified,
      };
      return;
    }
    const d = await answerDenial(decision, gateway.scheme, request, onDenied);
    await reply.code(d.status).headers(d.headers).send(d.body);
  };
  fastify.decorate('macaroonAuth', hook);
  done();
}

/**
 * The Fastify plugin: `app.register(macaroonPlugin, { gateway, facts })`, then
 * `{ onRequest: app.macaroonAuth }` on the routes to protect.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { macaroonPlugin } from 'macaroon-engine/fastify';
 *
 * const app = Fastify();
 * await app.register(macaroonPlugin, { gateway, facts: (req) => ({ exact: [`account = ${(req.params as { id: string }).id}`] }) });
 * app.get('/accounts/:id', { onRequest: app.macaroonAuth }, async (req) => ({ caveats: req.macaroon?.macaroon.caveats.length }));
 * ```
 */
export const macaroonPlugin: FastifyPluginCallback<FastifyMacaroonOptions> = Object.assign(plugin, {
  // What fastify-plugin sets: the decorators belong to the instance that registered the plugin.
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'macaroon-engine',
});

export default macaroonPlugin;
