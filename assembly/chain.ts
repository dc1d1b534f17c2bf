// The signature chain and the discharge-tree walk of src/engine/types.ts, over tables laid out by JS
// (src/engine/layout.ts).
// Every offset and length is checked against memory before the walk starts, so the walk itself cannot
// read out of bounds.

import {
  CAVEAT_CID_LEN,
  CAVEAT_CID_OFF,
  CAVEAT_VID_LEN,
  CAVEAT_VID_OFF,
  CAVEAT_WORDS,
  FRAME_SIZE,
  JOB_KEY_LEN,
  JOB_KEY_OFF,
  JOB_MAC_COUNT,
  JOB_MAC_TABLE,
  JOB_OUT,
  JOB_WORDS,
  MAC_CAVEAT_COUNT,
  MAC_CAVEAT_TABLE,
  MAC_ID_LEN,
  MAC_ID_OFF,
  MAC_SIG_LEN,
  MAC_SIG_OFF,
  MAC_WORDS,
  NO_VID,
  OUT_CAVEAT,
  OUT_HEADER_WORDS,
  OUT_MACAROON,
  OUT_STATUS,
  OUT_VISITED_COUNT,
  SCRATCH_PER_MACAROON,
  UNMATCHED_WORDS_PER_CAVEAT,
} from '../src/engine/layout';
import { hmac32, hmacFrom, padMidstates } from './hmac';
import { secretboxOpen, VID_LENGTH } from './secretbox';
import { copy32 } from './sha256';

// Walk statuses (src/engine/types.ts Status).
export const OK: i32 = 0;
export const SIGNATURE_MISMATCH: i32 = 1;
export const DECRYPTION_FAILED: i32 = 2;
export const DISCHARGE_MISSING: i32 = 3;
export const DISCHARGE_REUSED: i32 = 4;
export const DISCHARGE_UNUSED: i32 = 5;
export const DEPTH_EXCEEDED: i32 = 6;

/** A job whose tables point outside memory or into the module's own data. */
export const LAYOUT_INVALID: i32 = -2;

// The table layouts and the walk frame: src/engine/layout.ts, the one definition shared with the TS
// side. Byte offsets of each table entry's fields follow from its word indexes.
export const JOB_SIZE: u32 = JOB_WORDS * 4;
export const MAC_SIZE: u32 = MAC_WORDS * 4;
export const CAVEAT_SIZE: u32 = CAVEAT_WORDS * 4;
export const OUT_HEADER: u32 = OUT_HEADER_WORDS * 4;
export const J_KEY_OFF: u32 = JOB_KEY_OFF * 4;
export const J_KEY_LEN: u32 = JOB_KEY_LEN * 4;
export const J_MAC_COUNT: u32 = JOB_MAC_COUNT * 4;
export const J_MAC_TABLE: u32 = JOB_MAC_TABLE * 4;
export const J_OUT: u32 = JOB_OUT * 4;
export const M_ID_OFF: u32 = MAC_ID_OFF * 4;
export const M_ID_LEN: u32 = MAC_ID_LEN * 4;
export const M_CAVEAT_COUNT: u32 = MAC_CAVEAT_COUNT * 4;
export const M_CAVEAT_TABLE: u32 = MAC_CAVEAT_TABLE * 4;
export const M_SIG_OFF: u32 = MAC_SIG_OFF * 4;
export const M_SIG_LEN: u32 = MAC_SIG_LEN * 4;
export const C_CID_OFF: u32 = CAVEAT_CID_OFF * 4;
export const C_CID_LEN: u32 = CAVEAT_CID_LEN * 4;
export const C_VID_OFF: u32 = CAVEAT_VID_OFF * 4;
export const C_VID_LEN: u32 = CAVEAT_VID_LEN * 4;
export const O_STATUS: u32 = OUT_STATUS * 4;
export const O_MACAROON: u32 = OUT_MACAROON * 4;
export const O_CAVEAT: u32 = OUT_CAVEAT * 4;
export const O_VISITED: u32 = OUT_VISITED_COUNT * 4;
export { FRAME_SIZE, NO_VID };

// A walk frame: the macaroon walked, its next caveat, its depth and its running signature.
export const F_MI: u32 = 0;
export const F_CI: u32 = 4;
export const F_DEPTH: u32 = 8;
export const F_SIG: u32 = 16;

// Fixed-key pad midstates (computed once at instantiation) and per-call scratch.
export const KEYGEN_INNER: usize = memory.data(32, 16);
export const KEYGEN_OUTER: usize = memory.data(32, 16);
export const ZERO_INNER: usize = memory.data(32, 16);
export const ZERO_OUTER: usize = memory.data(32, 16);
const SIG_INNER: usize = memory.data(32, 16);
const SIG_OUTER: usize = memory.data(32, 16);
const PAIR: usize = memory.data(64, 16);
const ROOT_BOUND: usize = memory.data(32, 16);
const CHILD_KEY: usize = memory.data(32, 16);
const ZERO_KEY: usize = memory.data(32, 16);
const KEY_GENERATOR: usize = memory.data<u8>([
  // "macaroons-key-generator": libmacaroons' generate_derived_key.
  0x6d, 0x61, 0x63, 0x61, 0x72, 0x6f, 0x6f, 0x6e, 0x73, 0x2d, 0x6b, 0x65, 0x79, 0x2d, 0x67, 0x65, 0x6e, 0x65,
  0x72, 0x61, 0x74, 0x6f, 0x72,
]);

export function initFixedKeys(): void {
  padMidstates(KEY_GENERATOR, 23, KEYGEN_INNER, KEYGEN_OUTER);
  padMidstates(ZERO_KEY, 32, ZERO_INNER, ZERO_OUTER);
}

/** HMAC("macaroons-key-generator", key). */
export function deriveKey(key: usize, len: u32, out: usize): void {
  hmacFrom(KEYGEN_INNER, KEYGEN_OUTER, key, len, out);
}

/** hash2(sig, vid, cid) written back over `sig`: the three HMACs share one pair of pad midstates. */
function hash2(sig: usize, vid: usize, vidLen: u32, cid: usize, cidLen: u32): void {
  padMidstates(sig, 32, SIG_INNER, SIG_OUTER);
  hmacFrom(SIG_INNER, SIG_OUTER, vid, vidLen, PAIR);
  hmacFrom(SIG_INNER, SIG_OUTER, cid, cidLen, PAIR + 32);
  hmacFrom(SIG_INNER, SIG_OUTER, PAIR, 64, sig);
}

/** Compares 32 bytes at `a` with `bLen` bytes at `b` without an early exit. */
export function signatureEquals(a: usize, b: usize, bLen: u32): bool {
  if (bLen !== 32) return false;
  let diff: u64 = 0;
  for (let i: usize = 0; i < 32; i += 8) diff |= load<u64>(a + i) ^ load<u64>(b + i);
  return diff === 0;
}

function bytesEqual(a: usize, aLen: u32, b: usize, bLen: u32): bool {
  if (aLen !== bLen) return false;
  for (let i: u32 = 0; i < aLen; i++) if (load<u8>(a + i) !== load<u8>(b + i)) return false;
  return true;
}

/** Whether [off, off + len) lies inside memory; with `writable`, also above the module's own data. */
export function inBounds(off: u64, len: u64, writable: bool): bool {
  const size = u64(memory.size()) << 16;
  if (writable && off < u64(__heap_base)) return false;
  return off <= size && len <= size - off;
}

/**
 * Checks every table, field and output region a job refers to, and the scratch it will need. With
 * `matching`, the output also needs room for the caveats exact matching may list (assembly/exact.ts).
 */
export function jobFits(job: usize, scratchLen: u32, matching: bool): bool {
  const macCount = load<u32>(job, J_MAC_COUNT);
  const macTable = load<u32>(job, J_MAC_TABLE);
  if (macCount === 0) return false;
  if (!inBounds(load<u32>(job, J_KEY_OFF), load<u32>(job, J_KEY_LEN), false)) return false;
  if (!inBounds(macTable, u64(macCount) * MAC_SIZE, false)) return false;
  if (u64(scratchLen) < u64(macCount) * SCRATCH_PER_MACAROON + 16) return false;
  const size = u64(memory.size()) << 16;
  let caveats: u64 = 0;
  for (let mi: u32 = 0; mi < macCount; mi++) {
    const m = usize(macTable + mi * MAC_SIZE);
    if (!fits(load<u32>(m, M_ID_OFF), load<u32>(m, M_ID_LEN), size)) return false;
    if (!fits(load<u32>(m, M_SIG_OFF), load<u32>(m, M_SIG_LEN), size)) return false;
    const caveatCount = load<u32>(m, M_CAVEAT_COUNT);
    const caveatTable = load<u32>(m, M_CAVEAT_TABLE);
    caveats += caveatCount;
    if (!fits(caveatTable, u64(caveatCount) * CAVEAT_SIZE, size)) return false;
    for (let ci: u32 = 0; ci < caveatCount; ci++) {
      const c = usize(caveatTable + ci * CAVEAT_SIZE);
      if (!fits(load<u32>(c, C_CID_OFF), load<u32>(c, C_CID_LEN), size)) return false;
      const vid = load<u32>(c, C_VID_OFF);
      if (vid !== NO_VID && !fits(vid, load<u32>(c, C_VID_LEN), size)) return false;
    }
  }
  const outBytes =
    OUT_HEADER + u64(macCount) * 4 + (matching ? 4 + caveats * UNMATCHED_WORDS_PER_CAVEAT * 4 : 0);
  return inBounds(load<u32>(job, J_OUT), outBytes, true);
}

/** inBounds for reading, with the memory size read once per job. */
function fits(off: u64, len: u64, size: u64): bool {
  return off <= size && len <= size - off;
}

// The walk's outcome, reset per job (the walk is single-threaded and not re-entrant).
let status: i32 = OK;
let failedMacaroon: i32 = -1;
let failedCaveat: i32 = -1;
let mismatch: i32 = -1;

/** Keeps only the first structural failure. */
function record(s: i32, mi: i32, ci: i32): void {
  if (status !== OK) return;
  status = s;
  failedMacaroon = mi;
  failedCaveat = ci;
}

export function findDischarge(macTable: usize, macCount: u32, cid: usize, cidLen: u32): i32 {
  for (let j: u32 = 1; j < macCount; j++) {
    const m = macTable + j * MAC_SIZE;
    if (bytesEqual(load<u32>(m, M_ID_OFF), load<u32>(m, M_ID_LEN), cid, cidLen)) return i32(j);
  }
  return -1;
}

/**
 * The root key of the previous job, by its offset: JS writes a root key shared by consecutive jobs once,
 * so a repeated offset within one call means the same key, whose derived key's pad midstates are kept
 * here (saving the derivation and both pad compressions). Reset at every call, as offsets are reused.
 */
const NO_KEY: u32 = 0xffffffff;
let cachedKeyOff: u32 = NO_KEY;
let cachedKeyLen: u32 = 0;
const ROOT_INNER: usize = memory.data(32, 16);
const ROOT_OUTER: usize = memory.data(32, 16);

export function resetKeyCache(): void {
  cachedKeyOff = NO_KEY;
}

/** Starts the walk of macaroon `mi` in `frame`; its signature starts as HMAC(key, identifier). */
function enter(frame: usize, macTable: usize, mi: u32, depth: u32, key: usize, out: usize): void {
  padMidstates(key, 32, SIG_INNER, SIG_OUTER);
  enterFrom(frame, macTable, mi, depth, SIG_INNER, SIG_OUTER, out);
}

/** enter() for a key whose pad midstates are at `inner` and `outer`. */
function enterFrom(
  frame: usize,
  macTable: usize,
  mi: u32,
  depth: u32,
  inner: usize,
  outer: usize,
  out: usize,
): void {
  const m = macTable + mi * MAC_SIZE;
  store<u32>(frame, mi, F_MI);
  store<u32>(frame, 0, F_CI);
  store<u32>(frame, depth, F_DEPTH);
  hmacFrom(inner, outer, load<u32>(m, M_ID_OFF), load<u32>(m, M_ID_LEN), frame + F_SIG);
  const visited = load<u32>(out, O_VISITED);
  store<u32>(out + OUT_HEADER + visited * 4, mi);
  store<u32>(out, visited + 1, O_VISITED);
}

/**
 * Verifies one job (the walk of src/engine/types.ts, with an explicit stack instead of recursion: a
 * caveat's hash2 does not depend on its discharge's walk, so the parent's signature advances before the
 * child is pushed). Writes the verdict to the job's output; returns LAYOUT_INVALID without reading
 * anything out of bounds when the job's tables do not fit (with `matching`, the output's room for
 * exact matching included).
 */
export function verifyJob(
  job: usize,
  scratch: usize,
  scratchLen: u32,
  allowUnused: bool,
  maxDepth: i32,
  matching: bool,
): i32 {
  if (!jobFits(job, scratchLen, matching)) return LAYOUT_INVALID;
  const macCount = load<u32>(job, J_MAC_COUNT);
  const macTable = usize(load<u32>(job, J_MAC_TABLE));
  const out = usize(load<u32>(job, J_OUT));
  const used = scratch;
  const frames = (scratch + macCount + 15) & ~15;
  memory.fill(used, 0, macCount);
  status = OK;
  failedMacaroon = -1;
  failedCaveat = -1;
  mismatch = -1;
  store<u32>(out, 0, O_VISITED);
  let rootBound = false;

  const keyOff = load<u32>(job, J_KEY_OFF);
  const keyLen = load<u32>(job, J_KEY_LEN);
  if (keyOff !== cachedKeyOff || keyLen !== cachedKeyLen) {
    deriveKey(keyOff, keyLen, CHILD_KEY);
    padMidstates(CHILD_KEY, 32, ROOT_INNER, ROOT_OUTER);
    cachedKeyOff = keyOff;
    cachedKeyLen = keyLen;
  }
  enterFrom(frames, macTable, 0, 0, ROOT_INNER, ROOT_OUTER, out);
  let sp: u32 = 1;
  while (sp > 0) {
    const f = frames + (sp - 1) * FRAME_SIZE;
    const mi = load<u32>(f, F_MI);
    const m = macTable + mi * MAC_SIZE;
    const ci = load<u32>(f, F_CI);
    const sig = f + F_SIG;
    if (ci < load<u32>(m, M_CAVEAT_COUNT)) {
      store<u32>(f, ci + 1, F_CI);
      const c = usize(load<u32>(m, M_CAVEAT_TABLE) + ci * CAVEAT_SIZE);
      const cid = usize(load<u32>(c, C_CID_OFF));
      const cidLen = load<u32>(c, C_CID_LEN);
      const vid = load<u32>(c, C_VID_OFF);
      if (vid === NO_VID) {
        hmac32(sig, cid, cidLen, sig);
        continue;
      }
      const vidLen = load<u32>(c, C_VID_LEN);
      const opened = vidLen === VID_LENGTH && secretboxOpen(sig, vid, CHILD_KEY);
      if (!opened) record(DECRYPTION_FAILED, mi, ci);
      const j = findDischarge(macTable, macCount, cid, cidLen);
      let descend: bool = false;
      const depth = load<u32>(f, F_DEPTH);
      if (j < 0) {
        record(DISCHARGE_MISSING, mi, ci);
      } else if (load<u8>(used + j) !== 0) {
        record(DISCHARGE_REUSED, mi, ci);
      } else {
        store<u8>(used + j, 1);
        if (i64(depth) + 1 > i64(maxDepth)) record(DEPTH_EXCEEDED, mi, ci);
        else descend = opened;
      }
      hash2(sig, vid, vidLen, cid, cidLen);
      if (descend) {
        enter(frames + sp * FRAME_SIZE, macTable, u32(j), depth + 1, CHILD_KEY, out);
        sp++;
      }
      continue;
    }
    if (mi !== 0) {
      // Binding: hash2(Z, rootSig, sig); HMAC(Z, rootSig) is the same for every discharge of the job.
      if (!rootBound) {
        hmacFrom(
          ZERO_INNER,
          ZERO_OUTER,
          load<u32>(macTable, M_SIG_OFF),
          load<u32>(macTable, M_SIG_LEN),
          ROOT_BOUND,
        );
        rootBound = true;
      }
      copy32(PAIR, ROOT_BOUND);
      hmacFrom(ZERO_INNER, ZERO_OUTER, sig, 32, PAIR + 32);
      hmacFrom(ZERO_INNER, ZERO_OUTER, PAIR, 64, sig);
    }
    if (!signatureEquals(sig, load<u32>(m, M_SIG_OFF), load<u32>(m, M_SIG_LEN)) && mismatch < 0)
      mismatch = i32(mi);
    sp--;
  }

  if (!allowUnused) {
    for (let j: u32 = 1; j < macCount; j++) {
      if (load<u8>(used + j) === 0) {
        record(DISCHARGE_UNUSED, i32(j), -1);
        break;
      }
    }
  }
  if (status === OK && mismatch >= 0) record(SIGNATURE_MISMATCH, mismatch, -1);
  store<i32>(out, status, O_STATUS);
  store<i32>(out, failedMacaroon, O_MACAROON);
  store<i32>(out, failedCaveat, O_CAVEAT);
  return status;
}

export function wipeChain(): void {
  resetKeyCache();
  memory.fill(ROOT_INNER, 0, 32);
  memory.fill(ROOT_OUTER, 0, 32);
  memory.fill(SIG_INNER, 0, 32);
  memory.fill(SIG_OUTER, 0, 32);
  memory.fill(PAIR, 0, 64);
  memory.fill(ROOT_BOUND, 0, 32);
  memory.fill(CHILD_KEY, 0, 32);
}
