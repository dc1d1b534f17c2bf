// Base64 decoded in place for the batch fast path (src/engine/wasm-batch.ts): JS writes a token's text
// into memory as it is (a native copy), and this turns it into bytes where it lies. It takes exactly
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
  const text = usize(at);
  let symbols = len;
  while (symbols > 0 && load<u8>(text + symbols - 1) === 61) symbols--;
  if (symbols % 4 === 1 || (symbols < len && len % 4 !== 0)) return -1;
  const whole = symbols & ~3;
  let out = text;
  let bad: u32 = 0;
  for (let i: usize = 0; i < whole; i += 4) {
    const a = u32(load<u8>(VALUES + load<u8>(text + i)));
    const b = u32(load<u8>(VALUES + load<u8>(text + i + 1)));
    const c = u32(load<u8>(VALUES + load<u8>(text + i + 2)));
    const d = u32(load<u8>(VALUES + load<u8>(text + i + 3)));
    bad |= a | b | c | d;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    // The output never overtakes the input: 3 bytes written for every 4 read.
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
  return bad > 63 ? -1 : i32(out - text);
}
