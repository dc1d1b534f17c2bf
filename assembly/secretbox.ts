// NaCl secretbox open (XSalsa20-Poly1305) for the one shape macaroons use: a 72-byte verification id,
// nonce (24) || Poly1305 tag (16) || a 32-byte encrypted key. Only the first Salsa20 block is needed:
// its first 32 bytes key Poly1305 and its last 32 bytes encrypt the key.

const SUBKEY: usize = memory.data(32, 16);
const KEYSTREAM: usize = memory.data(64, 16);
const INPUT: usize = memory.data(64, 16);

// "expand 32-byte k"
const SIGMA0: u32 = 0x61707865;
const SIGMA1: u32 = 0x3320646e;
const SIGMA2: u32 = 0x79622d32;
const SIGMA3: u32 = 0x6b206574;

/** Lays out the Salsa20 input words: constants, the key, and four words of nonce/counter at `n`. */
function setInput(key: usize, n0: u32, n1: u32, n2: u32, n3: u32): void {
  store<u32>(INPUT, SIGMA0, 0);
  store<u32>(INPUT, load<u32>(key, 0), 4);
  store<u32>(INPUT, load<u32>(key, 4), 8);
  store<u32>(INPUT, load<u32>(key, 8), 12);
  store<u32>(INPUT, load<u32>(key, 12), 16);
  store<u32>(INPUT, SIGMA1, 20);
  store<u32>(INPUT, n0, 24);
  store<u32>(INPUT, n1, 28);
  store<u32>(INPUT, n2, 32);
  store<u32>(INPUT, n3, 36);
  store<u32>(INPUT, SIGMA2, 40);
  store<u32>(INPUT, load<u32>(key, 16), 44);
  store<u32>(INPUT, load<u32>(key, 20), 48);
  store<u32>(INPUT, load<u32>(key, 24), 52);
  store<u32>(INPUT, load<u32>(key, 28), 56);
  store<u32>(INPUT, SIGMA3, 60);
}

/**
 * The Salsa20 core (20 rounds) on INPUT. HSalsa20 (`hsalsa`) writes words 0,5,10,15,6,7,8,9 without the
 * feed-forward to 32 bytes at `out`; Salsa20 writes the 64-byte block with it.
 */
function salsaCore(out: usize, hsalsa: bool): void {
  let x0 = load<u32>(INPUT, 0);
  let x1 = load<u32>(INPUT, 4);
  let x2 = load<u32>(INPUT, 8);
  let x3 = load<u32>(INPUT, 12);
  let x4 = load<u32>(INPUT, 16);
  let x5 = load<u32>(INPUT, 20);
  let x6 = load<u32>(INPUT, 24);
  let x7 = load<u32>(INPUT, 28);
  let x8 = load<u32>(INPUT, 32);
  let x9 = load<u32>(INPUT, 36);
  let x10 = load<u32>(INPUT, 40);
  let x11 = load<u32>(INPUT, 44);
  let x12 = load<u32>(INPUT, 48);
  let x13 = load<u32>(INPUT, 52);
  let x14 = load<u32>(INPUT, 56);
  let x15 = load<u32>(INPUT, 60);
  for (let i = 0; i < 10; i++) {
    // Column round.
    x4 ^= rotl<u32>(x0 + x12, 7);
    x8 ^= rotl<u32>(x4 + x0, 9);
    x12 ^= rotl<u32>(x8 + x4, 13);
    x0 ^= rotl<u32>(x12 + x8, 18);
    x9 ^= rotl<u32>(x5 + x1, 7);
    x13 ^= rotl<u32>(x9 + x5, 9);
    x1 ^= rotl<u32>(x13 + x9, 13);
    x5 ^= rotl<u32>(x1 + x13, 18);
    x14 ^= rotl<u32>(x10 + x6, 7);
    x2 ^= rotl<u32>(x14 + x10, 9);
    x6 ^= rotl<u32>(x2 + x14, 13);
    x10 ^= rotl<u32>(x6 + x2, 18);
    x3 ^= rotl<u32>(x15 + x11, 7);
    x7 ^= rotl<u32>(x3 + x15, 9);
    x11 ^= rotl<u32>(x7 + x3, 13);
    x15 ^= rotl<u32>(x11 + x7, 18);
    // Row round.
    x1 ^= rotl<u32>(x0 + x3, 7);
    x2 ^= rotl<u32>(x1 + x0, 9);
    x3 ^= rotl<u32>(x2 + x1, 13);
    x0 ^= rotl<u32>(x3 + x2, 18);
    x6 ^= rotl<u32>(x5 + x4, 7);
    x7 ^= rotl<u32>(x6 + x5, 9);
    x4 ^= rotl<u32>(x7 + x6, 13);
    x5 ^= rotl<u32>(x4 + x7, 18);
    x11 ^= rotl<u32>(x10 + x9, 7);
    x8 ^= rotl<u32>(x11 + x10, 9);
    x9 ^= rotl<u32>(x8 + x11, 13);
    x10 ^= rotl<u32>(x9 + x8, 18);
    x12 ^= rotl<u32>(x15 + x14, 7);
    x13 ^= rotl<u32>(x12 + x15, 9);
    x14 ^= rotl<u32>(x13 + x12, 13);
    x15 ^= rotl<u32>(x14 + x13, 18);
  }
  if (hsalsa) {
    store<u32>(out, x0, 0);
    store<u32>(out, x5, 4);
    store<u32>(out, x10, 8);
    store<u32>(out, x15, 12);
    store<u32>(out, x6, 16);
    store<u32>(out, x7, 20);
    store<u32>(out, x8, 24);
    store<u32>(out, x9, 28);
    return;
  }
  store<u32>(out, x0 + load<u32>(INPUT, 0), 0);
  store<u32>(out, x1 + load<u32>(INPUT, 4), 4);
  store<u32>(out, x2 + load<u32>(INPUT, 8), 8);
  store<u32>(out, x3 + load<u32>(INPUT, 12), 12);
  store<u32>(out, x4 + load<u32>(INPUT, 16), 16);
  store<u32>(out, x5 + load<u32>(INPUT, 20), 20);
  store<u32>(out, x6 + load<u32>(INPUT, 24), 24);
  store<u32>(out, x7 + load<u32>(INPUT, 28), 28);
  store<u32>(out, x8 + load<u32>(INPUT, 32), 32);
  store<u32>(out, x9 + load<u32>(INPUT, 36), 36);
  store<u32>(out, x10 + load<u32>(INPUT, 40), 40);
  store<u32>(out, x11 + load<u32>(INPUT, 44), 44);
  store<u32>(out, x12 + load<u32>(INPUT, 48), 48);
  store<u32>(out, x13 + load<u32>(INPUT, 52), 52);
  store<u32>(out, x14 + load<u32>(INPUT, 56), 56);
  store<u32>(out, x15 + load<u32>(INPUT, 60), 60);
}

/**
 * Poly1305 (RFC 8439 §2.5) of the two 16-byte blocks at `msg` under the 32-byte one-time key at `key`,
 * compared with the tag at `tag` in constant time. 26-bit limbs keep every product within 64 bits.
 */
function poly1305Matches(key: usize, msg: usize, tag: usize): bool {
  const r0: u64 = load<u32>(key, 0) & 0x3ffffff;
  const r1: u64 = (load<u32>(key, 3) >>> 2) & 0x3ffff03;
  const r2: u64 = (load<u32>(key, 6) >>> 4) & 0x3ffc0ff;
  const r3: u64 = (load<u32>(key, 9) >>> 6) & 0x3f03fff;
  const r4: u64 = (load<u32>(key, 12) >>> 8) & 0x00fffff;
  const s1 = r1 * 5;
  const s2 = r2 * 5;
  const s3 = r3 * 5;
  const s4 = r4 * 5;
  let h0: u32 = 0;
  let h1: u32 = 0;
  let h2: u32 = 0;
  let h3: u32 = 0;
  let h4: u32 = 0;
  for (let m = msg; m < msg + 32; m += 16) {
    h0 += load<u32>(m, 0) & 0x3ffffff;
    h1 += (load<u32>(m, 3) >>> 2) & 0x3ffffff;
    h2 += (load<u32>(m, 6) >>> 4) & 0x3ffffff;
    h3 += (load<u32>(m, 9) >>> 6) & 0x3ffffff;
    h4 += (load<u32>(m, 12) >>> 8) | (1 << 24);
    const d0: u64 = u64(h0) * r0 + u64(h1) * s4 + u64(h2) * s3 + u64(h3) * s2 + u64(h4) * s1;
    let d1: u64 = u64(h0) * r1 + u64(h1) * r0 + u64(h2) * s4 + u64(h3) * s3 + u64(h4) * s2;
    let d2: u64 = u64(h0) * r2 + u64(h1) * r1 + u64(h2) * r0 + u64(h3) * s4 + u64(h4) * s3;
    let d3: u64 = u64(h0) * r3 + u64(h1) * r2 + u64(h2) * r1 + u64(h3) * r0 + u64(h4) * s4;
    let d4: u64 = u64(h0) * r4 + u64(h1) * r3 + u64(h2) * r2 + u64(h3) * r1 + u64(h4) * r0;
    let c: u64 = d0 >> 26;
    h0 = u32(d0) & 0x3ffffff;
    d1 += c;
    c = d1 >> 26;
    h1 = u32(d1) & 0x3ffffff;
    d2 += c;
    c = d2 >> 26;
    h2 = u32(d2) & 0x3ffffff;
    d3 += c;
    c = d3 >> 26;
    h3 = u32(d3) & 0x3ffffff;
    d4 += c;
    c = d4 >> 26;
    h4 = u32(d4) & 0x3ffffff;
    h0 += u32(c) * 5;
    const c0 = h0 >>> 26;
    h0 &= 0x3ffffff;
    h1 += c0;
  }
  // Full carry, then h mod 2^130 - 5 by a constant-time select of h or h - p.
  let c: u32 = h1 >>> 26;
  h1 &= 0x3ffffff;
  h2 += c;
  c = h2 >>> 26;
  h2 &= 0x3ffffff;
  h3 += c;
  c = h3 >>> 26;
  h3 &= 0x3ffffff;
  h4 += c;
  c = h4 >>> 26;
  h4 &= 0x3ffffff;
  h0 += c * 5;
  c = h0 >>> 26;
  h0 &= 0x3ffffff;
  h1 += c;
  let g0 = h0 + 5;
  c = g0 >>> 26;
  g0 &= 0x3ffffff;
  let g1 = h1 + c;
  c = g1 >>> 26;
  g1 &= 0x3ffffff;
  let g2 = h2 + c;
  c = g2 >>> 26;
  g2 &= 0x3ffffff;
  let g3 = h3 + c;
  c = g3 >>> 26;
  g3 &= 0x3ffffff;
  const g4 = h4 + c - (1 << 26);
  const mask = (g4 >>> 31) - 1;
  const keep = ~mask;
  h0 = (h0 & keep) | (g0 & mask);
  h1 = (h1 & keep) | (g1 & mask);
  h2 = (h2 & keep) | (g2 & mask);
  h3 = (h3 & keep) | (g3 & mask);
  h4 = (h4 & keep) | (g4 & mask);
  const w0 = h0 | (h1 << 26);
  const w1 = (h1 >>> 6) | (h2 << 20);
  const w2 = (h2 >>> 12) | (h3 << 14);
  const w3 = (h3 >>> 18) | (h4 << 8);
  let f: u64 = u64(w0) + u64(load<u32>(key, 16));
  const t0 = u32(f);
  f = u64(w1) + u64(load<u32>(key, 20)) + (f >> 32);
  const t1 = u32(f);
  f = u64(w2) + u64(load<u32>(key, 24)) + (f >> 32);
  const t2 = u32(f);
  f = u64(w3) + u64(load<u32>(key, 28)) + (f >> 32);
  const t3 = u32(f);
  const diff =
    (t0 ^ load<u32>(tag, 0)) |
    (t1 ^ load<u32>(tag, 4)) |
    (t2 ^ load<u32>(tag, 8)) |
    (t3 ^ load<u32>(tag, 12));
  return diff === 0;
}

export const VID_LENGTH: u32 = 72;

/**
 * Opens the verification id at `vid` (72 bytes) under the 32-byte key at `key`, writing the 32-byte
 * caveat key to `out` (which may alias `key`). Returns whether the tag authenticated; `out` is written
 * either way so the time taken does not depend on the outcome.
 */
export function secretboxOpen(key: usize, vid: usize, out: usize): bool {
  setInput(key, load<u32>(vid, 0), load<u32>(vid, 4), load<u32>(vid, 8), load<u32>(vid, 12));
  salsaCore(SUBKEY, true);
  setInput(SUBKEY, load<u32>(vid, 16), load<u32>(vid, 20), 0, 0);
  salsaCore(KEYSTREAM, false);
  const ok = poly1305Matches(KEYSTREAM, vid + 40, vid + 24);
  for (let i: usize = 0; i < 32; i += 8)
    store<u64>(out + i, load<u64>(vid + 40 + i) ^ load<u64>(KEYSTREAM + 32 + i));
  return ok;
}

export function wipeSecretbox(): void {
  memory.fill(SUBKEY, 0, 32);
  memory.fill(KEYSTREAM, 0, 64);
  memory.fill(INPUT, 0, 64);
}
