// Exports shared by both builds (batch.ts, batch-simd.ts): the heap base JS lays batches out from, and
// single primitives for the sweeps that check them against node:crypto and noble. Every export takes
// and returns i32 only, so the module needs no bindings and no imports; each returns -1 instead of
// touching memory it was not given.
import { deriveKey, inBounds, initFixedKeys, JOB_SIZE } from './chain';
import { exactTableFits } from './exact';
import { hmac32 } from './hmac';
import { secretboxOpen } from './secretbox';
import { hashFrom, IV } from './sha256';
import { caveatTime } from './time';

initFixedKeys();

/** The table of jobs or the scratch area does not fit in memory. */
export const BATCH_INVALID: i32 = -1;

/**
 * Whether the job table, the scratch area, the exact table and the clocks (an f64 per job, 0: none)
 * handed to verifyBatch lie in memory.
 */
export function batchFits(
  jobCount: u32,
  jobTable: u32,
  scratch: u32,
  scratchLen: u32,
  exactTable: u32,
  clocks: u32,
): bool {
  return (
    inBounds(jobTable, u64(jobCount) * JOB_SIZE, false) &&
    inBounds(scratch, scratchLen, true) &&
    exactTableFits(exactTable) &&
    (clocks === 0 || (exactTable !== 0 && inBounds(clocks, u64(jobCount) * 8, false)))
  );
}

/**
 * The instant a caveat time at [at, at + len) names (assembly/time.ts), NaN when it is not in an
 * accepted form or does not lie in memory: for the tests that hold it to src/time-caveat.ts.
 */
export function caveatDeadline(at: u32, len: u32): f64 {
  if (!inBounds(at, len, false)) return NaN;
  return caveatTime(at, len);
}

/** Where the module's static data ends: JS lays out batches from here (16-byte aligned) upwards. */
export function heapBase(): u32 {
  return u32(__heap_base);
}

export function sha256(msg: u32, len: u32, out: u32): i32 {
  if (!inBounds(msg, len, false) || !inBounds(out, 32, true)) return -1;
  hashFrom(IV, 0, msg, len, out);
  return 0;
}

export function hmacSha256(key: u32, msg: u32, len: u32, out: u32): i32 {
  if (!inBounds(key, 32, false) || !inBounds(msg, len, false) || !inBounds(out, 32, true)) return -1;
  hmac32(key, msg, len, out);
  return 0;
}

export function deriveRootKey(key: u32, len: u32, out: u32): i32 {
  if (!inBounds(key, len, false) || !inBounds(out, 32, true)) return -1;
  deriveKey(key, len, out);
  return 0;
}

export function openVerificationId(key: u32, vid: u32, out: u32): i32 {
  if (!inBounds(key, 32, false) || !inBounds(vid, 72, false) || !inBounds(out, 32, true)) return -1;
  return secretboxOpen(key, vid, out) ? 1 : 0;
}
