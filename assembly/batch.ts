// The scalar build's entry: one call verifies a whole batch laid out by JS (src/engine/wasm.ts), one
// job after another.
import {
  J_MAC_COUNT,
  J_MAC_TABLE,
  J_OUT,
  JOB_SIZE,
  LAYOUT_INVALID,
  OK,
  resetKeyCache,
  verifyJob,
  wipeChain,
} from './chain';
import { clockOf, matchJob } from './exact';
import { BATCH_INVALID, batchFits } from './exports';
import { wipeHmac } from './hmac';
import { wipeSecretbox } from './secretbox';
import { wipeSha256 } from './sha256';

export { decodeBase64InPlace } from './base64';
export { hmacChains } from './chains';
export { caveatDeadline, deriveRootKey, heapBase, hmacSha256, openVerificationId, sha256 } from './exports';
export { parseItems } from './items';

/** How many tokens one compression serves. */
export function lanes(): u32 {
  return 1;
}

/**
 * Verifies `jobCount` jobs whose entries start at `jobTable`, using `scratchLen` bytes at `scratch` for
 * walk state; with an exact-predicate table (`exactTable` not 0), lists after each OK job's visited
 * list the first-party caveats it does not hold (with `clocks`, an f64 per job, not those the library's
 * `timeBefore` satisfies at the job's clock: ./time.ts). Returns 0, or a negative code (and leaves later jobs
 * unverified) when an offset or length it was handed does not fit.
 */
export function verifyBatch(
  jobCount: u32,
  jobTable: u32,
  scratch: u32,
  scratchLen: u32,
  allowUnused: u32,
  maxDepth: i32,
  exactTable: u32,
  clocks: u32,
): i32 {
  if (!batchFits(jobCount, jobTable, scratch, scratchLen, exactTable, clocks)) return BATCH_INVALID;
  resetKeyCache();
  const matching = exactTable !== 0;
  for (let i: u32 = 0; i < jobCount; i++) {
    const job = jobTable + i * JOB_SIZE;
    const status = verifyJob(job, scratch, scratchLen, allowUnused !== 0, maxDepth, matching);
    if (status === LAYOUT_INVALID) return LAYOUT_INVALID;
    if (matching && status === OK) {
      const macTable = load<u32>(job, J_MAC_TABLE);
      matchJob(exactTable, macTable, load<u32>(job, J_MAC_COUNT), load<u32>(job, J_OUT), clockOf(clocks, i));
    }
  }
  return 0;
}

/** Zeroes every static buffer that held keys or intermediate signatures. */
export function wipe(): void {
  wipeSha256();
  wipeHmac();
  wipeSecretbox();
  wipeChain();
}
