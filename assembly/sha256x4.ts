// Four SHA-256 compressions at once, one per 32-bit lane of v128 (multi-buffer, as in Gueron & Krasnov
// 2012): each lane has its own state and block, so four independent chains advance together.
import { K } from './sha256';

const W4: usize = memory.data(64 * 16, 16);

function rotr4(x: v128, n: i32): v128 {
  return v128.or(i32x4.shr_u(x, n), i32x4.shl(x, 32 - n));
}

function gather(p0: usize, p1: usize, p2: usize, p3: usize): v128 {
  let v = i32x4.splat(load<u32>(p0));
  v = i32x4.replace_lane(v, 1, load<u32>(p1));
  v = i32x4.replace_lane(v, 2, load<u32>(p2));
  return i32x4.replace_lane(v, 3, load<u32>(p3));
}

function gatherBig(p0: usize, p1: usize, p2: usize, p3: usize): v128 {
  let v = i32x4.splat(bswap<u32>(load<u32>(p0)));
  v = i32x4.replace_lane(v, 1, bswap<u32>(load<u32>(p1)));
  v = i32x4.replace_lane(v, 2, bswap<u32>(load<u32>(p2)));
  return i32x4.replace_lane(v, 3, bswap<u32>(load<u32>(p3)));
}

function scatterAdd(v: v128, p0: usize, p1: usize, p2: usize, p3: usize): void {
  store<u32>(p0, load<u32>(p0) + i32x4.extract_lane(v, 0));
  store<u32>(p1, load<u32>(p1) + i32x4.extract_lane(v, 1));
  store<u32>(p2, load<u32>(p2) + i32x4.extract_lane(v, 2));
  store<u32>(p3, load<u32>(p3) + i32x4.extract_lane(v, 3));
}

function s0(x: v128): v128 {
  return v128.xor(v128.xor(rotr4(x, 2), rotr4(x, 13)), rotr4(x, 22));
}
function s1(x: v128): v128 {
  return v128.xor(v128.xor(rotr4(x, 6), rotr4(x, 11)), rotr4(x, 25));
}
// Ch(e, f, g) picks f where e is set; Maj(a, b, c) is b where a and c differ, else c.
function ch(e: v128, f: v128, g: v128): v128 {
  return v128.bitselect(f, g, e);
}
function maj(a: v128, b: v128, c: v128): v128 {
  return v128.bitselect(b, c, v128.xor(a, c));
}
function t1(e: v128, f: v128, g: v128, h: v128, i: usize): v128 {
  const kw = i32x4.add(v128.load32_splat(K + i * 4), v128.load(W4 + i * 16));
  return i32x4.add(i32x4.add(h, s1(e)), i32x4.add(ch(e, f, g), kw));
}

/**
 * Compresses lane i's 64-byte block at `bi` (message bytes) into its eight native-endian state words at
 * `si`. The four states must not overlap; blocks may.
 */
export function compress4(
  st0: usize,
  st1: usize,
  st2: usize,
  st3: usize,
  b0: usize,
  b1: usize,
  b2: usize,
  b3: usize,
): void {
  for (let i: usize = 0; i < 64; i += 4) v128.store(W4 + i * 4, gatherBig(b0 + i, b1 + i, b2 + i, b3 + i));
  for (let i: usize = 16; i < 64; i++) {
    const w2 = v128.load(W4 + (i - 2) * 16);
    const w15 = v128.load(W4 + (i - 15) * 16);
    const x1 = v128.xor(v128.xor(rotr4(w2, 17), rotr4(w2, 19)), i32x4.shr_u(w2, 10));
    const x0 = v128.xor(v128.xor(rotr4(w15, 7), rotr4(w15, 18)), i32x4.shr_u(w15, 3));
    const w = i32x4.add(
      i32x4.add(x1, v128.load(W4 + (i - 7) * 16)),
      i32x4.add(x0, v128.load(W4 + (i - 16) * 16)),
    );
    v128.store(W4 + i * 16, w);
  }
  let a = gather(st0, st1, st2, st3);
  let b = gather(st0 + 4, st1 + 4, st2 + 4, st3 + 4);
  let c = gather(st0 + 8, st1 + 8, st2 + 8, st3 + 8);
  let d = gather(st0 + 12, st1 + 12, st2 + 12, st3 + 12);
  let e = gather(st0 + 16, st1 + 16, st2 + 16, st3 + 16);
  let f = gather(st0 + 20, st1 + 20, st2 + 20, st3 + 20);
  let g = gather(st0 + 24, st1 + 24, st2 + 24, st3 + 24);
  let h = gather(st0 + 28, st1 + 28, st2 + 28, st3 + 28);
  // Eight rounds per iteration with the working variables renamed instead of shifted (as in sha256.ts).
  for (let i: usize = 0; i < 64; i += 8) {
    h = t1(e, f, g, h, i);
    d = i32x4.add(d, h);
    h = i32x4.add(h, i32x4.add(s0(a), maj(a, b, c)));
    g = t1(d, e, f, g, i + 1);
    c = i32x4.add(c, g);
    g = i32x4.add(g, i32x4.add(s0(h), maj(h, a, b)));
    f = t1(c, d, e, f, i + 2);
    b = i32x4.add(b, f);
    f = i32x4.add(f, i32x4.add(s0(g), maj(g, h, a)));
    e = t1(b, c, d, e, i + 3);
    a = i32x4.add(a, e);
    e = i32x4.add(e, i32x4.add(s0(f), maj(f, g, h)));
    d = t1(a, b, c, d, i + 4);
    h = i32x4.add(h, d);
    d = i32x4.add(d, i32x4.add(s0(e), maj(e, f, g)));
    c = t1(h, a, b, c, i + 5);
    g = i32x4.add(g, c);
    c = i32x4.add(c, i32x4.add(s0(d), maj(d, e, f)));
    b = t1(g, h, a, b, i + 6);
    f = i32x4.add(f, b);
    b = i32x4.add(b, i32x4.add(s0(c), maj(c, d, e)));
    a = t1(f, g, h, a, i + 7);
    e = i32x4.add(e, a);
    a = i32x4.add(a, i32x4.add(s0(b), maj(b, c, d)));
  }
  scatterAdd(a, st0, st1, st2, st3);
  scatterAdd(b, st0 + 4, st1 + 4, st2 + 4, st3 + 4);
  scatterAdd(c, st0 + 8, st1 + 8, st2 + 8, st3 + 8);
  scatterAdd(d, st0 + 12, st1 + 12, st2 + 12, st3 + 12);
  scatterAdd(e, st0 + 16, st1 + 16, st2 + 16, st3 + 16);
  scatterAdd(f, st0 + 20, st1 + 20, st2 + 20, st3 + 20);
  scatterAdd(g, st0 + 24, st1 + 24, st2 + 24, st3 + 24);
  scatterAdd(h, st0 + 28, st1 + 28, st2 + 28, st3 + 28);
}

export function wipeSha256x4(): void {
  memory.fill(W4, 0, 64 * 16);
}
