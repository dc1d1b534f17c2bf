// The HMAC a lane carries in the two multi-buffer drivers of the SIMD build (lanes.ts for verification,
// chains-lanes.ts for plain HMAC chains): each driver's lane extends HmacLane, starts its pads its own
// way (from a key, or from pad midstates it keeps), and takes its message and outer compressions from
// here, one block per compression.

import { compress4 } from './sha256x4';

// Swaps the bytes of each 32-bit word: SHA-256 state words are native, digests big-endian.
const BSWAP: v128 = i8x16(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);

/** The 32 bytes of state words at `src` as a big-endian digest at `dst`. */
export function digest32(dst: usize, src: usize): void {
  v128.store(dst, i8x16.swizzle(v128.load(src), BSWAP));
  v128.store(dst, i8x16.swizzle(v128.load(src, 16), BSWAP), 16);
}

// 32-byte moves as two v128 operations: memory.copy and memory.fill call out of line in V8.
export function copy32(dst: usize, src: usize): void {
  v128.store(dst, v128.load(src));
  v128.store(dst, v128.load(src, 16), 16);
}

export function fill32(dst: usize, v: v128): void {
  v128.store(dst, v);
  v128.store(dst, v, 16);
}

/** Turns the inner pad block at `pad` into the outer one, in place: 0x36 ^ 0x5c is 0x6a in every byte. */
export function outerPadFromInner(pad: usize): void {
  const flip = i32x4.splat(0x6a6a6a6a);
  for (let i: usize = 0; i < 64; i += 16) v128.store(pad + i, v128.xor(v128.load(pad + i), flip));
}

@unmanaged
export class HmacLane {
  /** Where the HMAC is (each driver numbers its own phases). */
  phase: u32;
  /** The message bytes not compressed yet, how many, and the whole message's length. */
  msg: usize;
  rest: u32;
  len: u32;
  /** The staged last blocks: how many there are and how many are done (0 and 0 while whole blocks remain). */
  padTotal: u32;
  padDone: u32;
  /** The state and block of the lane's next compression. */
  statePtr: usize;
  blockPtr: usize;
  /** The outer pad midstate of this HMAC. */
  outer: usize;
  /** The lane's running state and the room where its last blocks are staged (128 bytes). */
  state: usize;
  stage: usize;
}

/**
 * One compression of the four lanes that lie `stride` bytes apart from `lanes`, for the lanes whose bits
 * are set in `active`, each at the state and block its driver pointed it at.
 */
export function compressLanes(active: u32, lanes: usize, stride: usize): void {
  const L0 = changetype<HmacLane>(lanes);
  const L1 = changetype<HmacLane>(lanes + stride);
  const L2 = changetype<HmacLane>(lanes + 2 * stride);
  const L3 = changetype<HmacLane>(lanes + 3 * stride);
  compress4(
    active,
    L0.statePtr,
    L1.statePtr,
    L2.statePtr,
    L3.statePtr,
    L0.blockPtr,
    L1.blockPtr,
    L2.blockPtr,
    L3.blockPtr,
  );
}

/** Starts the message compressions from the inner pad midstate at `inner`. */
export function startMessage(L: HmacLane, inner: usize): void {
  copy32(L.state, inner);
  L.rest = L.len;
  L.padTotal = 0;
  L.padDone = 0;
}

/** Points the lane at its next message block: a whole one where it lies, or a staged last one. */
export function messageBlock(L: HmacLane): void {
  L.statePtr = L.state;
  if (L.padTotal === 0) {
    const rest = L.rest;
    if (rest >= 64) {
      L.blockPtr = L.msg;
      return;
    }
    L.padTotal = stageLastBlocks(L.stage, L.msg, rest, L.len);
  }
  L.blockPtr = L.stage + L.padDone * 64;
}

/** Moves the lane past the message block just compressed; true when that was the last one. */
export function messageBlockDone(L: HmacLane): bool {
  if (L.padTotal === 0) {
    L.msg += 64;
    L.rest -= 64;
    return false;
  }
  return ++L.padDone === L.padTotal;
}

/** Points the lane at its outer compression: the inner digest, from the outer pad midstate. */
export function outerBlock(L: HmacLane): void {
  // The inner digest, padded as the second block of the outer hash (96 bytes in all).
  const st = L.stage;
  digest32(st, L.state);
  fill32(st + 32, v128.splat<i64>(0));
  store<u8>(st + 32, 0x80);
  store<u64>(st + 56, bswap<u64>(768));
  copy32(L.state, L.outer);
  L.statePtr = L.state;
  L.blockPtr = st;
}

/**
 * Stages the last block or two of an HMAC's inner hash at `stage`: the message's final `rest` bytes
 * (fewer than 64) from `msg`, 0x80, zeros, and the length in bits of the pad block and the `len` bytes
 * of message. Returns how many blocks it staged (1, or 2 when the length does not fit after the bytes).
 */
function stageLastBlocks(stage: usize, msg: usize, rest: u32, len: u32): u32 {
  const padded: u32 = rest < 56 ? 64 : 128;
  const zero = v128.splat<i64>(0);
  for (let i: usize = 0; i < padded; i += 16) v128.store(stage + i, zero);
  let i: usize = 0;
  for (; i + 16 <= rest; i += 16) v128.store(stage + i, v128.load(msg + i));
  if (i + 8 <= rest) {
    store<u64>(stage + i, load<u64>(msg + i));
    i += 8;
  }
  if (i + 4 <= rest) {
    store<u32>(stage + i, load<u32>(msg + i));
    i += 4;
  }
  for (; i < rest; i++) store<u8>(stage + i, load<u8>(msg + i));
  store<u8>(stage + rest, 0x80);
  store<u64>(stage + padded - 8, bswap<u64>((u64(64) + u64(len)) << 3));
  return padded >> 6;
}
