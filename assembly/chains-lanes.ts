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
import {
  compressLanes,
  copy32,
  digest32,
  HmacLane,
  messageBlock,
  messageBlockDone,
  outerBlock,
  outerPadFromInner,
  startMessage,
} from './hmac-lane';
import { IV } from './sha256';
import { wipeSha256x4 } from './sha256x4';

const LANES: u32 = 4;

// Where a lane's HMAC is: the two pad blocks, the message blocks (then one or two padding blocks), the
// outer block.
const P_IPAD: u32 = 0;
const P_OPAD: u32 = 1;
const P_MSG: u32 = 2;
const P_OUTER: u32 = 3;

@unmanaged
class ChainLane extends HmacLane {
  // The chain.
  chain: usize;
  index: u32;
  count: u32;
  msgTable: usize;
  out: usize;
  keep: bool;
  // The lane's own buffers (with the state, stage and outer midstate of HmacLane): the key's pad block
  // bytes, the pad block and the inner pad midstate.
  key: usize;
  pad: usize;
  inner: usize;
}

const LANE_STRUCT: usize = (offsetof<ChainLane>() + 15) & ~15;
const LANE_BUFFERS: usize = 384;
const LANE_STRUCTS: usize = memory.data(i32(LANE_STRUCT * LANES), 16);
const BUFFERS: usize = memory.data(i32(LANE_BUFFERS * LANES), 16);

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
    outerPadFromInner(pb);
    copy32(L.outer, IV);
    L.statePtr = L.outer;
    L.blockPtr = pb;
    return;
  }
  if (phase === P_MSG) messageBlock(L);
  else outerBlock(L);
}

/** Moves the lane past the compression just done; false when its chain has ended. */
function after(L: ChainLane): bool {
  const phase = L.phase;
  if (phase === P_IPAD) {
    L.phase = P_OPAD;
    return true;
  }
  if (phase === P_OPAD) {
    startMessage(L, L.inner);
    L.phase = P_MSG;
    return true;
  }
  if (phase === P_MSG) {
    if (messageBlockDone(L)) L.phase = P_OUTER;
    return true;
  }
  // The tag: written out, and (zero padded) the key of the chain's next HMAC.
  const tag = L.keep ? L.out + L.index * 32 : L.out;
  digest32(tag, L.state);
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
    compressLanes(active, LANE_STRUCTS, LANE_STRUCT);
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
