/**
 * node:http adapters: a wrapper for `(req, res)` handlers and a connect/Express-style middleware.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerDenial, type DenialHook } from '../gateway/deny.js';
import type { Authorized, Decision, Gateway } from '../gateway/gateway.js';
import { type DenialResponse, denial } from '../gateway/response.js';
import type { HeaderLookup } from '../gateway/transport.js';
import type { RequestFacts } from '../gateway/web.js';

/**
 * Options of the node:http adapters: the gateway, the request's facts, and the error and denial hooks.
 *
 * @example
 * ```ts
 * import { type NodeAuthOptions, withMacaroonAuthNode } from 'macaroon-engine/node';
 *
 * const options: NodeAuthOptions = {
 *   gateway,
 *   facts: (req) => ({ exact: [`account = ${new URL(req.url ?? '/', 'http://x').searchParams.get('account')}`] }),
 *   onError: (e) => console.error('handler failed', e),
 * };
 * withMacaroonAuthNode((req, res) => void res.end('ok'), options);
 * ```
 */
export interface NodeAuthOptions {
  /** The gateway that verifies each request's macaroons. */
  readonly gateway: Gateway;
  /** The request's own facts (e.g. `account = …` from the URL), checked against the caveats. */
  readonly facts?: RequestFacts<IncomingMessage> | undefined;
  /** Told of a failure in `facts` or the handler (default: console.error); the client gets a bare 500. */
  readonly onError?: ((error: unknown) => void) | undefined;
  /** Shapes or observes a refusal: return a response (e.g. `denial.problem`) to send it instead. */
  readonly onDenied?: DenialHook<IncomingMessage> | undefined;
}

/**
 * A request the middleware has authorized.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { type AuthorizedRequest, macaroonMiddleware } from 'macaroon-engine/node';
 *
 * const auth = macaroonMiddleware({ gateway });
 * createServer((req, res) =>
 *   auth(req, res, () => res.end(`hello ${(req as AuthorizedRequest).macaroon?.verified.identifierText}`)),
 * );
 * ```
 */
export type AuthorizedRequest = IncomingMessage & {
  /** What the gateway established, set by the middleware on an authorized request. */
  macaroon?: Authorized | undefined;
};

/**
 * Node's parsed headers as a HeaderLookup (repeated headers are already joined by Node).
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { nodeHeaders } from 'macaroon-engine/node';
 *
 * createServer(async (req, res) => {
 *   const d = await gateway.authorize(nodeHeaders(req));
 *   res.writeHead(d.status).end();
 * });
 * ```
 */
export function nodeHeaders(req: IncomingMessage): HeaderLookup {
  return {
    get(name) {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/**
 * Writes the 400/401/5xx answer for a decision; `scheme` names the 401 challenge (default `Macaroon`).
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { nodeHeaders, sendDenial } from 'macaroon-engine/node';
 *
 * createServer(async (req, res) => {
 *   const d = await gateway.authorize(nodeHeaders(req));
 *   if (d.status !== 200) return sendDenial(res, d, gateway.scheme); // 400, 401 with WWW-Authenticate, 5xx
 *   res.end('ok');
 * });
 * ```
 */
export function sendDenial(
  res: ServerResponse,
  decision: Exclude<Decision, { status: 200 }>,
  scheme = 'Macaroon',
): void {
  writeDenial(res, denial(decision, scheme));
}

function writeDenial(res: ServerResponse, d: DenialResponse): void {
  // With its length given, Node sends the body as is instead of chunked: a refusal costs no more to
  // answer than a success.
  res.writeHead(d.status, { ...d.headers, 'content-length': Buffer.byteLength(d.body) });
  res.end(d.body);
}

async function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  decision: Exclude<Decision, { status: 200 }>,
  options: NodeAuthOptions,
): Promise<void> {
  writeDenial(res, await answerDenial(decision, options.gateway.scheme, req, options.onDenied));
}

/**
 * Runs `answer` on the request's decision: at once when the gateway knows it at once (a cache hit),
 * else when it settles. Whatever `decide` or `answer` throws or rejects with goes to `fail`.
 */
function withDecision(
  req: IncomingMessage,
  options: NodeAuthOptions,
  answer: (decision: Decision) => unknown,
  fail: (e: unknown) => void,
): void {
  try {
    // The facts go to the gateway unawaited: it awaits them within its deadline.
    const decision = options.gateway.decide(nodeHeaders(req), options.facts ? options.facts(req) : {});
    if (decision instanceof Promise) {
      decision.then(answer).catch(fail);
      return;
    }
    const out = answer(decision);
    if (out instanceof Promise) out.catch(fail);
  } catch (e) {
    fail(e);
  }
}

/**
 * Wraps `handler`: it runs only for requests whose macaroons authorize them.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { withMacaroonAuthNode } from 'macaroon-engine/node';
 *
 * createServer(withMacaroonAuthNode((req, res, auth) => void res.end(`hello ${auth.verified.identifierText}`), { gateway }));
 * ```
 */
export function withMacaroonAuthNode(
  handler: (req: IncomingMessage, res: ServerResponse, auth: Authorized) => void | Promise<void>,
  options: NodeAuthOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    withDecision(
      req,
      options,
      (decision) => {
        if (decision.status === 200) return handler(req, res, decision);
        return refuse(req, res, decision, options);
      },
      (e: unknown) => {
        (options.onError ?? console.error)(e);
        failInternally(res);
      },
    );
  };
}

/**
 * Connect/Express-style middleware: sets `req.macaroon` and calls `next()` when authorized.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { macaroonMiddleware } from 'macaroon-engine/node';
 *
 * express().use(macaroonMiddleware({ gateway })); // a connect-style middleware; see also macaroon-engine/express
 * ```
 */
export function macaroonMiddleware(
  options: NodeAuthOptions,
): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void {
  return (req, res, next) => {
    withDecision(
      req,
      options,
      (decision) => {
        if (decision.status !== 200) return refuse(req, res, decision, options);
        // The decision itself: its macaroons are decoded only if the application reads them.
        (req as AuthorizedRequest).macaroon = decision;
        next();
      },
      (e: unknown) => next(e),
    );
  };
}

function failInternally(res: ServerResponse): void {
  // A throwing facts function or handler is the application's bug; its message stays on the server.
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendDenial(res, { status: 500, code: 'ERR_INTERNAL' });
}
