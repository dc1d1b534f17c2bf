/**
 * How every adapter answers a refused request: the default response (JSON with a stable code), or an
 * RFC 9457 problem document, or whatever the application's `onDenied` hook returns. The hook sees the
 * decision (status, reason or code) and the request, never the token or a key, and may also just observe
 * (log, count) by returning nothing.
 */
import type { Decision, DecisionCode, DenialReason } from './gateway.js';
import { type DenialResponse, denial, problemDetails } from './response.js';

/**
 * A refused request, as an `onDenied` hook receives it.
 *
 * @example
 * ```ts
 * const onDenied = (d: Denial) => {
 *   console.info(d.status, d.reason ?? d.code); // e.g. 401 'caveat-not-satisfied'
 *   return d.status === 401 ? d.problem : undefined; // problem+json for 401s, the default otherwise
 * };
 * withMacaroonAuth(() => new Response('ok'), { gateway, onDenied });
 * ```
 */
export interface Denial {
  /** 400 (malformed token), 401 (not authorized), 500 or 503 (verification could not run). */
  readonly status: 400 | 401 | 500 | 503;
  /** For a 401: why (a stable reason code). */
  readonly reason: DenialReason | undefined;
  /** For a 400 or 5xx: the error code. */
  readonly code: DecisionCode | undefined;
  /** The response the adapter sends unless the hook returns another. */
  readonly response: DenialResponse;
  /** The same as an RFC 9457 `application/problem+json` response: return it to send it instead. */
  readonly problem: DenialResponse;
}

/**
 * Shapes or observes a denial: return a response to send it instead of `denial.response`, or nothing to
 * keep the default. A hook that throws is the application's bug: the adapter answers 500.
 *
 * @example
 * ```ts
 * const onDenied: DenialHook<Request> = (denial, request) => {
 *   console.warn(`${request.method} ${new URL(request.url).pathname}: ${denial.reason ?? denial.code}`);
 * };
 * withMacaroonAuth(() => new Response('ok'), { gateway, onDenied });
 * ```
 */
export type DenialHook<Req> = (
  denial: Denial,
  request: Req,
) => DenialResponse | undefined | void | Promise<DenialResponse | undefined | void>;

/**
 * Options every adapter shares.
 *
 * @example
 * ```ts
 * const options: DenialOptions<Request> = { onDenied: (d) => d.problem };
 * withMacaroonAuth(() => new Response('ok'), { gateway, ...options });
 * ```
 */
export interface DenialOptions<Req> {
  /**
   * Called for every refused request.
   *
   * @example
   * ```ts
   * onDenied: (d) => d.problem, // RFC 9457 problem+json instead of the default JSON
   * ```
   */
  readonly onDenied?: DenialHook<Req> | undefined;
}

/**
 * The Denial for a refused decision; `scheme` names the WWW-Authenticate challenge.
 *
 * @example
 * ```ts
 * const d = describeDenial({ status: 401, reason: 'revoked' }, 'Macaroon');
 * d.response.headers['www-authenticate']; // 'Macaroon reason="revoked"'
 * d.problem.body; // '{"type":"about:blank","title":"Unauthorized","status":401,"reason":"revoked"}'
 * ```
 */
export function describeDenial(decision: Exclude<Decision, { status: 200 }>, scheme: string): Denial {
  return {
    status: decision.status,
    reason: decision.status === 401 ? decision.reason : undefined,
    code: decision.status === 401 ? undefined : decision.code,
    response: denial(decision, scheme),
    problem: problemDetails(decision, scheme),
  };
}

/**
 * The response for a refused decision: the hook's if it returns one, else the default.
 *
 * @example
 * ```ts
 * const decision = await gateway.authorize(request.headers);
 * if (decision.status !== 200) {
 *   const r = await answerDenial(decision, gateway.scheme, request, (d) => d.problem);
 *   new Response(r.body, { status: r.status, headers: r.headers });
 * }
 * ```
 */
export async function answerDenial<Req>(
  decision: Exclude<Decision, { status: 200 }>,
  scheme: string,
  request: Req,
  onDenied: DenialHook<Req> | undefined,
): Promise<DenialResponse> {
  const d = describeDenial(decision, scheme);
  if (!onDenied) return d.response;
  return (await onDenied(d, request)) ?? d.response;
}
