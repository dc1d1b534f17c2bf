/**
 * How a batch is laid out in the engine module's memory (the tables assembly/chain.ts reads). All tables
 * are u32 words; byte fields follow them, root keys first so they can be wiped as one range.
 *
 *   job:      rootKeyOff, rootKeyLen, macCount, macTableOff, outOff
 *   macaroon: idOff, idLen, caveatCount, caveatTableOff, sigOff, sigLen
 *   caveat:   cidOff, cidLen, vidOff (NO_VID when first-party), vidLen
 *   out:      status, macaroon, caveat, visitedCount, visited[macCount]
 */
import type { VerificationJob } from './types.js';

export const JOB_WORDS = 5;
export const MAC_WORDS = 6;
export const CAVEAT_WORDS = 4;
export const OUT_HEADER_WORDS = 4;
export const NO_VID = 0xffffffff;
/** Walk scratch per macaroon: a used flag and a 48-byte frame (assembly/chain.ts FRAME_SIZE). */
const SCRATCH_PER_MACAROON = 49;

/** What one job adds to a chunk. */
export interface JobSize {
  /** u32 words of tables and output. */
  words: number;
  /** Bytes of root key. */
  keyBytes: number;
  /** Bytes of identifiers, signatures and caveat fields. */
  fieldBytes: number;
  macaroons: number;
}

export function measureJob(job: VerificationJob, size: JobSize): void {
  const macaroons = job.macaroons;
  let words = JOB_WORDS + OUT_HEADER_WORDS + macaroons.length * (MAC_WORDS + 1);
  let fieldBytes = 0;
  for (const m of macaroons) {
    fieldBytes += m.identifier.length + m.signature.length;
    const caveats = m.caveats;
    words += caveats.length * CAVEAT_WORDS;
    for (const c of caveats) {
      fieldBytes += c.identifier.length;
      if (c.verificationId) fieldBytes += c.verificationId.length;
    }
  }
  size.words = words;
  size.keyBytes = job.rootKey.length;
  size.fieldBytes = fieldBytes;
  size.macaroons = macaroons.length;
}

export function scratchBytes(maxMacaroons: number): number {
  return align16(maxMacaroons * SCRATCH_PER_MACAROON + 16);
}

export function align16(n: number): number {
  return (n + 15) & ~15;
}
