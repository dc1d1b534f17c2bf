// The scalar build's entry: one call verifies a whole batch laid out by JS (src/engine/wasm.ts), one
// job after another.
import { JOB_SIZE, LAYOUT_INVALID, resetKeyCache, verifyJob, wipeChain } from './chain';
import { BATCH_INVALID, batchFits } from './exports';
import { wipeHmac } from './hmac';
import { wipeSecretbox } from './secretbox';
import { wipeSha256 } from './sha256';

export { decodeBase64InPlace } from './base64';
export { hmacChains } from './chains';
export { deriveRootKey, heapBase, hmacSha256, openVerificationId, sha256 } from './exports';

/** How many tokens one compression serves. */
export function lanes(): u32 {
  return 1;
}

/**
 * Verifies `jobCount` jobs whose 20-byte entries start at `jobTable`, using `scratchLen` bytes at
 * `scratch` for walk state. Returns 0, or a negative code (and leaves later jobs unverified) when an
 * offset or length it was handed does not fit.
 */
export function verifyBatch(
  jobCount: u32,
  jobTable: u32,
  scratch: u32,
  scratchLen: u32,
  allowUnused: u32,
  maxDepth: i32,
): i32 {
  if (!batchFits(jobCount, jobTable, scratch, scratchLen)) return BATCH_INVALID;
  resetKeyCache();
  for (let i: u32 = 0; i < jobCount; i++) {
    if (
      verifyJob(jobTable + i * JOB_SIZE, scratch, scratchLen, allowUnused !== 0, maxDepth) === LAYOUT_INVALID
    )
      return LAYOUT_INVALID;
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
