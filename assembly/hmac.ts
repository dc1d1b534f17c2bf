// HMAC-SHA256 (RFC 2104) for keys of at most 64 bytes, through precomputed pad midstates: an HMAC
// under a known key costs only the compressions of its message plus one for the outer hash.
import { compress, copy32, hashFrom, IV } from './sha256';

const PAD_BLOCK: usize = memory.data(64, 16);
const INNER_DIGEST: usize = memory.data(32, 16);
const KEY_INNER: usize = memory.data(32, 16);
const KEY_OUTER: usize = memory.data(32, 16);

/** Writes the midstates after the ipad and opad blocks of `key` (`keyLen` ≤ 64) to `inner` and `outer`. */
export function padMidstates(key: usize, keyLen: u32, inner: usize, outer: usize): void {
  for (let i: usize = 0; i < 64; i += 4) store<u32>(PAD_BLOCK + i, 0x36363636);
  if (keyLen === 32) {
    for (let i: usize = 0; i < 32; i += 4) store<u32>(PAD_BLOCK + i, load<u32>(key + i) ^ 0x36363636);
  } else {
    for (let i: u32 = 0; i < keyLen; i++) store<u8>(PAD_BLOCK + i, load<u8>(key + i) ^ 0x36);
  }
  copy32(inner, IV);
  compress(inner, PAD_BLOCK);
  // 0x36 ^ 0x5c turns each ipad byte into its opad byte.
  for (let i: usize = 0; i < 64; i += 4) store<u32>(PAD_BLOCK + i, load<u32>(PAD_BLOCK + i) ^ 0x6a6a6a6a);
  copy32(outer, IV);
  compress(outer, PAD_BLOCK);
}

/** HMAC from the pad midstates of its key. `out` may alias `msg`. */
export function hmacFrom(inner: usize, outer: usize, msg: usize, len: u32, out: usize): void {
  hashFrom(inner, 64, msg, len, INNER_DIGEST);
  hashFrom(outer, 64, INNER_DIGEST, 32, out);
}

/** HMAC under a 32-byte key. `out` may alias `key` or `msg`. */
export function hmac32(key: usize, msg: usize, len: u32, out: usize): void {
  padMidstates(key, 32, KEY_INNER, KEY_OUTER);
  hmacFrom(KEY_INNER, KEY_OUTER, msg, len, out);
}

export function wipeHmac(): void {
  memory.fill(PAD_BLOCK, 0, 64);
  memory.fill(INNER_DIGEST, 0, 32);
  memory.fill(KEY_INNER, 0, 32);
  memory.fill(KEY_OUTER, 0, 32);
}
