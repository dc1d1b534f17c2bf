// The chains of chains.ts run four at a time on the SIMD build: each lane of compress4 carries one
// chain, the scalar code between compressions moves each lane's HMAC forward (key pads, message blocks,
// padding, outer block) and refills a lane with the next chain as soon as its chain ends (the
// multi-buffer scheduling of lanes.ts).
import {
  CH_KEEP,
  CH_MSG_COUNT,
  CH_MSG_TABLE,
  CH_OUT,
  CHAIN_SIZE,
  CHAINS_INVALID,
  chainsFit,
  keyBlock,
  MSG_LEN,
  MSG_OFF,
  MSG_SIZE,
  runChain,
  wipeChains,
} from './chains';
import { copy32, IV } from './sha256';
import { compress4, wipeSha256x4 } from './sha256x4';

const LANES: u32 = 4;

// Where a lane's HMAC is: the two pad blocks, the message blocks (then one or two padding blocks), the
// outer block.
const P_IPAD: u32 = 0;
const P_OPAD: u32 = 1;
const P_MSG: u32 = 2;
const P_OUTER: u32 = 3;

@unmanaged
class ChainLane {
  // The HMAC in progress.
  phase: u32;
  msg: usize;
  len: u32;
  rest: u32;
  padTotal: u32;
  padDone: u32;
  statePtr: usize;
  blockPtr: usize;
  // The chain.
  chain: usize;
  index: u32;
  count: u32;
  msgTable: usize;
  out: usize;
  keep: bool;
  // The lane's own buffers: the key's pad block bytes, the pad block, the two pad midstates, the running
  // state and the staging area of the last blocks.
  key: usize;
  pad: usize;
  inner: usize;
  outer: usize;
  state: usize;
  stage: usize;
}

const LANE_STRUCT: usize = (offsetof<ChainLane>() + 15) & ~15;
const LANE_BUFFERS: usize = 384;
const LANE_STRUCTS: usize = memory.data(i32(LANE_STRUCT * LANES), 16);
const BUFFERS: usize = memory.data(i32(LANE_BUFFERS * LANES), 16);
const IDLE_STATE: usize = memory.data(32, 16);
const IDLE_BLOCK: usize = memory.data(64, 16);

function lane(i: u32): ChainLane {
  return changetype<ChainLane>(LANE_STRUCTS + i * LANE_STRUCT);
}

function initLane(L: ChainLane, i: u32): void {
  const b = BUFFERS + i * LANE_BUFFERS;
  L.key = b;
  L.pad = b + 64;
  L.inner = b + 128;
  L.outer = b + 160;
  L.state = b + 192;
  L.stage = b + 256;
}

/** Points the lane at message `index` of its chain, keyed by the bytes in its key block. */
function startHmac(L: ChainLane): void {
  const m = L.msgTable + L.index * MSG_SIZE;
  L.msg = load<u32>(m, MSG_OFF);
  L.len = load<u32>(m, MSG_LEN);
  L.phase = P_IPAD;
}

function startChain(L: ChainLane, chain: usize): void {
  L.chain = chain;
  L.index = 0;
  L.count = load<u32>(chain, CH_MSG_COUNT);
  L.msgTable = load<u32>(chain, CH_MSG_TABLE);
  L.out = load<u32>(chain, CH_OUT);
  L.keep = load<u32>(chain, CH_KEEP) !== 0;
  keyBlock(chain, L.key);
  startHmac(L);
}

/** Points the lane at the state and block of its next compression. */
function prepare(L: ChainLane): void {
  const phase = L.phase;
  const pb = L.pad;
  if (phase === P_IPAD) {
    for (let i: usize = 0; i < 64; i += 4) store<u32>(pb + i, load<u32>(L.key + i) ^ 0x36363636);
    copy32(L.inner, IV);
    L.statePtr = L.inner;
    L.blockPtr = pb;
    return;
  }
  if (phase === P_OPAD) {
    // 0x36 ^ 0x5c turns each ipad byte into its opad byte.
    for (let i: usize = 0; i < 64; i += 4) store<u32>(pb + i, load<u32>(pb + i) ^ 0x6a6a6a6a);
    copy32(L.outer, IV);
    L.statePtr = L.outer;
    L.blockPtr = pb;
    return;
  }
  const st = L.stage;
  L.statePtr = L.state;
  if (phase === P_MSG) {
    if (L.padTotal === 0) {
      const rest = L.rest;
      if (rest >= 64) {
        L.blockPtr = L.msg;
        return;
      }
      const padded: u32 = rest < 56 ? 64 : 128;
      const zero = v128.splat<i64>(0);
      for (let i: usize = 0; i < padded; i += 16) v128.store(st + i, zero);
      const msg = L.msg;
      let i: usize = 0;
      for (; i + 16 <= rest; i += 16) v128.store(st + i, v128.load(msg + i));
      for (; i < rest; i++) store<u8>(st + i, load<u8>(msg + i));
      store<u8>(st + rest, 0x80);
      store<u64>(st + padded - 8, bswap<u64>((u64(64) + u64(L.len)) << 3));
      L.padTotal = padded >> 6;
    }
    L.blockPtr = st + L.padDone * 64;
    return;
  }
  // P_OUTER: the inner digest, padded as the second block of the outer hash (96 bytes in all).
  for (let i: usize = 0; i < 32; i += 4) store<u32>(st + i, bswap<u32>(load<u32>(L.state + i)));
  v128.store(st + 32, v128.splat<i64>(0));
  v128.store(st + 48, v128.splat<i64>(0));
  store<u8>(st + 32, 0x80);
  store<u64>(st + 56, bswap<u64>(768));
  copy32(L.state, L.outer);
  L.blockPtr = st;
}

/** Moves the lane past the compression just done; false when its chain has ended. */
function after(L: ChainLane): bool {
  const phase = L.phase;
  if (phase === P_IPAD) {
    L.phase = P_OPAD;
    return true;
  }
  if (phase === P_OPAD) {
    copy32(L.state, L.inner);
    L.rest = L.len;
    L.padTotal = 0;
    L.padDone = 0;
    L.phase = P_MSG;
    return true;
  }
  if (phase === P_MSG) {
    if (L.padTotal === 0) {
      L.msg += 64;
      L.rest -= 64;
    } else if (++L.padDone === L.padTotal) {
      L.phase = P_OUTER;
    }
    return true;
  }
  // The tag: written out, and (zero padded) the key of the chain's next HMAC.
  const tag = L.keep ? L.out + L.index * 32 : L.out;
  for (let i: usize = 0; i < 32; i += 4) store<u32>(tag + i, bswap<u32>(load<u32>(L.state + i)));
  if (++L.index === L.count) return false;
  copy32(L.key, tag);
  v128.store(L.key + 32, v128.splat<i64>(0));
  v128.store(L.key + 48, v128.splat<i64>(0));
  startHmac(L);
  return true;
}

let nextChain: u32 = 0;

function takeChain(L: ChainLane, count: u32, table: usize): bool {
  if (nextChain >= count) return false;
  startChain(L, table + nextChain * CHAIN_SIZE);
  nextChain++;
  return true;
}

function wipeLanes(): void {
  memory.fill(BUFFERS, 0, LANE_BUFFERS * LANES);
  memory.fill(LANE_STRUCTS, 0, LANE_STRUCT * LANES);
  memory.fill(IDLE_STATE, 0, 32);
  wipeSha256x4();
}

/** chains.ts hmacChains, four chains at a time (a single chain takes the scalar walk). */
export function hmacChains(count: u32, table: u32): i32 {
  if (!chainsFit(count, table)) return CHAINS_INVALID;
  if (count === 1) {
    runChain(table);
    wipeChains();
    return 0;
  }
  nextChain = 0;
  let active: u32 = 0;
  for (let i: u32 = 0; i < LANES; i++) {
    const L = lane(i);
    initLane(L, i);
    if (takeChain(L, count, table)) active |= 1 << i;
  }
  while (active !== 0) {
    for (let i: u32 = 0; i < LANES; i++) if (active & (1 << i)) prepare(lane(i));
    const L0 = lane(0);
    const L1 = lane(1);
    const L2 = lane(2);
    const L3 = lane(3);
    compress4(
      active & 1 ? L0.statePtr : IDLE_STATE,
      active & 2 ? L1.statePtr : IDLE_STATE,
      active & 4 ? L2.statePtr : IDLE_STATE,
      active & 8 ? L3.statePtr : IDLE_STATE,
      active & 1 ? L0.blockPtr : IDLE_BLOCK,
      active & 2 ? L1.blockPtr : IDLE_BLOCK,
      active & 4 ? L2.blockPtr : IDLE_BLOCK,
      active & 8 ? L3.blockPtr : IDLE_BLOCK,
    );
    for (let i: u32 = 0; i < LANES; i++) {
      if (!(active & (1 << i))) continue;
      const L = lane(i);
      if (!after(L) && !takeChain(L, count, table)) active &= ~(1 << i);
    }
  }
  wipeLanes();
  wipeChains();
  return 0;
}
