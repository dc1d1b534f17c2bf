// The SIMD build's entry: the same exports as batch.ts, with batches verified four jobs at a time
// (lanes.ts). A single job gains nothing from lanes and takes the scalar walk.
import {
  J_MAC_COUNT,
  J_MAC_TABLE,
  J_OUT,
  LAYOUT_INVALID,
  OK,
  resetKeyCache,
  verifyJob,
  wipeChain,
} from './chain';
import { clockOf, matchJob } from './exact';
import { BATCH_INVALID, batchFits } from './exports';
import { wipeHmac } from './hmac';
import { verifyLanes, wipeLanes } from './lanes';
import { wipeSecretbox } from './secretbox';
import { wipeSha256 } from './sha256';
import { wipeSha256x4 } from './sha256x4';

export { decodeBase64InPlace } from './base64';
export { hmacChains } from './chains-lanes';
export { caveatDeadline, deriveRootKey, heapBase, hmacSha256, openVerificationId, sha256 } from './exports';
export { parseItems } from './items';

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
  exactTable: u32,
  clocks: u32,
): i32 {
  if (!batchFits(jobCount, jobTable, scratch, scratchLen, exactTable, clocks)) return BATCH_INVALID;
  resetKeyCache();
  const matching = exactTable !== 0;
  if (jobCount === 1) {
    const status = verifyJob(jobTable, scratch, scratchLen, allowUnused !== 0, maxDepth, matching);
    if (status === LAYOUT_INVALID) return LAYOUT_INVALID;
    if (matching && status === OK) {
      const job = usize(jobTable);
      const macTable = load<u32>(job, J_MAC_TABLE);
      matchJob(exactTable, macTable, load<u32>(job, J_MAC_COUNT), load<u32>(job, J_OUT), clockOf(clocks, 0));
    }
    return 0;
  }
  return verifyLanes(
    jobCount,
    jobTable,
    scratch,
    scratchLen,
    allowUnused !== 0,
    maxDepth,
    exactTable,
    clocks,
  );
}

export function wipe(): void {
  wipeSha256();
  wipeSha256x4();
  wipeHmac();
  wipeSecretbox();
  wipeChain();
  wipeLanes();
}
