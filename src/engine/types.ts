/**
 * The one interface between the Verifier and a verification engine: the TS engine (./ts.ts) and the two
 * WebAssembly builds (./wasm.ts) implement it, and give identical verdicts for every input (the
 * differential tests check this). The Verifier decides policy (what is satisfied, limits, walk rules,
 * how a verdict becomes an error); an engine decodes the tokens it is handed, runs the cryptography and
 * the discharge walk, and judges the first-party caveats with the Verifier's Predicates.
 *
 * For each item, in order:
 *
 *   1. decode: every token that is serialized (text or bytes, any format) is decoded as
 *      `Macaroon.deserialize` would, within `policy.limits`, the root first, then the discharges; the
 *      first one that fails makes the verdict MALFORMED with that DecodeError or LimitExceededError.
 *
 *   2. walk(mi, key, depth):                    // mi: index into the item's macaroons; 0 is the root
 *        visited.push(mi)
 *        sig = HMAC(key, M[mi].identifier)
 *        for each caveat ci of M[mi]:
 *          if it has no verification id:  sig = HMAC(sig, cid)
 *          else:
 *            k = secretbox_open(key = sig, nonce = vid[0:24], box = vid[24:])   // 72-byte vids only
 *            if k fails:                            record(DECRYPTION_FAILED, mi, ci)
 *            j = the first index >= 1 with M[j].identifier == cid
 *            if no j:                               record(DISCHARGE_MISSING, mi, ci)
 *            else if used[j]:                       record(DISCHARGE_REUSED, mi, ci)
 *            else:
 *              used[j] = true
 *              if depth + 1 > maxDischargeDepth:    record(DEPTH_EXCEEDED, mi, ci)
 *              else if k succeeded:                 walk(j, k, depth + 1)
 *            sig = HMAC(sig, HMAC(sig, vid) || HMAC(sig, cid))
 *        if mi != 0: sig = HMAC(Z, HMAC(Z, M[0].signature) || HMAC(Z, sig))   // Z = 32 zero bytes
 *        if !constantTimeEqual(sig, M[mi].signature): recordSignatureMismatch(mi)
 *
 *      walk(0, HMAC("macaroons-key-generator", rootKey), 0); then, unless allowUnusedDischarges,
 *      record(DISCHARGE_UNUSED, j, -1) for the first j >= 1 with !used[j].
 *
 *      record() keeps only the first structural failure; the walk goes on after one, so the chain is
 *      always computed in full (no early exit whose timing tells which caveat failed). The walk's status
 *      is the first structural failure if any, else SIGNATURE_MISMATCH for the first macaroon whose
 *      comparison failed (comparisons happen as each macaroon's walk ends), else OK.
 *
 *   3. judge (only when the walk is OK and predicates were given): the first first-party caveat, in walk
 *      order (visited, then caveat order), that `predicates.satisfies(cid, item.request)` refuses makes
 *      the verdict CAVEAT_NOT_SATISFIED (see ../predicates.ts; checks stop at that caveat).
 *
 * Without predicates the verdict is the walk's alone (go-macaroon's VerifySignature): for tests and for
 * callers that judge the caveats themselves.
 */
import type { MacaroonError } from '../errors.js';
import type { Limits } from '../limits.js';
import type { Predicates, RequestFacts } from '../predicates.js';

export const Status = Object.freeze({
  OK: 0,
  SIGNATURE_MISMATCH: 1,
  DECRYPTION_FAILED: 2,
  DISCHARGE_MISSING: 3,
  DISCHARGE_REUSED: 4,
  DISCHARGE_UNUSED: 5,
  DEPTH_EXCEEDED: 6,
  CAVEAT_NOT_SATISFIED: 7,
  /** A token could not be decoded: the verdict's `error` says why. */
  MALFORMED: 8,
} as const);
export type StatusCode = (typeof Status)[keyof typeof Status];

/** What an engine needs of one decoded macaroon: the signed content and the claimed signature. */
export interface ChainMacaroon {
  readonly identifier: Uint8Array;
  readonly caveats: readonly { readonly identifier: Uint8Array; readonly verificationId?: Uint8Array }[];
  readonly signature: Uint8Array;
}

/** A macaroon as serialized (text or bytes, any format), or already decoded. */
export type Token = string | Uint8Array | ChainMacaroon;

export interface EngineItem {
  /** The root key as the user gave it (the engine derives it); a string means its UTF-8 bytes. */
  readonly rootKey: string | Uint8Array;
  /** The root macaroon first, then the discharges as sent (at most limits.maxDischarges of them). */
  readonly macaroons: readonly Token[];
  /** The request's own exact predicates and context, for the judgement. */
  readonly request?: RequestFacts;
}

export interface WalkPolicy {
  readonly allowUnusedDischarges: boolean;
  readonly maxDischargeDepth: number;
  /** Limits for decoding serialized tokens (default DEFAULT_LIMITS). */
  readonly limits?: Limits;
}

export interface Verdict {
  readonly status: StatusCode;
  /** For a failure: the macaroon (index into item.macaroons) it concerns; -1 for OK and MALFORMED. */
  readonly macaroon: number;
  /** For a failure about a caveat: its index in that macaroon; otherwise -1. */
  readonly caveat: number;
  /** Indexes of the macaroons walked, in walk order (the root first); empty when MALFORMED. */
  readonly visited: readonly number[];
  /**
   * What a failure's message names: the caveat identifier for DISCHARGE_MISSING, DISCHARGE_REUSED,
   * DEPTH_EXCEEDED and CAVEAT_NOT_SATISFIED, the unused discharge's identifier for DISCHARGE_UNUSED.
   */
  readonly subject?: Uint8Array;
  /** For MALFORMED: the decoding error. */
  readonly error?: MacaroonError;
}

/**
 * The engines: the TypeScript one, and the two builds of the WebAssembly one.
 *
 * @example
 * ```ts
 * const name: EngineName = new Verifier().engine;
 * if (name === 'js') console.warn('WebAssembly engine not loaded: await ready() first');
 * ```
 */
export type EngineName = 'js' | 'wasm-simd' | 'wasm-scalar';

/**
 * An HMAC-SHA256 chain, for token formats that chain HMACs over other bytes than libmacaroons' (Fly.io's):
 * tag[0] = HMAC(key, messages[0]), tag[i] = HMAC(tag[i - 1], messages[i]). A key over 64 bytes is hashed
 * first (RFC 2104).
 */
export interface HmacChain {
  readonly key: Uint8Array;
  /** At least one. */
  readonly messages: readonly Uint8Array[];
  /** Every tag (32 bytes each, in order), not only the last. */
  readonly keepAll?: boolean | undefined;
}

export interface Engine {
  /** 'js', 'wasm-simd' or 'wasm-scalar'. */
  readonly name: EngineName;
  /** One verdict per item, each exactly what verifying that item alone gives. */
  verify(items: readonly EngineItem[], policy: WalkPolicy, predicates?: Predicates): Verdict[];
  /**
   * The tags of each chain (./ts-chains.ts, ./wasm-chains.ts): the last one, or every one with
   * `keepAll`, concatenated. Absent from engines built before it.
   */
  hmacChains?(chains: readonly HmacChain[]): Uint8Array[];
}

/** Whether a token is still serialized. */
export function isSerialized(token: unknown): token is string | Uint8Array {
  return typeof token === 'string' || token instanceof Uint8Array;
}
