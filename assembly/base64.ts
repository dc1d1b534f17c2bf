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
    // Sixteen characters at a time: their values by character class, then packed to twelve bytes. The
    // four bytes stored past them are overwritten by the next block or lie past the output, inside the
    // text already read (out stays at least 4 bytes behind the input for every block).
    let valid = i8x16.splat(-1);
    for (; i + 16 <= whole; i += 16) {
      const c = v128.load(text + i);
      const upper = v128.and(i8x16.ge_u(c, i8x16.splat(65)), i8x16.le_u(c, i8x16.splat(90)));
      const lower = v128.and(i8x16.ge_u(c, i8x16.splat(97)), i8x16.le_u(c, i8x16.splat(122)));
      const digit = v128.and(i8x16.ge_u(c, i8x16.splat(48)), i8x16.le_u(c, i8x16.splat(57)));
      const plus = v128.or(i8x16.eq(c, i8x16.splat(43)), i8x16.eq(c, i8x16.splat(45))); // + -
      const slash = i8x16.eq(c, i8x16.splat(47)); // /
      const under = i8x16.eq(c, i8x16.splat(95)); // _
      valid = v128.and(
        valid,
        v128.or(v128.or(v128.or(upper, lower), v128.or(digit, plus)), v128.or(slash, under)),
      );
      // '+' is 43 and '-' is 45: both become 62.
      const plusOffset = i8x16.sub(i8x16.splat(62), c);
      const offset = v128.or(
        v128.or(
          v128.or(v128.and(upper, i8x16.splat(-65)), v128.and(lower, i8x16.splat(-71))),
          v128.or(v128.and(digit, i8x16.splat(4)), v128.and(plus, plusOffset)),
        ),
        v128.or(v128.and(slash, i8x16.splat(16)), v128.and(under, i8x16.splat(-32))),
      );
      const v = i8x16.add(c, offset);
      // Per 16-bit lane a | b << 8 becomes a << 6 | b; per 32-bit lane L | H << 16 becomes L << 12 | H.
      const t1 = v128.or(i16x8.shl(v128.and(v, i16x8.splat(0xff)), 6), i16x8.shr_u(v, 8));
      const t2 = v128.or(i32x4.shl(v128.and(t1, i32x4.splat(0xffff)), 12), i32x4.shr_u(t1, 16));
      v128.store(out, i8x16.swizzle(t2, i8x16(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1)));
      out += 12;
    }
    if (!i8x16.all_true(valid)) return -1;
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
