/**
 * What a gateway answers for a request (a Decision), and how an error becomes one.
 */
import type { VerifiedToken } from '../cache/verified-token.js';
import {
  DecodeError,
  LimitExceededError,
  MacaroonError,
  type MacaroonErrorCode,
  NotAuthorizedError,
  type NotAuthorizedReason,
} from '../errors.js';
import type { Macaroon } from '../macaroon.js';
import { StoreUnavailableError } from '../store/errors.js';
import { HookTimeoutError, KeyLookupError, RevokedError, UnknownRootKeyError } from './errors.js';

/**
 * What a handler behind the gateway gets for an authorized request: the token's macaroons (decoded only
 * when first read) and the verified facts.
 *
 * @example
 * ```ts
 * const d = await gateway.authorize(request.headers, { exact: ['action = read'] });
 * if (d.status === 200) console.log(d.verified.declared, d.macaroon.location);
 * ```
 */
export interface Authorized {
  /** The root macaroon that authorized the request. */
  readonly macaroon: Macaroon;
  /** The discharges used with it. */
  readonly discharges: readonly Macaroon[];
  /**
   * What verification established (root identifier, root key id, declared values, the caveats
   * checked), without decoding the token again.
   */
  readonly verified: VerifiedToken;
}

/**
 * Why a request was refused with 401: a NotAuthorizedError's reason, or the gateway's own.
 *
 * @example
 * ```ts
 * const d = await gateway.authorize(request.headers);
 * const reason: DenialReason | undefined = d.status === 401 ? d.reason : undefined;
 * if (reason === 'revoked') console.info('a revoked token was presented');
 * ```
 */
export type DenialReason =
  | NotAuthorizedReason
  | 'missing-token'
  | 'unknown-root-key'
  | 'revoked'
  | 'missing-required-caveat';

/**
 * The code of a 400 or 5xx decision: the error's code, or ERR_INTERNAL for anything that is not ours.
 *
 * @example
 * ```ts
 * const d = await gateway.authorize(request.headers);
 * const code: DecisionCode | undefined = d.status === 503 ? d.code : undefined;
 * if (code === 'ERR_TIMEOUT') console.warn('a hook missed its deadline');
 * ```
 */
export type DecisionCode = MacaroonErrorCode | 'ERR_INTERNAL';

/**
 * What to answer. Reasons and codes are stable strings; nothing here echoes a token or a key.
 *
 * @example
 * ```ts
 * const d: Decision = await gateway.authorize(request.headers);
 * const response = d.status === 200 ? new Response('ok') : new Response(null, { status: d.status });
 * ```
 */
export type Decision =
  | ({
      /** Authorized. */
      readonly status: 200;
    } & Authorized)
  | {
      /** The token could not be read. */
      readonly status: 400;
      /** Why, as a stable code. */
      readonly code: DecisionCode;
    }
  | {
      /** Not authorized. */
      readonly status: 401;
      /** Why, stable for code (never the caveat's text). */
      readonly reason: DenialReason;
    }
  | {
      /** The gateway could not decide: a hook failed or missed its deadline (fail closed). */
      readonly status: 500 | 503;
      /** Why, as a stable code. */
      readonly code: DecisionCode;
    };

/**
 * Maps an error to its decision: the token's fault (400, 401) or ours (500, 503).
 *
 * @example
 * ```ts
 * failure(new RevokedError('revoked')); // { status: 401, reason: 'revoked' }
 * ```
 */
export function failure(e: unknown): Decision {
  if (e instanceof NotAuthorizedError) return { status: 401, reason: e.reason };
  if (e instanceof UnknownRootKeyError || e instanceof RevokedError) return { status: 401, reason: e.reason };
  if (e instanceof DecodeError || e instanceof LimitExceededError) return { status: 400, code: e.code };
  const code: DecisionCode = e instanceof MacaroonError ? e.code : 'ERR_INTERNAL';
  if (
    e instanceof KeyLookupError ||
    e instanceof HookTimeoutError ||
    e instanceof StoreUnavailableError ||
    code === 'ERR_ENGINE'
  ) {
    return { status: 503, code };
  }
  return { status: 500, code };
}

/** A token that authorizes but does not restrict every fact of the gateway's `requiredCaveats`. */
export const UNRESTRICTED: Decision = Object.freeze({ status: 401, reason: 'missing-required-caveat' });
