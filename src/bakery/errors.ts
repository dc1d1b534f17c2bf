/**
 * Errors of the bakery layer. Each is a MacaroonError with a stable `code`; the third-party caveat and
 * checker errors also carry a stable `reason`, so callers branch without reading messages.
 */
import { MacaroonError } from '../errors.js';

/**
 * Why a third-party caveat could not be decoded. Stable strings: callers may branch on them.
 *
 * @example
 * ```ts
 * const tp = KeyPair.generate();
 * try {
 *   decodeCaveat(tp, new Uint8Array([3, 0, 1])); // a short version-3 caveat id: its data travels apart
 * } catch (e) {
 *   if (e instanceof CaveatDecodeError && e.reason === 'payload-missing') console.warn('send the caveat data too');
 * }
 * ```
 */
export type CaveatDecodeReason =
  | 'empty'
  | 'too-short'
  | 'unsupported-version'
  | 'payload-missing'
  | 'public-key-mismatch'
  | 'decryption-failed'
  | 'malformed';

/**
 * A third-party caveat that this key pair cannot decode: not addressed to it, truncated, tampered with,
 * of an unknown version, or a version-3 caveat id sent without its payload.
 *
 * @example
 * ```ts
 * const caveatId = new Uint8Array(64); // a third-party caveat id, as the macaroon carries it
 * try {
 *   decodeCaveat(KeyPair.generate(), caveatId);
 * } catch (e) {
 *   if (e instanceof CaveatDecodeError && e.reason === 'public-key-mismatch') console.warn('not for us');
 * }
 * ```
 */
export class CaveatDecodeError extends MacaroonError {
  override readonly code = 'ERR_BAKERY_CAVEAT';
  /** Why the caveat could not be read, stable for code. */
  readonly reason: CaveatDecodeReason;

  constructor(reason: CaveatDecodeReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/**
 * A condition refused by a checker: not recognised, malformed, or not satisfied. `condition` is the
 * caveat text as it was checked.
 *
 * @example
 * ```ts
 * const error = checkers.std().check('time-before 2000-01-01T00:00:00Z');
 * error instanceof CaveatCheckError; // true: reason 'not-satisfied'
 * ```
 */
export class CaveatCheckError extends MacaroonError {
  override readonly code = 'ERR_BAKERY_CHECK';
  /** Whether no checker knows the condition or the one that does refused it. */
  readonly reason: 'not-recognized' | 'not-satisfied';
  /** The condition that failed. */
  readonly condition: string;

  constructor(reason: 'not-recognized' | 'not-satisfied', condition: string, message: string) {
    super(message);
    this.reason = reason;
    this.condition = condition;
  }
}

/**
 * No public key is known for a third party's location (a locator found nothing).
 *
 * @example
 * ```ts
 * await new ThirdPartyStore().thirdPartyInfo('https://nowhere.example'); // throws ThirdPartyNotFoundError
 * ```
 */
export class ThirdPartyNotFoundError extends MacaroonError {
  override readonly code = 'ERR_BAKERY_THIRD_PARTY_NOT_FOUND';
  /** The location no third-party information was found for. */
  readonly location: string;

  constructor(location: string) {
    super(`no third-party information for location ${JSON.stringify(location)}`);
    this.location = location;
  }
}

/**
 * A bakery macaroon's JSON cannot be read or written (an inconsistent version, caveat data in a format
 * that cannot carry it, a malformed wrapper).
 *
 * @example
 * ```ts
 * try { BakeryMacaroon.fromJSON('{"m":{},"v":7}'); } catch (e) { (e as BakeryFormatError).code; }
 * ```
 */
export class BakeryFormatError extends MacaroonError {
  override readonly code = 'ERR_BAKERY_FORMAT';
}
