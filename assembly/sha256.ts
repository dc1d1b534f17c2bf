// SHA-256 (FIPS 180-4) over linear memory: no allocation, fixed static buffers.

// FIPS 180-4 §4.2.2.
export const K: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

// FIPS 180-4 §5.3.3.
export const IV: usize = memory.data<u32>([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

// Scratch: the message schedule, the running state and the padding staging area (two blocks).
const W: usize = memory.data(256, 16);
const STATE: usize = memory.data(32, 16);
const BLOCK: usize = memory.data(128, 16);

function bigSigma0(x: u32): u32 {
  return rotr<u32>(x, 2) ^ rotr<u32>(x, 13) ^ rotr<u32>(x, 22);
}
function bigSigma1(x: u32): u32 {
  return rotr<u32>(x, 6) ^ rotr<u32>(x, 11) ^ rotr<u32>(x, 25);
}
function ch(x: u32, y: u32, z: u32): u32 {
  return z ^ (x & (y ^ z));
}
function maj(x: u32, y: u32, z: u32): u32 {
  return (x & y) | (z & (x | y));
}

/**
 * One compression of the 64-byte block at `block` (message bytes, big-endian words) into the eight
 * native-endian words at `state`. Kept a separate (large, so not
 * inlined) function so V8 tiers it up during the first batch.
 */
export function compress(state: usize, block: usize): void {
  for (let i: usize = 0; i < 64; i += 4) store<u32>(W + i, bswap<u32>(load<u32>(block + i)));
  for (let i: usize = 64; i < 256; i += 4) {
    const w2 = load<u32>(W + i - 8);
    const w15 = load<u32>(W + i - 60);
    const s1 = rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10);
    const s0 = rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3);
    store<u32>(W + i, s1 + load<u32>(W + i - 28) + s0 + load<u32>(W + i - 64));
  }
  let a = load<u32>(state, 0);
  let b = load<u32>(state, 4);
  let c = load<u32>(state, 8);
  let d = load<u32>(state, 12);
  let e = load<u32>(state, 16);
  let f = load<u32>(state, 20);
  let g = load<u32>(state, 24);
  let h = load<u32>(state, 28);
  // Eight rounds per iteration with the working variables renamed instead of shifted.
  for (let i: usize = 0; i < 256; i += 32) {
    const k = K + i;
    const w = W + i;
    h += bigSigma1(e) + ch(e, f, g) + load<u32>(k, 0) + load<u32>(w, 0);
    d += h;
    h += bigSigma0(a) + maj(a, b, c);
    g += bigSigma1(d) + ch(d, e, f) + load<u32>(k, 4) + load<u32>(w, 4);
    c += g;
    g += bigSigma0(h) + maj(h, a, b);
    f += bigSigma1(c) + ch(c, d, e) + load<u32>(k, 8) + load<u32>(w, 8);
    b += f;
    f += bigSigma0(g) + maj(g, h, a);
    e += bigSigma1(b) + ch(b, c, d) + load<u32>(k, 12) + load<u32>(w, 12);
    a += e;
    e += bigSigma0(f) + maj(f, g, h);
    d += bigSigma1(a) + ch(a, b, c) + load<u32>(k, 16) + load<u32>(w, 16);
    h += d;
    d += bigSigma0(e) + maj(e, f, g);
    c += bigSigma1(h) + ch(h, a, b) + load<u32>(k, 20) + load<u32>(w, 20);
    g += c;
    c += bigSigma0(d) + maj(d, e, f);
    b += bigSigma1(g) + ch(g, h, a) + load<u32>(k, 24) + load<u32>(w, 24);
    f += b;
    b += bigSigma0(c) + maj(c, d, e);
    a += bigSigma1(f) + ch(f, g, h) + load<u32>(k, 28) + load<u32>(w, 28);
    e += a;
    a += bigSigma0(b) + maj(b, c, d);
  }
  store<u32>(state, load<u32>(state, 0) + a, 0);
  store<u32>(state, load<u32>(state, 4) + b, 4);
  store<u32>(state, load<u32>(state, 8) + c, 8);
  store<u32>(state, load<u32>(state, 12) + d, 12);
  store<u32>(state, load<u32>(state, 16) + e, 16);
  store<u32>(state, load<u32>(state, 20) + f, 20);
  store<u32>(state, load<u32>(state, 24) + g, 24);
  store<u32>(state, load<u32>(state, 28) + h, 28);
}

/**
 * Finishes a hash that started from the midstate at `mid` after `prefix` bytes (0 from the IV, 64 after
 * an HMAC pad block) and goes on with `len` bytes at `msg`; writes the 32-byte digest to `out`. `out` may
 * alias `msg`: the message is fully read before the digest is written.
 */
export function hashFrom(mid: usize, prefix: u32, msg: usize, len: u32, out: usize): void {
  memory.copy(STATE, mid, 32);
  let p = msg;
  let rest = len;
  while (rest >= 64) {
    compress(STATE, p);
    p += 64;
    rest -= 64;
  }
  memory.copy(BLOCK, p, rest);
  store<u8>(BLOCK + rest, 0x80);
  const padded: usize = rest < 56 ? 64 : 128;
  memory.fill(BLOCK + rest + 1, 0, padded - rest - 9);
  store<u64>(BLOCK + padded - 8, bswap<u64>((u64(prefix) + u64(len)) << 3));
  compress(STATE, BLOCK);
  if (padded === 128) compress(STATE, BLOCK + 64);
  for (let i: usize = 0; i < 32; i += 4) store<u32>(out + i, bswap<u32>(load<u32>(STATE + i)));
}

/** Zeroes the scratch that held message words and chaining values. */
export function wipeSha256(): void {
  memory.fill(W, 0, 256);
  memory.fill(STATE, 0, 32);
  memory.fill(BLOCK, 0, 128);
}
