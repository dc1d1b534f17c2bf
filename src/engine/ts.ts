/**
 * The pure-TS engine: the reference implementation of the walk in ./types.ts, and the fallback wherever
 * WebAssembly is unavailable.
 */
import { bytesEqual, constantTimeEqual } from '../bytes.js';
import { bindSignature, deriveKey, hash2, hmacSha256, openVerificationId } from '../crypto/keys.js';
import {
  type ChainMacaroon,
  type Engine,
  type EngineVerdict,
  Status,
  type StatusCode,
  type VerificationJob,
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

  verdict(): EngineVerdict {
    if (this.status === Status.OK && this.mismatch >= 0) {
      return {
        status: Status.SIGNATURE_MISMATCH,
        macaroon: this.mismatch,
        caveat: -1,
        visited: this.visited,
      };
    }
    return { status: this.status, macaroon: this.macaroon, caveat: this.caveat, visited: this.visited };
  }
}

export function verifyJob(job: VerificationJob, policy: WalkPolicy): EngineVerdict {
  const w = new Walk(job.macaroons, policy);
  w.walk(0, deriveKey(job.rootKey), 0);
  if (!policy.allowUnusedDischarges) {
    const unused = w.used.findIndex((u, j) => j > 0 && !u);
    if (unused > 0) w.record(Status.DISCHARGE_UNUSED, unused, -1);
  }
  return w.verdict();
}

export const tsEngine: Engine = {
  name: 'js',
  verifyBatch(jobs, policy) {
    return jobs.map((job) => verifyJob(job, policy));
  },
};
