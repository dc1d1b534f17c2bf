/**
 * The service's side of httpbakery: answering a request that has no valid macaroon with the
 * discharge-required error (401 + `WWW-Authenticate: Macaroon`, or 407 for a version-0 client) carrying
 * a fresh macaroon whose third-party caveats the client discharges before retrying.
 */

import type { BakeryMacaroon } from '../bakery/macaroon.js';
import type { BakeryVersion } from '../bakery/versions.js';
import { InvalidArgumentError } from '../errors.js';
import type { Authorized, Gateway } from '../gateway/gateway.js';
import { denial } from '../gateway/response.js';
import type { RequestFacts } from '../gateway/web.js';
import { type CorsOptions, withCors } from '../httpbakery/cors.js';
import { ERR_DISCHARGE_REQUIRED, errorResponse, requestVersion } from '../httpbakery/protocol.js';

/**
 * The cookie and message of a discharge-required response.
 *
 * @example
 * ```ts
 * import { BakeryMacaroon } from 'macaroon-engine/bakery';
 * import { type DischargeRequiredParams, dischargeRequiredResponse } from 'macaroon-engine/discharger';
 *
 * const params: DischargeRequiredParams = { cookieNameSuffix: 'api', macaroonPath: '/api', message: 'log in' };
 * dischargeRequiredResponse(BakeryMacaroon.create({ rootKey, id: crypto.randomUUID() }), params);
 * ```
 */
export interface DischargeRequiredParams {
  /** The cookie the client stores the discharged macaroons in: `macaroon-<suffix>` (default 'auth'). */
  readonly cookieNameSuffix?: string | undefined;
  /** The cookie's path, resolved by the client against the request URL (default '/'). */
  readonly macaroonPath?: string | undefined;
  /** The error message (default 'macaroon discharge required'). */
  readonly message?: string | undefined;
}

/**
 * The discharge-required response for `macaroon`; its status follows the macaroon's bakery version, as
 * in httpbakery, so mint it at the client's `Bakery-Protocol-Version` (see `requestVersion`).
 *
 * @example
 * ```ts
 * import { BakeryMacaroon } from 'macaroon-engine/bakery';
 * import { dischargeRequiredResponse } from 'macaroon-engine/discharger';
 *
 * const m = BakeryMacaroon.create({ rootKey, id: crypto.randomUUID() }); // with the caveats the client must discharge
 * const response = dischargeRequiredResponse(m, { cookieNameSuffix: 'api' }); // 401, httpbakery's body
 * ```
 */
export function dischargeRequiredResponse(
  macaroon: BakeryMacaroon,
  params: DischargeRequiredParams = {},
): Response {
  return errorResponse(
    {
      Code: ERR_DISCHARGE_REQUIRED,
      Message: params.message ?? ERR_DISCHARGE_REQUIRED,
      Info: {
        Macaroon: macaroon.toJSON(),
        MacaroonPath: params.macaroonPath ?? '/',
        CookieNameSuffix: params.cookieNameSuffix ?? 'auth',
      },
    },
    macaroon.version,
  );
}

/**
 * What `withDischargeRequired` takes: the gateway that verifies, and `mint` for the macaroon to discharge.
 *
 * @example
 * ```ts
 * import { BakeryMacaroon } from 'macaroon-engine/bakery';
 * import { type DischargeRequiredOptions, withDischargeRequired } from 'macaroon-engine/discharger';
 *
 * const options: DischargeRequiredOptions = { gateway, mint: (request, version) => BakeryMacaroon.create({ rootKey, id: crypto.randomUUID(), version }) };
 * withDischargeRequired(() => new Response('ok'), options);
 * ```
 */
export interface DischargeRequiredOptions extends DischargeRequiredParams {
  /** The gateway that verifies the request's macaroons. */
  readonly gateway: Gateway;
  /** What the request asserts (exact predicates, context), checked against the caveats. */
  readonly facts?: RequestFacts<Request> | undefined;
  /**
   * Mints the macaroon a client must discharge: a root key from your key store, its caveats (public-key
   * third-party caveats included), at `version` (the client's, at most 3).
   */
  readonly mint: (request: Request, version: BakeryVersion) => BakeryMacaroon | Promise<BakeryMacaroon>;
  /**
   * Lets web pages on these origins call the service from a browser: preflights are answered before
   * authorization (they carry no macaroons), and `WWW-Authenticate` is exposed so that the page's client
   * recognises the discharge-required error. Set `credentials: true` for clients that keep their
   * macaroons as cookies (`BrowserCookieStore`).
   */
  readonly cors?: CorsOptions | undefined;
}

/**
 * Wraps a Web handler: it runs for requests whose macaroons authorize them; a request with none (or
 * none that authorizes) gets the discharge-required error with a macaroon from `mint`. Macaroons are
 * read as httpbakery clients send them: the `Macaroons` header and `macaroon-*` cookies (and
 * `Authorization: Macaroon`).
 *
 * @example
 * ```ts
 * import { BakeryMacaroon, KeyPair, ThirdPartyStore } from 'macaroon-engine/bakery';
 * import { withDischargeRequired } from 'macaroon-engine/discharger';
 *
 * const svc = KeyPair.generate();
 * const locator = new ThirdPartyStore().add('https://auth.example', { publicKey: KeyPair.generate().public, version: 3 });
 * const api = withDischargeRequired((request, auth) => Response.json({ ok: true }), {
 *   gateway,
 *   mint: (request, version) => BakeryMacaroon.create({ rootKey, id: crypto.randomUUID(), version })
 *     .addCaveat({ location: 'https://auth.example', condition: 'is-user alice' }, { key: svc, locator }),
 * });
 * ```
 */
export function withDischargeRequired(
  handler: (request: Request, auth: Authorized) => Response | Promise<Response>,
  options: DischargeRequiredOptions,
): (request: Request) => Promise<Response> {
  if (typeof options?.mint !== 'function') throw new InvalidArgumentError('mint must be a function');
  const { gateway, facts, mint } = options;
  const service = async (request: Request): Promise<Response> => {
    const decision = await gateway.authorize(request.headers, facts ? await facts(request) : {});
    if (decision.status === 200) return handler(request, decision);
    if (decision.status === 401) {
      const m = await mint(request, requestVersion(request.headers));
      return dischargeRequiredResponse(m, options);
    }
    const d = denial(decision);
    return new Response(d.body, { status: d.status, headers: d.headers });
  };
  return options.cors ? withCors(service, options.cors) : service;
}
