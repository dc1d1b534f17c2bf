/**
 * The httpbakery wire protocol (go-macaroon-bakery `httpbakery`, Python `macaroonbakery.httpbakery`):
 * the error body `{Code, Message, Info}`, the status a code gets, the `Bakery-Protocol-Version` request
 * header, and the `Macaroons` header / `macaroon-<suffix>` cookie value (std base64 of a JSON array of
 * macaroons). Shared by the discharger, the discharge-required responses and the client.
 */

import { utf8DecodeStrict, utf8Encode } from '../bytes.js';
import { base64Decode, base64StdEncode } from '../codec/base64.js';
import type { Macaroon } from '../macaroon.js';
import { type PlainAnswer, toResponse } from './plain.js';

export const ERR_DISCHARGE_REQUIRED = 'macaroon discharge required';
export const ERR_INTERACTION_REQUIRED = 'interaction required';
export const ERR_PERMISSION_DENIED = 'permission denied';
export const ERR_BAD_REQUEST = 'bad request';

/**
 * The request header in which httpbakery clients say which bakery version they speak.
 *
 * @example
 * ```ts
 * await fetch('https://api.example/', { headers: { [BAKERY_PROTOCOL_HEADER]: '3' } });
 * ```
 */
export const BAKERY_PROTOCOL_HEADER = 'Bakery-Protocol-Version';

/**
 * The `Info` of an httpbakery error; fields are omitted when empty, as Go writes them.
 *
 * @example
 * ```ts
 * const body = (await (await fetch('https://api.example/')).json()) as HttpBakeryErrorBody;
 * const info: HttpBakeryErrorInfo | undefined = body.Info;
 * info?.CookieNameSuffix;
 * ```
 */
export interface HttpBakeryErrorInfo {
  /** The macaroon to discharge and retry with (V2 JSON), in a discharge-required error. */
  readonly Macaroon?: unknown | undefined;
  /** The path the macaroon's cookie should be set for, relative to the request's. */
  readonly MacaroonPath?: string | undefined;
  /** The suffix of the cookie name (`macaroon-<suffix>`) to keep the discharged macaroon under. */
  readonly CookieNameSuffix?: string | undefined;
  /** Interaction kinds the discharger offers and their parameters, in an interaction-required error. */
  readonly InteractionMethods?: Readonly<Record<string, unknown>> | undefined;
  /** The legacy interaction: a URL for a person to visit. */
  readonly VisitURL?: string | undefined;
  /** The legacy interaction: a URL to wait on for the discharge. */
  readonly WaitURL?: string | undefined;
}

/**
 * An httpbakery error body.
 *
 * @example
 * ```ts
 * const response = await fetch('https://api.example/');
 * const body = (await response.json()) as HttpBakeryErrorBody;
 * if (body.Code === 'macaroon discharge required') console.log(body.Info?.Macaroon); // to discharge
 * ```
 */
export interface HttpBakeryErrorBody {
  /** The error code, e.g. `macaroon discharge required`, `interaction required`. */
  readonly Code?: string | undefined;
  /** A human-readable message. */
  readonly Message?: string | undefined;
  /** What the client needs to act on the error. */
  readonly Info?: HttpBakeryErrorInfo | undefined;
}

/**
 * The request's bakery version: absent, invalid or negative gives 0; above 3 gives 3 (Go's RequestVersion).
 *
 * @example
 * ```ts
 * const version = requestVersion(request.headers); // 0 when the header is absent, at most 3
 * ```
 */
export function requestVersion(headers: { get(name: string): string | null }): 0 | 1 | 2 | 3 {
  const text = headers.get(BAKERY_PROTOCOL_HEADER);
  if (text === null || !/^\d+$/.test(text.trim())) return 0;
  const n = Number(text.trim());
  return Math.min(n, 3) as 0 | 1 | 2 | 3;
}

/**
 * The answer for an httpbakery error, as Go's `ErrorToResponse` builds it: discharge-required and
 * interaction-required get 407 at version 0, else 401 with `WWW-Authenticate: Macaroon`; permission
 * denied 401; bad request 400; anything else 500.
 */
export function errorAnswer(body: HttpBakeryErrorBody, version: number, status?: number): PlainAnswer {
  let code = status ?? 500;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (status === undefined) {
    switch (body.Code) {
      case ERR_BAD_REQUEST:
        code = 400;
        break;
      case ERR_PERMISSION_DENIED:
        code = 401;
        break;
      case ERR_DISCHARGE_REQUIRED:
      case ERR_INTERACTION_REQUIRED:
        if (version === 0) code = 407;
        else {
          code = 401;
          headers['www-authenticate'] = 'Macaroon';
        }
        break;
    }
  }
  return { status: code, headers, body: JSON.stringify(compact(body)) };
}

/** `errorAnswer` as a Web Response. */
export function errorResponse(body: HttpBakeryErrorBody, version: number, status?: number): Response {
  return toResponse(errorAnswer(body, version, status));
}

function compact(body: HttpBakeryErrorBody): HttpBakeryErrorBody {
  const out: Record<string, unknown> = {};
  if (body.Code) out.Code = body.Code;
  if (body.Message) out.Message = body.Message;
  if (body.Info) {
    const info = Object.fromEntries(Object.entries(body.Info).filter(([, v]) => v !== undefined && v !== ''));
    if (Object.keys(info).length > 0) out.Info = info;
  }
  return out;
}

/**
 * Whether a response is an httpbakery error (Go's DefaultGetError): 407, or 401 with
 * `WWW-Authenticate: Macaroon`, and a JSON body.
 */
export function isBakeryError(response: Response): boolean {
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') return false;
  if (response.status === 407) return true;
  return response.status === 401 && /^macaroon\b/i.test(response.headers.get('www-authenticate') ?? '');
}

/**
 * The value of a `Macaroons` header or `macaroon-…` cookie: std base64 of the JSON array.
 *
 * @example
 * ```ts
 * await fetch('https://api.example/', { headers: { Macaroons: encodeMacaroonSlice([macaroon, ...discharges]) } });
 * ```
 */
export function encodeMacaroonSlice(slice: readonly Macaroon[]): string {
  return base64StdEncode(utf8Encode(JSON.stringify(slice.map((m) => m.toJSON()))));
}

/**
 * The JSON array inside a `Macaroons` value, or undefined when it is not one (httpbakery skips those).
 *
 * @example
 * ```ts
 * const slice = decodeMacaroonSlice(request.headers.get('Macaroons') ?? ''); // JSON objects, or undefined
 * ```
 */
export function decodeMacaroonSlice(value: string): unknown[] | undefined {
  try {
    const parsed: unknown = JSON.parse(utf8DecodeStrict(base64Decode(value)) ?? '');
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
