/**
 * A discharger: the third party's side of httpbakery as a Web `fetch` handler, answering what httpbakery
 * clients (Go, Python, this library's) parse: `GET /discharge/info`, `GET /publickey`, `POST /discharge`
 * (form fields `id`/`id64`, `caveat64`, `token`/`token64` + `token-kind`). Bad requests get httpbakery's
 * error JSON with a 4xx, never a stack trace.
 */

import type { Caveat } from '../bakery/checkers/caveat.js';
import type { ThirdPartyCaveatInfo } from '../bakery/codec.js';
import { discharge } from '../bakery/discharge.js';
import { CaveatDecodeError } from '../bakery/errors.js';
import { KeyPair } from '../bakery/keys.js';
import type { ThirdPartyLocator } from '../bakery/third-party.js';
import { LATEST_VERSION } from '../bakery/versions.js';
import { utf8Encode } from '../bytes.js';
import { base64Decode } from '../codec/base64.js';
import { InvalidArgumentError, MacaroonError } from '../errors.js';
import { type CorsOptions, corsPolicy } from '../httpbakery/cors.js';
import {
  PLAIN_HANDLER,
  type PlainAnswer,
  type PlainRequest,
  plainRequest,
  toResponse,
} from '../httpbakery/plain.js';
import {
  ERR_BAD_REQUEST,
  ERR_INTERACTION_REQUIRED,
  ERR_PERMISSION_DENIED,
  errorAnswer,
  requestVersion,
} from '../httpbakery/protocol.js';
import { DischargeRefusedError, InteractionRequiredError } from './errors.js';

/**
 * A discharge token obtained by interaction (httpbakery's DischargeToken).
 *
 * @example
 * ```ts
 * import { KeyPair } from 'macaroon-engine/bakery';
 * import { createDischarger, DischargeRefusedError, type DischargeToken } from 'macaroon-engine/discharger';
 *
 * const key = KeyPair.generate();
 * const loggedIn = (token: DischargeToken | undefined) => token?.kind === 'my-login';
 * createDischarger({ key, check: (condition, request, { token }) => (loggedIn(token) ? [] : Promise.reject(new DischargeRefusedError('log in first'))) });
 * ```
 */
export interface DischargeToken {
  /** The interaction method that produced the token. */
  readonly kind: string;
  /** The token's bytes. */
  readonly value: Uint8Array;
}

/**
 * What the check is told besides the condition.
 *
 * @example
 * ```ts
 * import { KeyPair } from 'macaroon-engine/bakery';
 * import { type CheckDetails, createDischarger } from 'macaroon-engine/discharger';
 *
 * const key = KeyPair.generate();
 * createDischarger({ key, check: (condition, request, details: CheckDetails) => (details.info.condition === condition ? [] : []) });
 * ```
 */
export interface CheckDetails {
  /** The caveat as decrypted: condition, caveat root key, the service's public key, version. */
  readonly info: ThirdPartyCaveatInfo;
  /** Present when the client completed an interaction and sent its token. */
  readonly token: DischargeToken | undefined;
}

/**
 * Decides a caveat's condition: returns the first-party caveats (or third-party ones) the discharge
 * carries; throws DischargeRefusedError to refuse, InteractionRequiredError to ask for the user. The
 * request's body has been read by then (served by `fetchListener` on node:http, the Request carries the
 * method, URL and headers, and no body).
 *
 * @example
 * ```ts
 * import { checkers } from 'macaroon-engine/bakery';
 * import { type DischargeCheck, DischargeRefusedError } from 'macaroon-engine/discharger';
 *
 * const check: DischargeCheck = async (condition) => {
 *   if (condition !== 'is-user alice') throw new DischargeRefusedError('no');
 *   return [checkers.declaredCaveat('user', 'alice')];
 * };
 * ```
 */
export type DischargeCheck = (
  condition: string,
  request: Request,
  details: CheckDetails,
) => readonly Caveat[] | Promise<readonly Caveat[]>;

/**
 * What `createDischarger` takes: the third party's key pair, its check, and the limits on requests.
 *
 * @example
 * ```ts
 * import { KeyPair } from 'macaroon-engine/bakery';
 * import { createDischarger, type DischargerOptions } from 'macaroon-engine/discharger';
 *
 * const options: DischargerOptions = { key: KeyPair.generate(), check: () => [], prefix: '/auth', maxBodyBytes: 8192, maxFields: 8 };
 * createDischarger(options);
 * ```
 */
export interface DischargerOptions {
  /** The third party's key pair. */
  readonly key: KeyPair;
  /** Decides each discharge: returns the caveats to add, or throws DischargeRefusedError or InteractionRequiredError. */
  readonly check: DischargeCheck;
  /** For third-party caveats that the check adds to discharges. */
  readonly locator?: ThirdPartyLocator | undefined;
  /** The path the endpoints live under, e.g. '/auth' (default ''): `<prefix>/discharge`. */
  readonly prefix?: string | undefined;
  /** Largest request body accepted (default 16 KiB): larger is a 413. */
  readonly maxBodyBytes?: number | undefined;
  /** Most form fields accepted (default 16). */
  readonly maxFields?: number | undefined;
  /** Told of an unexpected failure (a check that throws something else); default console.error. */
  readonly onError?: ((error: unknown) => void) | undefined;
  /**
   * Lets web pages on these origins call the discharger from a browser (preflights answered, answers
   * readable); without it, browsers refuse cross-origin calls. Set `credentials: true` when the check
   * relies on the discharger's own cookies (a login session).
   */
  readonly cors?: CorsOptions | undefined;
}

/**
 * A discharger as a Web handler.
 *
 * @example
 * ```ts
 * import { KeyPair } from 'macaroon-engine/bakery';
 * import { createDischarger, type Discharger } from 'macaroon-engine/discharger';
 *
 * const key = KeyPair.generate();
 * const check = () => [];
 * const d: Discharger = createDischarger({ key, check });
 * const response = await d.fetch(new Request('https://auth.example/discharge/info'));
 * ```
 */
export interface Discharger {
  /** Answers a request; anything not under the discharger's paths is a 404. */
  fetch(request: Request): Promise<Response>;
  /** The third party's public key, to give services that address caveats to it. */
  readonly publicKey: KeyPair['public'];
}

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

function json(value: unknown, status = 200): PlainAnswer {
  return { status, headers: JSON_HEADERS, body: JSON.stringify(value) };
}

class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new BadRequest('request body is not UTF-8');
  }
}

function anyBase64(value: string, what: string): Uint8Array {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw new BadRequest(`bad base64 in ${what}`);
  try {
    return base64Decode(value, what);
  } catch {
    throw new BadRequest(`bad base64 in ${what}`);
  }
}

interface DischargeForm {
  readonly id: Uint8Array;
  readonly caveat: Uint8Array | undefined;
  readonly token: DischargeToken | undefined;
}

function parseForm(body: string, maxFields: number): DischargeForm {
  const fields = new Map<string, string>();
  let count = 0;
  for (const [k, v] of new URLSearchParams(body)) {
    if (++count > maxFields) throw new BadRequest(`more than ${maxFields} form fields`);
    if (!fields.has(k)) fields.set(k, v);
  }
  const id64 = fields.get('id64');
  const id = id64 ? anyBase64(id64, 'id64') : utf8Encode(fields.get('id') ?? '');
  if (id.length === 0) throw new BadRequest('no caveat id (id or id64)');
  const caveat64 = fields.get('caveat64');
  const caveat = caveat64 ? anyBase64(caveat64, 'caveat64') : undefined;
  const token64 = fields.get('token64');
  const tokenValue = token64 ? anyBase64(token64, 'token64') : utf8Encode(fields.get('token') ?? '');
  let token: DischargeToken | undefined;
  if (tokenValue.length > 0) {
    const kind = fields.get('token-kind');
    if (!kind) throw new BadRequest('discharge token provided without token kind');
    token = { kind, value: tokenValue };
  }
  return { id, caveat, token };
}

/**
 * A discharger for `key`, deciding with `check`.
 *
 * @example
 * ```ts
 * import { checkers, KeyPair } from 'macaroon-engine/bakery';
 * import { createDischarger, DischargeRefusedError } from 'macaroon-engine/discharger';
 *
 * const discharger = createDischarger({
 *   key: KeyPair.fromJSON(process.env.DISCHARGER_KEY ?? ''),
 *   check: async (condition, request) => {
 *     if (condition !== 'is-user alice') throw new DischargeRefusedError('unknown condition');
 *     return [checkers.declaredCaveat('user', 'alice'), checkers.timeBeforeCaveat(Date.now() + 300_000)];
 *   },
 * });
 * export default { fetch: discharger.fetch }; // workerd, Deno, Bun; nodeListener(discharger.fetch) for node:http
 * ```
 */
export function createDischarger(options: DischargerOptions): Discharger {
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError('options must be an object');
  const key = options.key;
  if (!(key instanceof KeyPair)) throw new InvalidArgumentError('key must be a KeyPair');
  if (typeof options.check !== 'function') throw new InvalidArgumentError('check must be a function');
  const prefix = (options.prefix ?? '').replace(/\/+$/, '');
  const maxBody = options.maxBodyBytes ?? 16 * 1024;
  const maxFields = options.maxFields ?? 16;
  const onError = options.onError ?? ((e: unknown) => console.error(e));
  const publicKey = key.public.toString();

  async function postDischarge(request: PlainRequest): Promise<PlainAnswer> {
    const version = requestVersion(request.headers);
    let form: DischargeForm;
    try {
      const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/x-www-form-urlencoded')
        throw new BadRequest('the request is not a form (application/x-www-form-urlencoded)', 415);
      const body = await request.body(maxBody);
      if (body === undefined) throw new BadRequest(`request body over ${maxBody} bytes`, 413);
      form = parseForm(decodeUtf8(body), maxFields);
    } catch (e) {
      if (e instanceof BadRequest)
        return errorAnswer({ Code: ERR_BAD_REQUEST, Message: e.message }, version, e.status);
      throw e;
    }
    try {
      const d = await discharge({
        id: form.id,
        ...(form.caveat ? { caveat: form.caveat } : {}),
        key,
        ...(options.locator ? { locator: options.locator } : {}),
        checker: (info) => options.check(info.condition, request.request(), { info, token: form.token }),
      });
      return json({ Macaroon: d.toJSON() });
    } catch (e) {
      if (e instanceof CaveatDecodeError) {
        return errorAnswer(
          { Code: ERR_BAD_REQUEST, Message: `discharger cannot decode caveat id: ${e.message}` },
          version,
        );
      }
      if (e instanceof DischargeRefusedError) {
        return errorAnswer({ Code: ERR_PERMISSION_DENIED, Message: e.message }, version);
      }
      if (e instanceof InteractionRequiredError) {
        const i = e.interaction;
        return errorAnswer(
          {
            Code: ERR_INTERACTION_REQUIRED,
            Message: e.message,
            Info: { InteractionMethods: i.methods, VisitURL: i.visitURL, WaitURL: i.waitURL },
          },
          version,
        );
      }
      if (e instanceof MacaroonError) {
        // A malformed need-declared caveat and the like: the caveat's fault, said without internals.
        return errorAnswer({ Code: ERR_BAD_REQUEST, Message: `cannot discharge: ${e.message}` }, version);
      }
      onError(e);
      return errorAnswer({ Message: 'cannot discharge: internal error' }, version, 500);
    }
  }

  async function route(request: PlainRequest): Promise<PlainAnswer> {
    const path = request.pathname;
    const endpoint = path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
    if (endpoint === '/discharge/info' || endpoint === '/publickey') {
      if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed('GET');
      return json(
        endpoint === '/publickey'
          ? { PublicKey: publicKey }
          : { PublicKey: publicKey, Version: LATEST_VERSION },
      );
    }
    if (endpoint === '/discharge') {
      if (request.method !== 'POST') return methodNotAllowed('POST');
      return postDischarge(request);
    }
    return errorAnswer({ Code: 'not found', Message: `no such endpoint: ${path}` }, 0, 404);
  }

  const cors = options.cors ? corsPolicy(options.cors, ['GET', 'HEAD', 'POST']) : undefined;
  async function answer(request: PlainRequest): Promise<PlainAnswer> {
    if (!cors) return route(request);
    const preflight = cors.preflight(request.method, request.headers);
    if (preflight) return preflight;
    const a = await route(request);
    const extra = cors.answerHeaders(request.headers, a.headers.vary ?? null);
    return extra ? { ...a, headers: { ...a.headers, ...extra } } : a;
  }
  const fetch = async (request: Request): Promise<Response> =>
    toResponse(await answer(plainRequest(request)));
  // fetchListener (macaroon-engine/node) serves the plain form without building Web Requests.
  Object.defineProperty(fetch, PLAIN_HANDLER, { value: answer });
  return Object.freeze({ publicKey: key.public, fetch });
}

function methodNotAllowed(allow: string): PlainAnswer {
  return {
    status: 405,
    headers: { ...JSON_HEADERS, allow },
    body: JSON.stringify({ Code: ERR_BAD_REQUEST, Message: `method not allowed (use ${allow})` }),
  };
}
