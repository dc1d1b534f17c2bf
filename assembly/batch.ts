// The module's exports: one call verifies a whole batch laid out by JS (src/engine/wasm.ts). Exports
// take and return i32 only, so the module needs no bindings and no imports.
import { deriveKey, inBounds, initFixedKeys, JOB_SIZE, LAYOUT_INVALID, verifyJob, wipeChain } from './chain';
import { hmac32 } from './hmac';
import { secretboxOpen, wipeSecretbox } from './secretbox';
import { hashFrom, IV, wipeSha256 } from './sha256';

initFixedKeys();

/** The table of jobs itself does not fit in memory. */
const BATCH_INVALID: i32 = -1;

/** Where the module's static data ends: JS lays out batches from here (16-byte aligned) upwards. */
export function heapBase(): u32 {
  return u32(__heap_base);
}

/** How many tokens one compression serves: 1 for this scalar build. */
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
  if (!inBounds(jobTable, u64(jobCount) * JOB_SIZE, false)) return BATCH_INVALID;
  if (!inBounds(scratch, scratchLen, true)) return BATCH_INVALID;
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
  wipeSecretbox();
  wipeChain();
}

// Single primitives, for the sweeps that check them against node:crypto and noble. Each returns -1
// instead of touching memory it was not given.

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
