/** The plain data of a macaroon, shared by the codecs and the engines. Bytes are never mutated. */

export interface CaveatData {
  /** The caveat identifier: a predicate for first-party caveats, the third party's cid otherwise. */
  readonly identifier: Uint8Array;
  /** Present (and non-empty) exactly for third-party caveats: nonce || secretbox of the caveat key. */
  readonly verificationId?: Uint8Array;
  /** A hint where to get the discharge; not covered by the signature. Absent on first-party caveats. */
  readonly location?: string;
}

export interface MacaroonData {
  readonly version: 1 | 2;
  /** A hint; not covered by the signature (as in every peer). */
  readonly location: string;
  readonly identifier: Uint8Array;
  readonly caveats: readonly CaveatData[];
  readonly signature: Uint8Array;
}

export const SIGNATURE_LENGTH = 32;
