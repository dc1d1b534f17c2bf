// The SIMD build's entry: the same exports as batch.ts, with batches verified four jobs at a time
// (lanes.ts). A single job gains nothing from lanes and takes the scalar walk.
import { LAYOUT_INVALID, resetKeyCache, verifyJob, wipeChain } from './chain';
import { BATCH_INVALID, batchFits } from './exports';
import { wipeHmac } from './hmac';
import { verifyLanes, wipeLanes } from './lanes';
import { wipeSecretbox } from './secretbox';
import { wipeSha256 } from './sha256';
import { wipeSha256x4 } from './sha256x4';

export { decodeBase64InPlace } from './base64';
export { hmacChains } from './chains-lanes';
export { deriveRootKey, heapBase, hmacSha256, openVerificationId, sha256 } from './exports';

/** How many tokens one compression serves; JS gives verifyBatch this many times the scalar scratch. */
export function lanes(): u32 {
  return 4;
}

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
  if (jobCount === 1) {
    return verifyJob(jobTable, scratch, scratchLen, allowUnused !== 0, maxDepth) === LAYOUT_INVALID
      ? LAYOUT_INVALID
      : 0;
  }
  return verifyLanes(jobCount, jobTable, scratch, scratchLen, allowUnused !== 0, maxDepth);
}

export function wipe(): void {
  wipeSha256();
  wipeSha256x4();
  wipeHmac();
  wipeSecretbox();
  wipeChain();
  wipeLanes();
}
