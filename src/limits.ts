/**
 * Resource limits applied to untrusted input before any expensive work. Defaults are generous for real
 * tokens (a gateway token is a few hundred bytes with a handful of caveats) and small enough that a
 * hostile input cannot make a verifier spend much time or memory.
 */
export interface Limits {
  /** Largest serialized macaroon or bundle accepted, in bytes (or characters for text). */
  readonly maxTokenBytes: number;
  /** Most caveats in one macaroon. */
  readonly maxCaveats: number;
  /** Most discharges sent with one root macaroon. */
  readonly maxDischarges: number;
  /** Deepest chain of discharges of discharges. */
  readonly maxDischargeDepth: number;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxTokenBytes: 64 * 1024,
  maxCaveats: 256,
  maxDischarges: 64,
  maxDischargeDepth: 16,
});
