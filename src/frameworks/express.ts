/**
 * macaroon-engine/express: route-level middleware for Express 4 and 5. Used on a route
 * (`app.get('/accounts/:id', macaroonAuth(…), handler)`), it sees the route's `req.params`, so the
 * request's facts can name the account in the URL. Authorized requests get `req.macaroon`, typed by the
 * declaration merging below; refused ones are answered (400, 401, 5xx) unless `onDenied` says otherwise.
 * `express` and `@types/express` are optional peers: only types are imported here.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { DenialHook } from '../gateway/deny.js';
import { answerDenial } from '../gateway/deny.js';
import type { Authorized, Gateway } from '../gateway/gateway.js';
import type { RequestFacts } from '../gateway/web.js';

declare global {
  namespace Express {
    interface Request {
      /** Set by macaroon-engine's middleware on requests it authorized. */
      macaroon?: Authorized | undefined;
    }
  }
}

/**
 * Options of {@link macaroonAuth}.
 *
 * @example
 * ```ts
 * import { type ExpressAuthOptions, macaroonAuth } from 'macaroon-engine/express';
 *
 * const options: ExpressAuthOptions = { gateway, facts: (req) => ({ exact: [`account = ${req.params.id}`] }) };
 * const auth = macaroonAuth(options);
 * ```
 */
export interface ExpressAuthOptions {
  /** The gateway that verifies each request's macaroons. */
  readonly gateway: Gateway;
  /** The request's own facts (e.g. `account = ${req.params.id}`); `req.params` is the route's. */
  readonly facts?: RequestFacts<Request> | undefined;
  /** Shapes or observes a refusal; see `Denial`. */
  readonly onDenied?: DenialHook<Request> | undefined;
}

/**
 * Express middleware: calls `next()` with `req.macaroon` set when the request's macaroons authorize it;
 * answers the refusal otherwise. A failure in `facts` or `onDenied` goes to `next(error)`.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { macaroonAuth } from 'macaroon-engine/express';
 *
 * const app = express();
 * app.get('/accounts/:id', macaroonAuth({ gateway, facts: (req) => ({ exact: [`account = ${req.params.id}`] }) }),
 *   (req, res) => { res.json({ caveats: req.macaroon?.macaroon.caveats.length }) });
 * ```
 */
export function macaroonAuth(options: ExpressAuthOptions): RequestHandler {
  const { gateway, facts, onDenied } = options;
  return (req: Request, res: Response, next: NextFunction): void => {
    (async () => {
      const decision = await gateway.authorize(nodeHeaderLookup(req), facts ? await facts(req) : {});
      if (decision.status === 200) {
        req.macaroon = {
          macaroon: decision.macaroon,
          discharges: decision.discharges,
          verified: decision.verified,
        };
        next();
        return;
      }
      const d = await answerDenial(decision, gateway.scheme, req, onDenied);
      res.status(d.status).set(d.headers).send(d.body);
    })().catch(next);
  };
}

function nodeHeaderLookup(req: Request): { get(name: string): string | undefined } {
  return {
    get(name) {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}
