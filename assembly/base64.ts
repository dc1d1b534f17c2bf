// Base64 decoded in place for the batch fast path (src/engine/wasm.ts, assembly/items.ts): JS writes a
// token's text into memory as it is (a native copy), and this turns it into bytes where it lies (or a
// little before it, so an item's tokens end up back to back). It takes exactly
// the forms src/codec/base64-into.ts takes (either alphabet, padded or not, nothing else) and decodes
// them to the same bytes; anything else it declines, and JS hands the token to the general decoder.
import { inBounds } from './chain';

/** Each byte's 6-bit value in either alphabet, 0xff for every other byte (whitespace and '=' too). */
const VALUES: usize = memory.data(256);

function initValues(): void {
  memory.fill(VALUES, 0xff, 256);
  for (let i: u32 = 0; i < 26; i++) {
    store<u8>(VALUES + 65 + i, u8(i));
    store<u8>(VALUES + 97 + i, u8(26 + i));
  }
  for (let i: u32 = 0; i < 10; i++) store<u8>(VALUES + 48 + i, u8(52 + i));
  store<u8>(VALUES + 43, 62); // +
  store<u8>(VALUES + 47, 63); // /
  store<u8>(VALUES + 45, 62); // -
  store<u8>(VALUES + 95, 63); // _
}
initValues();

/** Decodes the `len` characters at `at` over themselves; returns the byte count, or -1 to decline. */
export function decodeBase64InPlace(at: u32, len: u32): i32 {
  if (!inBounds(at, len, true)) return -1;
  return decodeBase64To(at, len, at);
}

/**
 * Decodes the `len` characters at `text` to `out`, which must not lie after `text` (the output never
 * overtakes the input: 3 bytes written for every 4 read); returns the byte count, or -1 to decline.
 * The caller has checked both ranges.
 */
export function decodeBase64To(text: usize, len: u32, out: usize): i32 {
  let symbols = len;
  while (symbols > 0 && load<u8>(text + symbols - 1) === 61) symbols--;
  if (symbols % 4 === 1 || (symbols < len && len % 4 !== 0)) return -1;
  const whole = symbols & ~3;
  const start = out;
  let bad: u32 = 0;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    // Sixteen characters at a time (the nibble lookups of Muła and Lemire, "Faster Base64 Encoding and
    // Decoding Using AVX2 Instructions", 2018, widened to both alphabets), then packed to twelve bytes.
    // The four bytes stored past them are overwritten by the next block or lie past the output, inside
    // the text already read (out stays at least 4 bytes behind the input for every block).
    //
    // A character is valid when the class bits of its low nibble and of its high nibble meet. Classes:
    // 1 '+' '-' '/' (high 2: low B, D, F), 2 digits (high 3: low 0-9), 4 letters with high 4 or 6 (low
    // 1-F), 8 high 5 (low 0-A, and F for '_'), 16 high 7 (low 0-A). Bytes of 0x80 and up have a high
    // nibble of 8 to 15, whose class bits are none.
    const classLo = i8x16(26, 30, 30, 30, 30, 30, 30, 30, 30, 30, 28, 5, 4, 5, 4, 13);
    const classHi = i8x16(0, 0, 1, 2, 4, 8, 4, 16, 0, 0, 0, 0, 0, 0, 0, 0);
    // The value is the character plus an offset by high nibble ('A' -65, 'a' -71, '0' +4), corrected
    // for the symbols: by low nibble under high 2 ('+' 19, '-' 17, '/' 16), and '_' (-32).
    const offsetHi = i8x16(0, 0, 0, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
    const offsetSymbol = i8x16(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 19, 0, 17, 0, 16);
    let invalid = i8x16.splat(0);
    for (; i + 16 <= whole; i += 16) {
      const c = v128.load(text + i);
      const hi = v128.and(i16x8.shr_u(c, 4), i8x16.splat(0x0f));
      const lo = v128.and(c, i8x16.splat(0x0f));
      const classes = v128.and(i8x16.swizzle(classLo, lo), i8x16.swizzle(classHi, hi));
      invalid = v128.or(invalid, i8x16.eq(classes, i8x16.splat(0)));
      const symbol = v128.and(i8x16.eq(hi, i8x16.splat(2)), i8x16.swizzle(offsetSymbol, lo));
      const under = v128.and(i8x16.eq(c, i8x16.splat(95)), i8x16.splat(33));
      const v = i8x16.add(i8x16.add(c, i8x16.swizzle(offsetHi, hi)), v128.or(symbol, under));
      // Per 16-bit lane a | b << 8 becomes a << 6 | b; per 32-bit lane L | H << 16 becomes L * 4096 + H
      // (one multiply-add of 16-bit pairs: both are below 4096).
      const t1 = v128.or(i16x8.shl(v128.and(v, i16x8.splat(0xff)), 6), i16x8.shr_u(v, 8));
      const t2 = i32x4.dot_i16x8_s(t1, i16x8(4096, 1, 4096, 1, 4096, 1, 4096, 1));
      v128.store(out, i8x16.swizzle(t2, i8x16(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1)));
      out += 12;
    }
    if (v128.any_true(invalid)) return -1;
  }
  for (; i < whole; i += 4) {
    const a = u32(load<u8>(VALUES + load<u8>(text + i)));
    const b = u32(load<u8>(VALUES + load<u8>(text + i + 1)));
    const c = u32(load<u8>(VALUES + load<u8>(text + i + 2)));
    const d = u32(load<u8>(VALUES + load<u8>(text + i + 3)));
    bad |= a | b | c | d;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    store<u8>(out, u8(n >> 16));
    store<u8>(out + 1, u8(n >> 8));
    store<u8>(out + 2, u8(n));
    out += 3;
  }
  const rest = symbols - whole;
  if (rest >= 2) {
    const a = u32(load<u8>(VALUES + load<u8>(text + whole)));
    const b = u32(load<u8>(VALUES + load<u8>(text + whole + 1)));
    const c = rest === 3 ? u32(load<u8>(VALUES + load<u8>(text + whole + 2))) : 0;
    bad |= a | b | c;
    const n = (a << 18) | (b << 12) | (c << 6);
    store<u8>(out, u8(n >> 16));
    out++;
    if (rest === 3) {
      store<u8>(out, u8(n >> 8));
      out++;
    }
  }
  return bad > 63 ? -1 : i32(out - start);
}
