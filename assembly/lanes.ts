// The walk of chain.ts run on four tokens at once: each lane of compress4 belongs to one job, and the
// scalar code between compressions moves each lane's HMAC and walk forward independently, refilling a
// lane with the next job as soon as its job ends (Intel's multi-buffer scheduling). The walk is the same
// step for step as chain.ts verifyJob, written as a state machine that stops at every HMAC.
import {
  C_CID_LEN,
  C_CID_OFF,
  C_VID_LEN,
  C_VID_OFF,
  CAVEAT_SIZE,
  DECRYPTION_FAILED,
  DEPTH_EXCEEDED,
  DISCHARGE_MISSING,
  DISCHARGE_REUSED,
  DISCHARGE_UNUSED,
  F_CI,
  F_DEPTH,
  F_MI,
  F_SIG,
  FRAME_SIZE,
  findDischarge,
  J_KEY_LEN,
  J_KEY_OFF,
  J_MAC_COUNT,
  J_MAC_TABLE,
  J_OUT,
  JOB_SIZE,
  jobFits,
  KEYGEN_INNER,
  KEYGEN_OUTER,
  LAYOUT_INVALID,
  M_CAVEAT_COUNT,
  M_CAVEAT_TABLE,
  M_ID_LEN,
  M_ID_OFF,
  M_SIG_LEN,
  M_SIG_OFF,
  MAC_SIZE,
  NO_VID,
  O_CAVEAT,
  O_MACAROON,
  O_STATUS,
  O_VISITED,
  OK,
  OUT_HEADER,
  SIGNATURE_MISMATCH,
  signatureEquals,
  ZERO_INNER,
  ZERO_OUTER,
} from './chain';
import { clockOf, matchJob } from './exact';
import {
  compressLanes,
  copy32,
  digest32,
  fill32,
  HmacLane,
  messageBlock,
  messageBlockDone,
  outerBlock,
  outerPadFromInner,
  startMessage,
} from './hmac-lane';
import { secretboxOpen, VID_LENGTH } from './secretbox';
import { IV } from './sha256';

const LANES: u32 = 4;
const NO_KEY: u32 = 0xffffffff;

// Where a lane's HMAC is: the two pad blocks (only for a key without cached midstates), the message
// blocks (then one or two padding blocks), the outer block.
const P_IPAD: u32 = 0;
const P_OPAD: u32 = 1;
const P_MSG_START: u32 = 2;
const P_MSG: u32 = 3;
const P_OUTER: u32 = 4;

// What a lane's walk does when its HMAC completes.
const W_ENTER_ROOT: u32 = 0;
const W_NEXT: u32 = 1;
const W_HASH2_CID: u32 = 2;
const W_HASH2_FINAL: u32 = 3;
const W_HASH2_DONE: u32 = 4;
const W_BIND_SIG: u32 = 5;
const W_BIND_FINAL: u32 = 6;
const W_BIND_DONE: u32 = 7;

@unmanaged
class Lane extends HmacLane {
  // The HMAC in progress (with the fields of HmacLane): its key, or its inner pad midstate, and where
  // its digest goes.
  key: usize;
  inner: usize;
  out: usize;
  // The walk.
  step: u32;
  macTable: usize;
  macCount: u32;
  result: usize;
  used: usize;
  frames: usize;
  sp: u32;
  status: i32;
  failedMacaroon: i32;
  failedCaveat: i32;
  mismatch: i32;
  rootBound: bool;
  child: i32;
  cid: usize;
  cidLen: u32;
  /** The job's clock for the time check (NaN: none). */
  clock: f64;
  // The lane's own buffers.
  bufInner: usize;
  bufOuter: usize;
  padBlock: usize;
  sigInner: usize;
  sigOuter: usize;
  pair: usize;
  rootSigBound: usize;
  childKey: usize;
  // The pad midstates of the derived root key of the lane's previous job, by root key offset (as in
  // chain.ts: JS writes a root key shared by consecutive jobs once).
  keyInner: usize;
  keyOuter: usize;
  cachedKeyOff: u32;
  cachedKeyLen: u32;
}

// The descriptor's size comes from the struct itself, rounded to 16 bytes: it cannot drift from it.
const LANE_STRUCT: usize = (offsetof<Lane>() + 15) & ~15;
const LANE_BUFFERS: usize = 576;
const LANE_STRUCTS: usize = memory.data(i32(LANE_STRUCT * LANES), 16);
const BUFFERS: usize = memory.data(i32(LANE_BUFFERS * LANES), 16);
function lane(i: u32): Lane {
  return changetype<Lane>(LANE_STRUCTS + i * LANE_STRUCT);
}

function initLane(L: Lane, i: u32, scratch: usize): void {
  const b = BUFFERS + i * LANE_BUFFERS;
  L.bufInner = b;
  L.bufOuter = b + 32;
  L.state = b + 64;
  L.sigInner = b + 96;
  L.sigOuter = b + 128;
  L.rootSigBound = b + 160;
  L.childKey = b + 192;
  L.padBlock = b + 256;
  L.pair = b + 320;
  L.stage = b + 384;
  L.keyInner = b + 512;
  L.keyOuter = b + 544;
  L.cachedKeyOff = NO_KEY;
  L.used = scratch;
}

function keyed(L: Lane, key: usize, msg: usize, len: u32, out: usize, inner: usize, outer: usize): void {
  L.key = key;
  L.inner = inner;
  L.outer = outer;
  L.msg = msg;
  L.len = len;
  L.out = out;
  L.phase = P_IPAD;
}

function withMidstates(L: Lane, inner: usize, outer: usize, msg: usize, len: u32, out: usize): void {
  L.inner = inner;
  L.outer = outer;
  L.msg = msg;
  L.len = len;
  L.out = out;
  L.phase = P_MSG_START;
}

/** Points the lane at the state and block of its next compression. */
function prepare(L: Lane): void {
  const phase = L.phase;
  const pb = L.padBlock;
  if (phase === P_IPAD) {
    const ipad = i32x4.splat(0x36363636);
    v128.store(pb, v128.xor(v128.load(L.key), ipad));
    v128.store(pb, v128.xor(v128.load(L.key, 16), ipad), 16);
    fill32(pb + 32, ipad);
    copy32(L.inner, IV);
    L.statePtr = L.inner;
    L.blockPtr = pb;
    return;
  }
  if (phase === P_OPAD) {
    outerPadFromInner(pb);
    copy32(L.outer, IV);
    L.statePtr = L.outer;
    L.blockPtr = pb;
    return;
  }
  if (phase === P_MSG_START) {
    startMessage(L, L.inner);
    L.phase = P_MSG;
  }
  if (L.phase === P_MSG) messageBlock(L);
  else outerBlock(L);
}

/** Moves the lane's HMAC past the compression just done; true when its digest has been written. */
function after(L: Lane): bool {
  const phase = L.phase;
  if (phase === P_IPAD) {
    L.phase = P_OPAD;
    return false;
  }
  if (phase === P_OPAD) {
    L.phase = P_MSG_START;
    return false;
  }
  if (phase === P_MSG) {
    if (messageBlockDone(L)) L.phase = P_OUTER;
    return false;
  }
  digest32(L.out, L.state);
  return true;
}

function record(L: Lane, s: i32, mi: i32, ci: i32): void {
  if (L.status !== OK) return;
  L.status = s;
  L.failedMacaroon = mi;
  L.failedCaveat = ci;
}

function startJob(L: Lane, job: usize): void {
  const macCount = load<u32>(job, J_MAC_COUNT);
  L.macCount = macCount;
  L.macTable = load<u32>(job, J_MAC_TABLE);
  L.result = load<u32>(job, J_OUT);
  L.frames = (L.used + macCount + 15) & ~15;
  memory.fill(L.used, 0, macCount);
  L.sp = 0;
  L.status = OK;
  L.failedMacaroon = -1;
  L.failedCaveat = -1;
  L.mismatch = -1;
  L.rootBound = false;
  store<u32>(L.result, 0, O_VISITED);
  const keyOff = load<u32>(job, J_KEY_OFF);
  const keyLen = load<u32>(job, J_KEY_LEN);
  if (keyOff === L.cachedKeyOff && keyLen === L.cachedKeyLen) {
    enterFrom(L, 0, 0, L.keyInner, L.keyOuter);
    return;
  }
  withMidstates(L, KEYGEN_INNER, KEYGEN_OUTER, keyOff, keyLen, L.childKey);
  L.cachedKeyOff = keyOff;
  L.cachedKeyLen = keyLen;
  L.step = W_ENTER_ROOT;
}

/** Pushes macaroon `mi` and issues HMAC(childKey, identifier) into its frame. */
function enter(L: Lane, mi: u32, depth: u32): void {
  const f = pushFrame(L, mi, depth);
  const m = L.macTable + mi * MAC_SIZE;
  keyed(L, L.childKey, load<u32>(m, M_ID_OFF), load<u32>(m, M_ID_LEN), f + F_SIG, L.bufInner, L.bufOuter);
}

/** Pushes macaroon `mi` and issues HMAC(key, identifier) for a key whose pad midstates are known. */
function enterFrom(L: Lane, mi: u32, depth: u32, inner: usize, outer: usize): void {
  const f = pushFrame(L, mi, depth);
  const m = L.macTable + mi * MAC_SIZE;
  withMidstates(L, inner, outer, load<u32>(m, M_ID_OFF), load<u32>(m, M_ID_LEN), f + F_SIG);
}

function pushFrame(L: Lane, mi: u32, depth: u32): usize {
  const f = L.frames + L.sp * FRAME_SIZE;
  L.sp++;
  store<u32>(f, mi, F_MI);
  store<u32>(f, 0, F_CI);
  store<u32>(f, depth, F_DEPTH);
  const visited = load<u32>(L.result, O_VISITED);
  store<u32>(L.result + OUT_HEADER + visited * 4, mi);
  store<u32>(L.result, visited + 1, O_VISITED);
  L.step = W_NEXT;
  return f;
}

/** Compares the finished macaroon's signature and pops its frame. */
function leave(L: Lane, f: usize): void {
  const mi = load<u32>(f, F_MI);
  const m = L.macTable + mi * MAC_SIZE;
  if (!signatureEquals(f + F_SIG, load<u32>(m, M_SIG_OFF), load<u32>(m, M_SIG_LEN)) && L.mismatch < 0)
    L.mismatch = i32(mi);
  L.sp--;
}

function finishJob(L: Lane, allowUnused: bool): void {
  finishWalk(L, allowUnused);
  if (exactTable !== 0 && L.status === OK) matchJob(exactTable, L.macTable, L.macCount, L.result, L.clock);
}

function finishWalk(L: Lane, allowUnused: bool): void {
  if (!allowUnused) {
    for (let j: u32 = 1; j < L.macCount; j++) {
      if (load<u8>(L.used + j) === 0) {
        record(L, DISCHARGE_UNUSED, i32(j), -1);
        break;
      }
    }
  }
  if (L.status === OK && L.mismatch >= 0) record(L, SIGNATURE_MISMATCH, L.mismatch, -1);
  store<i32>(L.result, L.status, O_STATUS);
  store<i32>(L.result, L.failedMacaroon, O_MACAROON);
  store<i32>(L.result, L.failedCaveat, O_CAVEAT);
}

/** Runs the lane's walk until it issues its next HMAC (true) or finishes its job (false). */
function advance(L: Lane, allowUnused: bool, maxDepth: i32): bool {
  while (true) {
    const step = L.step;
    if (step === W_ENTER_ROOT) {
      // The derived root key's pads go to the lane's cache, for later jobs that share the key.
      const root = pushFrame(L, 0, 0);
      const id = load<u32>(L.macTable, M_ID_OFF);
      keyed(L, L.childKey, id, load<u32>(L.macTable, M_ID_LEN), root + F_SIG, L.keyInner, L.keyOuter);
      return true;
    }
    const f = L.frames + (L.sp - 1) * FRAME_SIZE;
    const sig = f + F_SIG;
    if (step === W_HASH2_CID) {
      withMidstates(L, L.sigInner, L.sigOuter, L.cid, L.cidLen, L.pair + 32);
      L.step = W_HASH2_FINAL;
      return true;
    }
    if (step === W_HASH2_FINAL) {
      withMidstates(L, L.sigInner, L.sigOuter, L.pair, 64, sig);
      L.step = W_HASH2_DONE;
      return true;
    }
    if (step === W_HASH2_DONE) {
      if (L.child >= 0) {
        enter(L, u32(L.child), load<u32>(f, F_DEPTH) + 1);
        return true;
      }
      L.step = W_NEXT;
      continue;
    }
    if (step === W_BIND_SIG) {
      copy32(L.pair, L.rootSigBound);
      withMidstates(L, ZERO_INNER, ZERO_OUTER, sig, 32, L.pair + 32);
      L.step = W_BIND_FINAL;
      return true;
    }
    if (step === W_BIND_FINAL) {
      withMidstates(L, ZERO_INNER, ZERO_OUTER, L.pair, 64, sig);
      L.step = W_BIND_DONE;
      return true;
    }
    if (step === W_BIND_DONE) {
      leave(L, f);
      L.step = W_NEXT;
      continue;
    }
    // W_NEXT: the top frame's signature is current; take its next caveat, or end the macaroon.
    const mi = load<u32>(f, F_MI);
    const m = L.macTable + mi * MAC_SIZE;
    const ci = load<u32>(f, F_CI);
    if (ci < load<u32>(m, M_CAVEAT_COUNT)) {
      store<u32>(f, ci + 1, F_CI);
      const c = usize(load<u32>(m, M_CAVEAT_TABLE) + ci * CAVEAT_SIZE);
      const cid = usize(load<u32>(c, C_CID_OFF));
      const cidLen = load<u32>(c, C_CID_LEN);
      const vid = load<u32>(c, C_VID_OFF);
      if (vid === NO_VID) {
        keyed(L, sig, cid, cidLen, sig, L.bufInner, L.bufOuter);
        return true;
      }
      const vidLen = load<u32>(c, C_VID_LEN);
      const opened = vidLen === VID_LENGTH && secretboxOpen(sig, vid, L.childKey);
      if (!opened) record(L, DECRYPTION_FAILED, mi, ci);
      const j = findDischarge(L.macTable, L.macCount, cid, cidLen);
      L.child = -1;
      if (j < 0) {
        record(L, DISCHARGE_MISSING, mi, ci);
      } else if (load<u8>(L.used + j) !== 0) {
        record(L, DISCHARGE_REUSED, mi, ci);
      } else {
        store<u8>(L.used + j, 1);
        if (i64(load<u32>(f, F_DEPTH)) + 1 > i64(maxDepth)) record(L, DEPTH_EXCEEDED, mi, ci);
        else if (opened) L.child = j;
      }
      L.cid = cid;
      L.cidLen = cidLen;
      // hash2: the first HMAC keeps sig's pad midstates for the other two.
      keyed(L, sig, vid, vidLen, L.pair, L.sigInner, L.sigOuter);
      L.step = W_HASH2_CID;
      return true;
    }
    if (mi !== 0) {
      L.step = W_BIND_SIG;
      if (!L.rootBound) {
        L.rootBound = true;
        const root = L.macTable;
        withMidstates(
          L,
          ZERO_INNER,
          ZERO_OUTER,
          load<u32>(root, M_SIG_OFF),
          load<u32>(root, M_SIG_LEN),
          L.rootSigBound,
        );
        return true;
      }
      continue;
    }
    leave(L, f);
    finishJob(L, allowUnused);
    return false;
  }
}

let nextJob: u32 = 0;
let layoutInvalid = false;
/** The exact-predicate table of the call (0: no matching). */
let exactTable: usize = 0;
/** The clocks of the call's jobs, an f64 each (0: no time check). */
let clocks: usize = 0;

function takeJob(L: Lane, jobCount: u32, jobTable: usize, laneScratch: u32): bool {
  if (nextJob >= jobCount || layoutInvalid) return false;
  const job = jobTable + nextJob * JOB_SIZE;
  L.clock = clockOf(clocks, nextJob);
  nextJob++;
  if (!jobFits(job, laneScratch, exactTable !== 0)) {
    layoutInvalid = true;
    return false;
  }
  startJob(L, job);
  return true;
}

/**
 * Verifies the jobs of the table four at a time; `scratch` is split between the lanes. The table,
 * scratch and exact table have been checked by the caller; each job is checked as a lane takes it.
 */
export function verifyLanes(
  jobCount: u32,
  jobTable: usize,
  scratch: usize,
  scratchLen: u32,
  allowUnused: bool,
  maxDepth: i32,
  table: usize,
  jobClocks: usize,
): i32 {
  const laneScratch = (scratchLen / LANES) & ~15;
  nextJob = 0;
  layoutInvalid = false;
  exactTable = table;
  clocks = jobClocks;
  let active: u32 = 0;
  for (let i: u32 = 0; i < LANES; i++) {
    const L = lane(i);
    initLane(L, i, scratch + i * laneScratch);
    if (takeJob(L, jobCount, jobTable, laneScratch)) active |= 1 << i;
  }
  while (active !== 0 && !layoutInvalid) {
    for (let i: u32 = 0; i < LANES; i++) if (active & (1 << i)) prepare(lane(i));
    compressLanes(active, LANE_STRUCTS, LANE_STRUCT);
    for (let i: u32 = 0; i < LANES; i++) {
      if (!(active & (1 << i))) continue;
      const L = lane(i);
      if (after(L) && !advance(L, allowUnused, maxDepth) && !takeJob(L, jobCount, jobTable, laneScratch))
        active &= ~(1 << i);
    }
  }
  return layoutInvalid ? LAYOUT_INVALID : 0;
}

export function wipeLanes(): void {
  memory.fill(BUFFERS, 0, LANE_BUFFERS * LANES);
  memory.fill(LANE_STRUCTS, 0, LANE_STRUCT * LANES);
}
