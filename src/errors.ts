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

/**
 * The base of every error this package throws: branch on its stable `code` (and `reason` where a
 * subclass has one), never on the message.
 *
 * @example
 * ```ts
 * try {
 *   new Verifier().verify(token, rootKey);
 * } catch (e) {
 *   if (!(e instanceof MacaroonError)) throw e;
 *   console.warn(e.code); // e.g. 'ERR_NOT_AUTHORIZED' or 'ERR_DECODE'
 * }
 * ```
 */
export class MacaroonError extends Error {
  /** Stable machine-readable kind of the error (`ERR_…`), the same in every release; branch on it, not on the message. */
  readonly code: MacaroonErrorCode = 'ERR_MACAROON';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * An argument of the wrong type, size or content was passed to the API.
 *
 * @example
 * ```ts
 * try {
 *   new Verifier({ limits: { maxCaveats: -1 } });
 * } catch (e) {
 *   console.log(e instanceof InvalidArgumentError); // true: "limit maxCaveats must be a non-negative integer"
 * }
 * ```
 */
export class InvalidArgumentError extends MacaroonError {
  override readonly code = 'ERR_INVALID_ARGUMENT';
}

/**
 * Bytes or text that are not a well-formed macaroon (or bundle) in any supported format.
 *
 * @example
 * ```ts
 * try {
 *   Macaroon.deserialize('not a macaroon');
 * } catch (e) {
 *   if (e instanceof DecodeError) console.log(e.code); // 'ERR_DECODE'
 * }
 * ```
 */
export class DecodeError extends MacaroonError {
  override readonly code = 'ERR_DECODE';
}

/**
 * A macaroon that cannot be written in the requested format (e.g. a binary identifier in V1).
 *
 * @example
 * ```ts
 * const binaryId = Macaroon.create('https://api.example/', rootKey, new Uint8Array([0xff, 0x00]));
 * try {
 *   binaryId.serialize('v1j');
 * } catch (e) {
 *   console.log(e instanceof EncodeError); // true: V1 JSON carries only UTF-8 identifiers; use 'v2' or 'v2j'
 * }
 * ```
 */
export class EncodeError extends MacaroonError {
  override readonly code = 'ERR_ENCODE';
}

/**
 * An input exceeds a configured limit (size, count or depth); raised before any expensive work.
 *
 * @example
 * ```ts
 * try {
 *   Macaroon.deserialize(token, { limits: { maxTokenBytes: 16 } });
 * } catch (e) {
 *   if (e instanceof LimitExceededError) console.log(e.code); // 'ERR_LIMIT_EXCEEDED'
 * }
 * ```
 */
export class LimitExceededError extends MacaroonError {
  override readonly code = 'ERR_LIMIT_EXCEEDED';
}

/**
 * The verification engine is unavailable (e.g. WASM requested before `ready()`) or failed internally.
 *
 * @example
 * ```ts
 * try {
 *   new Verifier({ engine: 'wasm' }).verify(token, rootKey); // before `await ready()`
 * } catch (e) {
 *   if (e instanceof EngineError) await ready(); // then retry
 * }
 * ```
 */
export class EngineError extends MacaroonError {
  override readonly code = 'ERR_ENGINE';
}

/**
 * Why a macaroon was not authorized. Stable strings: callers may branch on them.
 *
 * @example
 * ```ts
 * function explain(reason: NotAuthorizedReason): string {
 *   return reason === 'caveat-not-satisfied' ? 'forbidden' : 'invalid token';
 * }
 * ```
 */
export type NotAuthorizedReason =
  | 'signature-mismatch'
  | 'caveat-not-satisfied'
  | 'discharge-missing'
  | 'discharge-reused'
  | 'discharge-unused'
  | 'decryption-failed'
  | 'depth-exceeded';

/**
 * The macaroon is well formed but does not authorize the request.
 *
 * @example
 * ```ts
 * try {
 *   new Verifier().satisfyExact('account = 42').verify(macaroon, rootKey, discharges);
 * } catch (e) {
 *   if (e instanceof NotAuthorizedError && e.reason === 'caveat-not-satisfied') console.log(e.message);
 *   // 'caveat "time < 2020-01-01T00:00:00Z" of the root macaroon is not satisfied'
 * }
 * ```
 */
export class NotAuthorizedError extends MacaroonError {
  override readonly code = 'ERR_NOT_AUTHORIZED';
  /** Why, stable for code: which check of the verification failed. */
  readonly reason: NotAuthorizedReason;

  constructor(reason: NotAuthorizedReason, message: string) {
    super(message);
    this.reason = reason;
  }
}
