/**
 * Errors of the gateway layer, beside the library's own (../errors.ts). Like those, they carry a stable
 * `code`, and their messages never contain keys, signatures or tokens.
 */
import { MacaroonError } from '../errors.js';

/** No live root key matches the macaroon's identifier (unknown, expired or not yet valid). */
export class UnknownRootKeyError extends MacaroonError {
  override readonly code = 'ERR_UNKNOWN_ROOT_KEY';
  /** The reason code a 401 response carries, alongside NotAuthorizedError's reasons. */
  readonly reason = 'unknown-root-key';
}

/** The root-key lookup itself failed (e.g. its store is unreachable): not the token's fault. */
export class KeyLookupError extends MacaroonError {
  override readonly code = 'ERR_KEY_LOOKUP';
}
