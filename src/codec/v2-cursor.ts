/**
 * A zero-allocation reader of V2 binary framing (varints and field headers), shared by the engine's
 * in-place parser (../engine/wasm-v2.ts) and the bundle splitter (./bundle.ts). It returns -1 or false
 * exactly where ./v2.ts throws, so a caller that declines on those hands the input to the codec, which
 * then names the error. Not re-entrant: nothing here calls out.
 */

const MAX_VARINT = 0x7fffffff;

/** Where the reader is. */
export const cursor = { pos: 0 };

/** The field readField read last. */
export const field = { type: 0, length: 0 };

/** Reads a varint at cursor.pos as the codec does; returns it, or -1 where the codec throws. */
export function varint(u8: Uint8Array, end: number): number {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 5; i++) {
    if (cursor.pos >= end) return -1;
    const b = u8[cursor.pos++] as number;
    result += (b & 0x7f) * scale;
    if (result > MAX_VARINT) return -1;
    if ((b & 0x80) === 0) return result;
    scale *= 128;
  }
  return -1;
}

/**
 * Reads one field's type and length at cursor.pos (leaving it at the value) into `field`; returns false
 * where the codec throws: a bad varint, types out of order, a truncated or oversized value. A type of 0
 * (end of section) returns true with no length read.
 */
export function readField(u8: Uint8Array, end: number, last: number, maxField: number): boolean {
  const type = varint(u8, end);
  field.type = type;
  if (type <= 0) return type === 0;
  if (type <= last) return false;
  const length = varint(u8, end);
  field.length = length;
  return length >= 0 && length <= end - cursor.pos && length <= maxField;
}
