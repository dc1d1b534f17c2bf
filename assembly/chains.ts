// Batched HMAC-SHA256 chains, for token formats whose chain is HMAC over bytes other than libmacaroons'
// (Fly.io's: the nonce, then each caveat's MessagePack): tag[0] = HMAC(key, msg[0]) and
// tag[i] = HMAC(tag[i-1], msg[i]), over tables laid out by JS (src/engine/layout.ts). This file holds the
// table checks and the scalar walk, one chain after another, on the HMAC and SHA-256 code of the
// libmacaroons walk; chains-lanes.ts runs the same chains four at a time on the SIMD build.
import {
  CHAIN_KEEP,
  CHAIN_KEY_LEN,
  CHAIN_KEY_OFF,
  CHAIN_MSG_COUNT,
  CHAIN_MSG_LEN,
  CHAIN_MSG_OFF,
  CHAIN_MSG_TABLE,
  CHAIN_MSG_WORDS,
  CHAIN_OUT,
  CHAIN_WORDS,
} from '../src/engine/layout';
import { inBounds } from './chain';
import { hmacFrom, padMidstates, wipeHmac } from './hmac';
import { hashFrom, IV, wipeSha256 } from './sha256';

export const CHAIN_SIZE: u32 = CHAIN_WORDS * 4;
export const CH_KEY_OFF: u32 = CHAIN_KEY_OFF * 4;
export const CH_KEY_LEN: u32 = CHAIN_KEY_LEN * 4;
export const CH_MSG_COUNT: u32 = CHAIN_MSG_COUNT * 4;
export const CH_MSG_TABLE: u32 = CHAIN_MSG_TABLE * 4;
export const CH_OUT: u32 = CHAIN_OUT * 4;
export const CH_KEEP: u32 = CHAIN_KEEP * 4;
export const MSG_SIZE: u32 = CHAIN_MSG_WORDS * 4;
export const MSG_OFF: u32 = CHAIN_MSG_OFF * 4;
export const MSG_LEN: u32 = CHAIN_MSG_LEN * 4;

/** A chain table, or a chain in it, that points outside memory (or writes into the module's data). */
export const CHAINS_INVALID: i32 = -1;

/** Bytes of a chain's output: every tag, or the last one. */
export function chainOutLen(chain: usize): u64 {
  return load<u32>(chain, CH_KEEP) !== 0 ? u64(load<u32>(chain, CH_MSG_COUNT)) * 32 : 32;
}

/** Checks the table and every key, message and output it refers to; each chain has a message at least. */
export function chainsFit(count: u32, table: usize): bool {
  if (!inBounds(table, u64(count) * CHAIN_SIZE, false)) return false;
  for (let i: u32 = 0; i < count; i++) {
    const c = table + i * CHAIN_SIZE;
    const msgCount = load<u32>(c, CH_MSG_COUNT);
    const msgTable = load<u32>(c, CH_MSG_TABLE);
    if (msgCount === 0) return false;
    if (!inBounds(load<u32>(c, CH_KEY_OFF), load<u32>(c, CH_KEY_LEN), false)) return false;
    if (!inBounds(msgTable, u64(msgCount) * MSG_SIZE, false)) return false;
    if (!inBounds(load<u32>(c, CH_OUT), chainOutLen(c), true)) return false;
    for (let j: u32 = 0; j < msgCount; j++) {
      const m = usize(msgTable + j * MSG_SIZE);
      if (!inBounds(load<u32>(m, MSG_OFF), load<u32>(m, MSG_LEN), false)) return false;
    }
  }
  return true;
}

const INNER: usize = memory.data(32, 16);
const OUTER: usize = memory.data(32, 16);
const LONG_KEY: usize = memory.data(32, 16);

/**
 * Writes the pad-block bytes of a chain's key to `block` (64 bytes, zero padded): the key itself when it
 * has at most 64 bytes, else its SHA-256 (RFC 2104 §2).
 */
export function keyBlock(chain: usize, block: usize): void {
  const key = usize(load<u32>(chain, CH_KEY_OFF));
  const len = load<u32>(chain, CH_KEY_LEN);
  memory.fill(block, 0, 64);
  if (len > 64) hashFrom(IV, 0, key, len, block);
  else memory.copy(block, key, len);
}

/** One chain on the scalar HMAC: each tag's pad midstates key the next message. */
export function runChain(chain: usize): void {
  const key = usize(load<u32>(chain, CH_KEY_OFF));
  const keyLen = load<u32>(chain, CH_KEY_LEN);
  if (keyLen > 64) {
    hashFrom(IV, 0, key, keyLen, LONG_KEY);
    padMidstates(LONG_KEY, 32, INNER, OUTER);
  } else {
    padMidstates(key, keyLen, INNER, OUTER);
  }
  const count = load<u32>(chain, CH_MSG_COUNT);
  const msgTable = usize(load<u32>(chain, CH_MSG_TABLE));
  const out = usize(load<u32>(chain, CH_OUT));
  const keep = load<u32>(chain, CH_KEEP) !== 0;
  for (let i: u32 = 0; i < count; i++) {
    const m = msgTable + i * MSG_SIZE;
    const tag = keep ? out + i * 32 : out;
    hmacFrom(INNER, OUTER, load<u32>(m, MSG_OFF), load<u32>(m, MSG_LEN), tag);
    if (i + 1 < count) padMidstates(tag, 32, INNER, OUTER);
  }
}

/** Zeroes the buffers that held keys and tags (this file's and the shared HMAC and SHA-256 scratch). */
export function wipeChains(): void {
  memory.fill(INNER, 0, 32);
  memory.fill(OUTER, 0, 32);
  memory.fill(LONG_KEY, 0, 32);
  wipeHmac();
  wipeSha256();
}

/**
 * Runs `count` chains whose entries start at `table`, one after another. Returns 0, or CHAINS_INVALID
 * (having computed nothing) when an offset or length does not fit. Scratch is wiped before returning.
 */
export function hmacChains(count: u32, table: u32): i32 {
  if (!chainsFit(count, table)) return CHAINS_INVALID;
  for (let i: u32 = 0; i < count; i++) runChain(table + i * CHAIN_SIZE);
  wipeChains();
  return 0;
}
