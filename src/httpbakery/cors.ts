/**
 * Cross-origin resource sharing for httpbakery endpoints (the Fetch standard's CORS protocol), so that a
 * client running in a web page on another origin can walk the flow: the page's `fetch` sends
 * `Bakery-Protocol-Version` (and `Macaroons`), which are not CORS-safelisted, so every call is preflighted;
 * the client must read `WWW-Authenticate` on a 401 to recognise httpbakery's discharge-required error, so
 * that header is exposed. Origins are listed explicitly (or decided by a function): no wildcard, and the
 * allowed origin is echoed with `Vary: Origin`, as credentialed requests require.
 */

import { InvalidArgumentError } from '../errors.js';
import type { PlainAnswer } from './plain.js';
import { BAKERY_PROTOCOL_HEADER } from './protocol.js';

/**
 * Which web origins may call an endpoint from a browser, and how.
 *
 * @example
 * ```ts
 * import { KeyPair } from 'macaroon-engine/bakery';
 * import { type CorsOptions, createDischarger } from 'macaroon-engine/discharger';
 *
 * const cors: CorsOptions = { origins: ['https://app.example'], credentials: true };
 * createDischarger({ key: KeyPair.generate(), check: () => [], cors });
 * ```
 */
export interface CorsOptions {
  /**
   * The origins allowed (`'https://app.example'`, scheme, host and port exactly as a browser sends them in
   * `Origin`), or a function that decides for each. `'*'` is refused: list the origins you trust.
   */
  readonly origins: readonly string[] | ((origin: string) => boolean);
  /**
   * Allow credentialed requests (`Access-Control-Allow-Credentials: true`): cookies go with the page's
   * `fetch(…, { credentials: 'include' })`, e.g. a service's `macaroon-*` cookies or a discharger's login
   * session. Default false.
   */
  readonly credentials?: boolean | undefined;
  /** How long a browser may cache a preflight answer, in seconds (default 600). */
  readonly maxAge?: number | undefined;
  /**
   * The methods a preflight allows (default: the endpoint's: GET, HEAD and POST for a discharger; GET, HEAD,
   * POST, PUT, PATCH and DELETE for a service).
   */
  readonly methods?: readonly string[] | undefined;
  /**
   * Request headers allowed besides the protocol's (`Bakery-Protocol-Version`, `Macaroons`,
   * `Content-Type`), e.g. `['Authorization']`.
   */
  readonly allowHeaders?: readonly string[] | undefined;
  /** Response headers exposed to the page besides `WWW-Authenticate`. */
  readonly exposeHeaders?: readonly string[] | undefined;
}

const PROTOCOL_REQUEST_HEADERS = [BAKERY_PROTOCOL_HEADER, 'Macaroons', 'Content-Type'];
const PROTOCOL_EXPOSED_HEADERS = ['WWW-Authenticate'];
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function tokens(list: readonly string[] | undefined, what: string): string[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new InvalidArgumentError(`cors.${what} must be an array of names`);
  for (const name of list) {
    if (typeof name !== 'string' || !TOKEN.test(name) || name === '*') {
      throw new InvalidArgumentError(`cors.${what}: ${JSON.stringify(name)} is not a header or method name`);
    }
  }
  return [...list];
}

function originPredicate(origins: CorsOptions['origins']): (origin: string) => boolean {
  if (typeof origins === 'function') return origins;
  if (!Array.isArray(origins) || origins.length === 0) {
    throw new InvalidArgumentError('cors.origins must be a non-empty array of origins or a function');
  }
  const allowed = new Set<string>();
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = typeof origin === 'string' && origin !== '*' ? new URL(origin) : undefined;
    } catch {
      parsed = undefined;
    }
    // An origin is scheme://host[:port] and nothing else; URL.origin serializes it as browsers send it.
    if (!parsed || parsed.origin === 'null' || parsed.origin !== origin) {
      throw new InvalidArgumentError(
        `cors.origins: ${JSON.stringify(origin)} is not an origin such as 'https://app.example' (no wildcard, path or trailing slash)`,
      );
    }
    allowed.add(origin);
  }
  return (origin) => allowed.has(origin);
}

/**
 * A Web handler, as the discharger and services are.
 *
 * @example
 * ```ts
 * import { type WebHandler, withCors } from 'macaroon-engine/discharger';
 *
 * const handler: WebHandler = () => new Response('ok');
 * export default { fetch: withCors(handler, { origins: ['https://app.example'] }) };
 * ```
 */
export type WebHandler = (request: Request) => Response | Promise<Response>;

/** CORS decisions on plain data, shared by `withCors` and the discharger's plain (node:http) path. */
export interface CorsPolicy {
  /** The answer to a preflight, or undefined when the request is not one. */
  preflight(method: string, headers: { get(name: string): string | null }): PlainAnswer | undefined;
  /**
   * The headers to set on the answer to a request (`vary` is the answer's own Vary, if any); undefined
   * when the request has no Origin (nothing to add).
   */
  answerHeaders(
    headers: { get(name: string): string | null },
    vary: string | null,
  ): Record<string, string> | undefined;
}

export function corsPolicy(
  options: CorsOptions,
  defaultMethods: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
): CorsPolicy {
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError('cors must be an object');
  const allowed = originPredicate(options.origins);
  const credentials = options.credentials === true;
  const maxAge = options.maxAge ?? 600;
  if (!Number.isSafeInteger(maxAge) || maxAge < 0)
    throw new InvalidArgumentError('cors.maxAge must be a whole number of seconds');
  const methods = (
    options.methods === undefined ? [...defaultMethods] : tokens(options.methods, 'methods')
  ).join(', ');
  const allowHeaders = [...PROTOCOL_REQUEST_HEADERS, ...tokens(options.allowHeaders, 'allowHeaders')].join(
    ', ',
  );
  const expose = [...PROTOCOL_EXPOSED_HEADERS, ...tokens(options.exposeHeaders, 'exposeHeaders')].join(', ');
  const credentialHeader: Record<string, string> = credentials
    ? { 'access-control-allow-credentials': 'true' }
    : {};

  return {
    preflight(method, headers) {
      if (method !== 'OPTIONS' || headers.get('access-control-request-method') === null) return undefined;
      const origin = headers.get('origin');
      if (origin === null) return undefined;
      if (!allowed(origin)) return { status: 403, headers: { vary: 'Origin' }, body: '' };
      return {
        status: 204,
        headers: {
          'access-control-allow-origin': origin,
          ...credentialHeader,
          'access-control-allow-methods': methods,
          'access-control-allow-headers': allowHeaders,
          'access-control-max-age': String(maxAge),
          vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
        },
        body: '',
      };
    },
    answerHeaders(headers, vary) {
      const origin = headers.get('origin');
      if (origin === null) return undefined;
      const out: Record<string, string> = {};
      if (vary === null || vary === '') out.vary = 'Origin';
      else if (!/(^|,)\s*(origin|\*)\s*(,|$)/i.test(vary)) out.vary = `${vary}, Origin`;
      if (allowed(origin)) {
        out['access-control-allow-origin'] = origin;
        Object.assign(out, credentialHeader);
        out['access-control-expose-headers'] = expose;
      }
      return out;
    },
  };
}

/**
 * Wraps `handler` with CORS: a preflight (`OPTIONS` with `Access-Control-Request-Method`) from an allowed
 * origin gets 204 with the allowed methods and headers, from any other origin 403 without CORS headers
 * (the browser then refuses the call); the handler's answers to an allowed origin carry
 * `Access-Control-Allow-Origin` and the exposed headers. Requests without `Origin` are not touched.
 *
 * @example
 * ```ts
 * import { BakeryMacaroon } from 'macaroon-engine/bakery';
 * import { withCors, withDischargeRequired } from 'macaroon-engine/discharger';
 *
 * const mint = () => BakeryMacaroon.create({ rootKey, id: crypto.randomUUID() });
 * const api = withCors(withDischargeRequired(() => new Response('ok'), { gateway, mint }), { origins: ['https://app.example'], credentials: true });
 * ```
 */
export function withCors(
  handler: WebHandler,
  options: CorsOptions,
  defaultMethods?: readonly string[],
): (request: Request) => Promise<Response> {
  const policy = corsPolicy(options, defaultMethods);
  return async (request) => {
    const preflight = policy.preflight(request.method, request.headers);
    if (preflight) return new Response(null, { status: preflight.status, headers: preflight.headers });
    const response = await handler(request);
    const extra = policy.answerHeaders(request.headers, response.headers.get('vary'));
    if (!extra) return response;
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(extra)) headers.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}
