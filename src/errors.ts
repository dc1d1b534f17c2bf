/**
 * Every error this library throws is a MacaroonError with a stable `code`, so callers branch on codes,
 * never on message text. Messages help a person and never contain keys, signatures or whole tokens.
 */
/**
 * Every `code` a MacaroonError of this package can carry: a literal union, so `switch (e.code)` over it
 * is checked by the compiler (a misspelt code is a type error). A new error class adds its code here.
 *
 * @example
 * ```ts
 * import { MacaroonError, type MacaroonErrorCode } from 'macaroon-engine';
 *
 * function status(e: MacaroonError): number {
 *   const code: MacaroonErrorCode = e.code;
 *   switch (code) {
 *     case 'ERR_NOT_AUTHORIZED':
 *       return 401;
 *     case 'ERR_DECODE':
 *     case 'ERR_LIMIT_EXCEEDED':
 *       return 400;
 *     default:
 *       return 500;
 *   }
 * }
 * ```
 */
export type MacaroonErrorCode =
  | 'ERR_MACAROON'
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_DECODE'
  | 'ERR_ENCODE'
  | 'ERR_LIMIT_EXCEEDED'
  | 'ERR_ENGINE'
  | 'ERR_NOT_AUTHORIZED'
  // macaroon-engine/gateway
  | 'ERR_UNKNOWN_ROOT_KEY'
  | 'ERR_KEY_LOOKUP'
  | 'ERR_TIMEOUT'
  | 'ERR_REVOKED'
  // macaroon-engine/store
  | 'ERR_STORE_UNAVAILABLE'
  // macaroon-engine/bakery
  | 'ERR_BAKERY_CAVEAT'
  | 'ERR_BAKERY_CHECK'
  | 'ERR_BAKERY_THIRD_PARTY_NOT_FOUND'
  | 'ERR_BAKERY_FORMAT'
  // macaroon-engine/fly
  | 'ERR_FLY_DISCHARGE'
  // macaroon-engine/discharger and macaroon-engine/client
  | 'ERR_DISCHARGE'
  | 'ERR_DISCHARGE_REFUSED'
  | 'ERR_INTERACTION_REQUIRED'
  // the macaroon command
  | 'ERR_USAGE'
  | 'ERR_INPUT';

export class MacaroonError extends Error {
  readonly code: MacaroonErrorCode = 'ERR_MACAROON';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An argument of the wrong type, size or content was passed to the API. */
export class InvalidArgumentError extends MacaroonError {
  override readonly code = 'ERR_INVALID_ARGUMENT';
}

/** Bytes or text that are not a well-formed macaroon (or bundle) in any supported format. */
export class DecodeError extends MacaroonError {
  override readonly code = 'ERR_DECODE';
}

/** A macaroon that cannot be written in the requested format (e.g. a binary identifier in V1). */
export class EncodeError extends MacaroonError {
  override readonly code = 'ERR_ENCODE';
}

/** An input exceeds a configured limit (size, count or depth); raised before any expensive work. */
export class LimitExceededError extends MacaroonError {
  override readonly code = 'ERR_LIMIT_EXCEEDED';
}

/** The verification engine is unavailable (e.g. WASM requested before `ready()`) or failed internally. */
export class EngineError extends MacaroonError {
  override readonly code = 'ERR_ENGINE';
}

/** Why a macaroon was not authorized. Stable strings: callers may branch on them. */
export type NotAuthorizedReason =
  | 'signature-mismatch'
  | 'caveat-not-satisfied'
  | 'discharge-missing'
  | 'discharge-reused'
  | 'discharge-unused'
  | 'decryption-failed'
  | 'depth-exceeded';

/** The macaroon is well formed but does not authorize the request. */
export class NotAuthorizedError extends MacaroonError {
  override readonly code = 'ERR_NOT_AUTHORIZED';
  readonly reason: NotAuthorizedReason;

  constructor(reason: NotAuthorizedReason, message: string) {
    super(message);
    this.reason = reason;
  }
}
