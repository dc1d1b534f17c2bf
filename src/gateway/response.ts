/**
 * How a decision is answered, the same in every adapter: 401 with `WWW-Authenticate: Macaroon` and a
 * reason code, 400 for a malformed token, 5xx when verification could not run. Bodies carry only stable
 * codes, never error messages (they may describe caveats) and never tokens or keys.
 */
import type { Decision } from './gateway.js';

/**
 * A refusal as status, headers and body, which every adapter sends as it is.
 *
 * @example
 * ```ts
 * const r: DenialResponse = denial({ status: 400, code: 'ERR_DECODE' });
 * new Response(r.body, { status: r.status, headers: r.headers });
 * ```
 */
export interface DenialResponse {
  /** The HTTP status: 400, 401, 500 or 503. */
  readonly status: number;
  /** The response headers: JSON content type, `no-store`, and `WWW-Authenticate` for a 401. */
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body: codes only, never the token, a key or a caveat's text. */
  readonly body: string;
}

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' } as const;

/**
 * The response for a decision other than 200. `scheme` names the 401 challenge (the gateway's
 * `scheme`, `Macaroon` by default).
 *
 * @example
 * ```ts
 * const d = denial({ status: 401, reason: 'caveat-not-satisfied' });
 * // { status: 401, headers: { 'www-authenticate': 'Macaroon reason="caveat-not-satisfied"', … }, body: '{…}' }
 * ```
 */
export function denial(decision: Exclude<Decision, { status: 200 }>, scheme = 'Macaroon'): DenialResponse {
  switch (decision.status) {
    case 401:
      return {
        status: 401,
        headers: { ...JSON_HEADERS, 'www-authenticate': `${scheme} reason="${decision.reason}"` },
        body: JSON.stringify({ error: 'unauthorized', reason: decision.reason }),
      };
    case 400:
      return {
        status: 400,
        headers: JSON_HEADERS,
        body: JSON.stringify({ error: 'malformed-token', code: decision.code }),
      };
    default:
      return {
        status: decision.status,
        headers: JSON_HEADERS,
        body: JSON.stringify({ error: 'verification-unavailable', code: decision.code }),
      };
  }
}

/** RFC 9457 §4.2.1: with type `about:blank`, the title is the status's reason phrase. */
const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * The same refusal as an RFC 9457 problem document (`application/problem+json`): `type`, `title`,
 * `status`, and the stable `reason` (401) or `code` (400, 5xx) as extension members. Like `denial`, it
 * never carries a token, a key or an error message.
 *
 * @example
 * ```ts
 * const p = problemDetails({ status: 401, reason: 'signature-mismatch' });
 * // body: {"type":"about:blank","title":"Unauthorized","status":401,"reason":"signature-mismatch"}
 * ```
 */
export function problemDetails(
  decision: Exclude<Decision, { status: 200 }>,
  scheme = 'Macaroon',
): DenialResponse {
  const plain = denial(decision, scheme);
  const detail = decision.status === 401 ? { reason: decision.reason } : { code: decision.code };
  return {
    status: plain.status,
    headers: { ...plain.headers, 'content-type': 'application/problem+json' },
    body: JSON.stringify({
      type: 'about:blank',
      title: TITLES[decision.status],
      status: decision.status,
      ...detail,
    }),
  };
}
