/**
 * The pure-TS engine: the reference implementation of the verification in ./types.ts, and the fallback
 * wherever WebAssembly is unavailable.
 */
import { bytesEqual, constantTimeEqual, toBytes } from '../bytes.js';
import { bindSignature, deriveKey, hash2, hmacSha256, openVerificationId } from '../crypto/keys.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { NO_FACTS, type Predicates } from '../predicates.js';
import { decodeTokens } from './decode.js';
import { hmacChainsTs } from './ts-chains.js';
import {
  type ChainMacaroon,
  type Engine,
  type EngineItem,
  Status,
  type StatusCode,
  type Verdict,
  type WalkPolicy,
} from './types.js';

class Walk {
  readonly used: boolean[];
  readonly visited: number[] = [];
  status: StatusCode = Status.OK;
  macaroon = -1;
  caveat = -1;
  mismatch = -1;

  constructor(
    readonly macaroons: readonly ChainMacaroon[],
    readonly policy: WalkPolicy,
  ) {
    this.used = macaroons.map(() => false);
  }

  record(status: StatusCode, macaroon: number, caveat: number): void {
    if (this.status !== Status.OK) return;
    this.status = status;
    this.macaroon = macaroon;
    this.caveat = caveat;
  }

  findDischarge(identifier: Uint8Array): number {
    for (let j = 1; j < this.macaroons.length; j++) {
      if (bytesEqual((this.macaroons[j] as ChainMacaroon).identifier, identifier)) return j;
    }
    return -1;
  }

  walk(mi: number, key: Uint8Array, depth: number): void {
    this.visited.push(mi);
    const m = this.macaroons[mi] as ChainMacaroon;
    let sig = hmacSha256(key, m.identifier);
    m.caveats.forEach((c, ci) => {
      const vid = c.verificationId;
      if (!vid) {
        sig = hmacSha256(sig, c.identifier);
        return;
      }
      const dischargeKey = openVerificationId(sig, vid);
      if (!dischargeKey) this.record(Status.DECRYPTION_FAILED, mi, ci);
      const j = this.findDischarge(c.identifier);
      if (j < 0) {
        this.record(Status.DISCHARGE_MISSING, mi, ci);
      } else if (this.used[j]) {
        this.record(Status.DISCHARGE_REUSED, mi, ci);
      } else {
        this.used[j] = true;
        if (depth + 1 > this.policy.maxDischargeDepth) this.record(Status.DEPTH_EXCEEDED, mi, ci);
        else if (dischargeKey) this.walk(j, dischargeKey, depth + 1);
      }
      sig = hash2(sig, vid, c.identifier);
    });
    if (mi !== 0) sig = bindSignature((this.macaroons[0] as ChainMacaroon).signature, sig);
    if (!constantTimeEqual(sig, m.signature) && this.mismatch < 0) this.mismatch = mi;
  }
}

/** Steps 2 and 3 of ./types.ts on decoded macaroons. */
export function verifyMacaroons(
  macaroons: readonly ChainMacaroon[],
  rootKey: Uint8Array,
  policy: WalkPolicy,
  predicates?: Predicates,
  request = NO_FACTS,
): Verdict {
  const w = new Walk(macaroons, policy);
  w.walk(0, deriveKey(rootKey), 0);
  if (!policy.allowUnusedDischarges) {
    const unused = w.used.findIndex((u, j) => j > 0 && !u);
    if (unused > 0) w.record(Status.DISCHARGE_UNUSED, unused, -1);
  }
  if (w.status === Status.OK && w.mismatch >= 0) w.record(Status.SIGNATURE_MISMATCH, w.mismatch, -1);
  if (w.status === Status.OK && predicates) {
    const failed = predicates.firstUnsatisfied(macaroons, w.visited, request);
    if (failed) w.record(Status.CAVEAT_NOT_SATISFIED, failed.macaroon, failed.caveat);
  }
  return verdictOf(w.status, w.macaroon, w.caveat, w.visited, macaroons);
}

/** A verdict, with the bytes its message names (see Verdict.subject). */
export function verdictOf(
  status: StatusCode,
  macaroon: number,
  caveat: number,
  visited: readonly number[],
  macaroons: readonly ChainMacaroon[],
): Verdict {
  if (status === Status.OK) return { status, macaroon: -1, caveat: -1, visited };
  if (status === Status.SIGNATURE_MISMATCH || status === Status.DECRYPTION_FAILED) {
    return { status, macaroon, caveat, visited };
  }
  const m = macaroons[macaroon] as ChainMacaroon;
  const subject =
    caveat < 0 ? m.identifier : (m.caveats[caveat] as ChainMacaroon['caveats'][number]).identifier;
  return { status, macaroon, caveat, visited, subject };
}

export const tsEngine: Engine = Object.freeze({
  name: 'js',
  verify(items: readonly EngineItem[], policy: WalkPolicy, predicates?: Predicates): Verdict[] {
    const limits = policy.limits ?? DEFAULT_LIMITS;
    return items.map((item) => {
      const macaroons = decodeTokens(item.macaroons, limits);
      if (!Array.isArray(macaroons)) {
        return { status: Status.MALFORMED, macaroon: -1, caveat: -1, visited: [], error: macaroons };
      }
      const key = toBytes(item.rootKey, 'rootKey');
      return verifyMacaroons(macaroons, key, policy, predicates, item.request);
    });
  },
  hmacChains: hmacChainsTs,
});
