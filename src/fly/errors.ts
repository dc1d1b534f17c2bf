/** Why a Fly token was not accepted. Codes are the library's; `reason` says which of superfly's checks failed. */
import { MacaroonError } from '../errors.js';
import type { FlyDenial } from './access.js';

/**
 * Stable reasons: `no-permission-token`, `multiple-permission-tokens` (the header), `unknown-key` (your
 * key lookup returned nothing), `unfinalized-proof`, `discharge-missing`, `decryption-failed`,
 * `discharge-bound-elsewhere`, `attestation-not-allowed`, `discharge-invalid`, `signature-mismatch` (the
 * chain), `denied` (a caveat, or the access itself, denies the request; see `denials`).
 *
 * @example
 * ```ts
 * const r = verifyFly(`FlyV1 ${token}`, { keys: () => undefined, access: { orgid: 7 } });
 * if (!r.ok && r.error instanceof FlyNotAuthorizedError) {
 *   const reason: FlyFailureReason = r.error.reason; // 'unknown-key' here
 * }
 * ```
 */
export type FlyFailureReason =
  | 'no-permission-token'
  | 'multiple-permission-tokens'
  | 'unknown-key'
  | 'unfinalized-proof'
  | 'discharge-missing'
  | 'decryption-failed'
  | 'discharge-bound-elsewhere'
  | 'attestation-not-allowed'
  | 'discharge-invalid'
  | 'signature-mismatch'
  | 'denied';

/**
 * A well-formed Fly token that does not authorize the request (code `ERR_NOT_AUTHORIZED`).
 *
 * @example
 * ```ts
 * import { verifyFly, FlyNotAuthorizedError } from 'macaroon-engine/fly';
 * const r = verifyFly(`FlyV1 ${token}`, { keys: rootKey, access: { action: 'r', orgid: 7 } });
 * if (!r.ok && r.error instanceof FlyNotAuthorizedError) console.log(r.error.reason, r.error.denials);
 * ```
 */
export class FlyNotAuthorizedError extends MacaroonError {
  override readonly code = 'ERR_NOT_AUTHORIZED';
  /** Why, stable for code. */
  readonly reason: FlyFailureReason;
  /** For `denied`: every reason a caveat or the access gave (superfly accumulates them all). */
  readonly denials: readonly FlyDenial[];
  /** For `discharge-invalid`: why each candidate discharge failed. */
  readonly causes: readonly FlyNotAuthorizedError[];

  constructor(
    reason: FlyFailureReason,
    message: string,
    extra: {
      denials?: readonly FlyDenial[] | undefined;
      causes?: readonly FlyNotAuthorizedError[] | undefined;
    } = {},
  ) {
    super(message);
    this.reason = reason;
    this.denials = Object.freeze([...(extra.denials ?? [])]);
    this.causes = Object.freeze([...(extra.causes ?? [])]);
  }
}
