// Four SHA-256 compressions at once, one per 32-bit lane of v128 (multi-buffer, as in Gueron & Krasnov
// 2012): each lane has its own state and block, so four independent chains advance together.
import { K } from './sha256';

const W4: usize = memory.data(64 * 16, 16);

// Swaps the bytes of each 32-bit lane: message words are big-endian.
const BSWAP: v128 = i8x16(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
const TSTATE: usize = memory.data(8 * 16, 16);
const IDLE_STATE: usize = memory.data(32, 16);
const IDLE_BLOCK: usize = memory.data(64, 16);

/** Stores the transpose of the 4x4 word matrix with rows r0..r3 as four rows at `dst`. */
function transposeInto(dst: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const t0 = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<i64>(t0, t2, 0, 2));
  v128.store(dst, v128.shuffle<i64>(t0, t2, 1, 3), 16);
  v128.store(dst, v128.shuffle<i64>(t1, t3, 0, 2), 32);
  v128.store(dst, v128.shuffle<i64>(t1, t3, 1, 3), 48);
}

// The sums of rotates as nested shifts: the right shifts of ROTR a ^ ROTR b ^ ROTR c (a < b < c) are
// ((x >> (c - b) ^ x) >> (b - a) ^ x) >> a, and their left shifts nest the same way, so each sigma is
// six shifts and five xors with fewer live values than three rotates (V8 then spills less: 8-16% fewer
// instructions per compression, depending on the module it is compiled into, though no faster in time).
// Σ0: ROTR 2, 13, 22.
function s0(x: v128): v128 {
  const r = i32x4.shr_u(v128.xor(i32x4.shr_u(v128.xor(i32x4.shr_u(x, 9), x), 11), x), 2);
  const l = i32x4.shl(v128.xor(i32x4.shl(v128.xor(i32x4.shl(x, 11), x), 9), x), 10);
  return v128.xor(r, l);
}
// Σ1: ROTR 6, 11, 25.
function s1(x: v128): v128 {
  const r = i32x4.shr_u(v128.xor(i32x4.shr_u(v128.xor(i32x4.shr_u(x, 14), x), 5), x), 6);
  const l = i32x4.shl(v128.xor(i32x4.shl(v128.xor(i32x4.shl(x, 5), x), 14), x), 7);
  return v128.xor(r, l);
}
// Ch(e, f, g) picks f where e is set.
function ch(e: v128, f: v128, g: v128): v128 {
  return v128.bitselect(f, g, e);
}
function t1(e: v128, f: v128, g: v128, h: v128, i: usize): v128 {
  const kw = i32x4.add(v128.load32_splat(K + i * 4), v128.load(W4 + i * 16));
  return i32x4.add(i32x4.add(h, s1(e)), i32x4.add(ch(e, f, g), kw));
}

/**
 * Compresses lane i's 64-byte block at `bi` (message bytes) into its eight native-endian state words at
 * `si`, for each lane i whose bit is set in `active`; a lane without work hashes a dummy block into a
 * dummy state. The four states must not overlap; blocks may.
 */
export function compress4(
  active: u32,
  st0: usize,
  st1: usize,
  st2: usize,
  st3: usize,
  b0: usize,
  b1: usize,
  b2: usize,
  b3: usize,
): void {
  if ((active & 1) === 0) {
    st0 = IDLE_STATE;
    b0 = IDLE_BLOCK;
  }
  if ((active & 2) === 0) {
    st1 = IDLE_STATE;
    b1 = IDLE_BLOCK;
  }
  if ((active & 4) === 0) {
    st2 = IDLE_STATE;
    b2 = IDLE_BLOCK;
  }
  if ((active & 8) === 0) {
    st3 = IDLE_STATE;
    b3 = IDLE_BLOCK;
  }
  for (let i: usize = 0; i < 64; i += 16) {
    transposeInto(
      W4 + i * 4,
      i8x16.swizzle(v128.load(b0 + i), BSWAP),
      i8x16.swizzle(v128.load(b1 + i), BSWAP),
      i8x16.swizzle(v128.load(b2 + i), BSWAP),
      i8x16.swizzle(v128.load(b3 + i), BSWAP),
    );
  }
  transposeInto(TSTATE, v128.load(st0), v128.load(st1), v128.load(st2), v128.load(st3));
  transposeInto(TSTATE + 64, v128.load(st0, 16), v128.load(st1, 16), v128.load(st2, 16), v128.load(st3, 16));
  let a = v128.load(TSTATE);
  let b = v128.load(TSTATE, 16);
  let c = v128.load(TSTATE, 32);
  let d = v128.load(TSTATE, 48);
  let e = v128.load(TSTATE, 64);
  let f = v128.load(TSTATE, 80);
  let g = v128.load(TSTATE, 96);
  let h = v128.load(TSTATE, 112);
  // Maj(a, b, c) is b ^ ((a ^ b) & (b ^ c)), and a round's b ^ c is the round before's a ^ b: one
  // operation fewer per round than a select.
  let bc = v128.xor(b, c);
  let ab: v128;
  // The message schedule is computed eight words at a time just before the rounds that use them, with
  // W[j - 1] and W[j - 2] carried in registers. As a loop of its own before the rounds it cost ~6% more
  // per compression: each word waited for the one two before it to be stored and loaded back, and its
  // work did not overlap the rounds'.
  let w1 = v128.load(W4 + 15 * 16);
  let w2 = v128.load(W4 + 14 * 16);
  // Eight rounds per iteration with the working variables renamed instead of shifted (as in sha256.ts).
  for (let i: usize = 0; i < 64; i += 8) {
    if (i >= 16) {
      for (let j: usize = i; j < i + 8; j++) {
        // σ1: ROTR 17, 19, SHR 10; σ0: ROTR 7, 18, SHR 3 (nested as above).
        const w15 = v128.load(W4 + (j - 15) * 16);
        const x1 = v128.xor(
          i32x4.shr_u(v128.xor(i32x4.shr_u(v128.xor(i32x4.shr_u(w2, 2), w2), 7), w2), 10),
          i32x4.shl(v128.xor(i32x4.shl(w2, 2), w2), 13),
        );
        const x0 = v128.xor(
          i32x4.shr_u(v128.xor(i32x4.shr_u(v128.xor(i32x4.shr_u(w15, 11), w15), 4), w15), 3),
          i32x4.shl(v128.xor(i32x4.shl(w15, 11), w15), 14),
        );
        const w = i32x4.add(
          i32x4.add(x1, v128.load(W4 + (j - 7) * 16)),
          i32x4.add(x0, v128.load(W4 + (j - 16) * 16)),
        );
        v128.store(W4 + j * 16, w);
        w2 = w1;
        w1 = w;
      }
    }
    h = t1(e, f, g, h, i);
    d = i32x4.add(d, h);
    ab = v128.xor(a, b);
    h = i32x4.add(h, i32x4.add(s0(a), v128.xor(b, v128.and(ab, bc))));
    bc = ab;
    g = t1(d, e, f, g, i + 1);
    c = i32x4.add(c, g);
    ab = v128.xor(h, a);
    g = i32x4.add(g, i32x4.add(s0(h), v128.xor(a, v128.and(ab, bc))));
    bc = ab;
    f = t1(c, d, e, f, i + 2);
    b = i32x4.add(b, f);
    ab = v128.xor(g, h);
    f = i32x4.add(f, i32x4.add(s0(g), v128.xor(h, v128.and(ab, bc))));
    bc = ab;
    e = t1(b, c, d, e, i + 3);
    a = i32x4.add(a, e);
    ab = v128.xor(f, g);
    e = i32x4.add(e, i32x4.add(s0(f), v128.xor(g, v128.and(ab, bc))));
    bc = ab;
    d = t1(a, b, c, d, i + 4);
    h = i32x4.add(h, d);
    ab = v128.xor(e, f);
    d = i32x4.add(d, i32x4.add(s0(e), v128.xor(f, v128.and(ab, bc))));
    bc = ab;
    c = t1(h, a, b, c, i + 5);
    g = i32x4.add(g, c);
    ab = v128.xor(d, e);
    c = i32x4.add(c, i32x4.add(s0(d), v128.xor(e, v128.and(ab, bc))));
    bc = ab;
    b = t1(g, h, a, b, i + 6);
    f = i32x4.add(f, b);
    ab = v128.xor(c, d);
    b = i32x4.add(b, i32x4.add(s0(c), v128.xor(d, v128.and(ab, bc))));
    bc = ab;
    a = t1(f, g, h, a, i + 7);
    e = i32x4.add(e, a);
    ab = v128.xor(b, c);
    a = i32x4.add(a, i32x4.add(s0(b), v128.xor(c, v128.and(ab, bc))));
    bc = ab;
  }
  a = i32x4.add(a, v128.load(TSTATE));
  b = i32x4.add(b, v128.load(TSTATE, 16));
  c = i32x4.add(c, v128.load(TSTATE, 32));
  d = i32x4.add(d, v128.load(TSTATE, 48));
  e = i32x4.add(e, v128.load(TSTATE, 64));
  f = i32x4.add(f, v128.load(TSTATE, 80));
  g = i32x4.add(g, v128.load(TSTATE, 96));
  h = i32x4.add(h, v128.load(TSTATE, 112));
  // Back to one row of words per lane.
  transposeInto(TSTATE, a, b, c, d);
  transposeInto(TSTATE + 64, e, f, g, h);
  v128.store(st0, v128.load(TSTATE));
  v128.store(st1, v128.load(TSTATE, 16));
  v128.store(st2, v128.load(TSTATE, 32));
  v128.store(st3, v128.load(TSTATE, 48));
  v128.store(st0, v128.load(TSTATE, 64), 16);
  v128.store(st1, v128.load(TSTATE, 80), 16);
  v128.store(st2, v128.load(TSTATE, 96), 16);
  v128.store(st3, v128.load(TSTATE, 112), 16);
}

export function wipeSha256x4(): void {
  memory.fill(W4, 0, 64 * 16);
  memory.fill(TSTATE, 0, 8 * 16);
  memory.fill(IDLE_STATE, 0, 32);
}
