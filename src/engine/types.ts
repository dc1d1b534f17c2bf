/**
 * The one interface between the Verifier and a verification engine (TS now, WASM next). An engine does
 * the cryptography and the discharge-tree walk; it knows nothing of formats or of caveat predicates. The
 * Verifier checks first-party predicates in TS for the macaroons the engine says it walked.
 *
 * The walk, which every engine must implement exactly (so their verdicts are identical):
 *
 *   walk(mi, key, depth):                       // mi: index into job.macaroons; 0 is the root
 *     visited.push(mi)
 *     sig = HMAC(key, M[mi].identifier)
 *     for each caveat ci of M[mi]:
 *       if it has no verification id:  sig = HMAC(sig, cid)
 *       else:
 *         k = secretbox_open(key = sig, nonce = vid[0:24], box = vid[24:])   // 72-byte vids only
 *         if k fails:                            record(DECRYPTION_FAILED, mi, ci)
 *         j = the first index >= 1 with M[j].identifier == cid
 *         if no j:                               record(DISCHARGE_MISSING, mi, ci)
 *         else if used[j]:                       record(DISCHARGE_REUSED, mi, ci)
 *         else:
 *           used[j] = true
 *           if depth + 1 > maxDischargeDepth:    record(DEPTH_EXCEEDED, mi, ci)
 *           else if k succeeded:                 walk(j, k, depth + 1)
 *         sig = HMAC(sig, HMAC(sig, vid) || HMAC(sig, cid))
 *     if mi != 0: sig = HMAC(Z, HMAC(Z, M[0].signature) || HMAC(Z, sig))   // Z = 32 zero bytes
 *     if !constantTimeEqual(sig, M[mi].signature): recordSignatureMismatch(mi)
 *
 *   verify: walk(0, HMAC("macaroons-key-generator", rootKey), 0); then, unless allowUnusedDischarges,
 *   record(DISCHARGE_UNUSED, j, -1) for the first j >= 1 with !used[j].
 *
 * record() keeps only the first structural failure; the walk goes on after one, so the chain is always
 * computed in full (no early exit whose timing tells which caveat failed). The verdict's status is the
 * first structural failure if any, else SIGNATURE_MISMATCH for the first macaroon whose
 * comparison failed (comparisons happen as each macaroon's walk ends), else OK.
 */

export const Status = {
  OK: 0,
  SIGNATURE_MISMATCH: 1,
  DECRYPTION_FAILED: 2,
  DISCHARGE_MISSING: 3,
  DISCHARGE_REUSED: 4,
  DISCHARGE_UNUSED: 5,
  DEPTH_EXCEEDED: 6,
} as const;
export type StatusCode = (typeof Status)[keyof typeof Status];

/** What an engine needs of one macaroon: the signed content and the claimed signature. */
export interface ChainMacaroon {
  readonly identifier: Uint8Array;
  readonly caveats: readonly { readonly identifier: Uint8Array; readonly verificationId?: Uint8Array }[];
  readonly signature: Uint8Array;
}

export interface VerificationJob {
  /** The root key as the user gave it (the engine derives it). */
  readonly rootKey: Uint8Array;
  /** The root macaroon first, then the discharges as sent. */
  readonly macaroons: readonly ChainMacaroon[];
}

export interface WalkPolicy {
  readonly allowUnusedDischarges: boolean;
  readonly maxDischargeDepth: number;
}

export interface EngineVerdict {
  readonly status: StatusCode;
  /** For a failure: the macaroon (index into job.macaroons) it concerns; -1 for OK. */
  readonly macaroon: number;
  /** For a failure about a caveat: its index in that macaroon; otherwise -1. */
  readonly caveat: number;
  /** Indexes of the macaroons walked, in walk order (the root first): whose predicates must be checked. */
  readonly visited: readonly number[];
}

export interface Engine {
  /** 'js', 'wasm-simd' or 'wasm-scalar'. */
  readonly name: string;
  /** Verifies many jobs; the verdict for each is exactly what verifying it alone gives. */
  verifyBatch(jobs: readonly VerificationJob[], policy: WalkPolicy): EngineVerdict[];
}
