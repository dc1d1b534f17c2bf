/**
 * The one reader of V2 binary framing (docs/wire-formats.md#v2-binary): unsigned LEB128 varints and
 * field headers (type, length), used by the full decoder (./v2.ts) and the bundle splitter (./bundle.ts);
 * the WASM engine's in-place reader (assembly/items.ts) follows it step for step. It allocates nothing and throws nothing:
 * a read that fails returns -1 or false and says why in `error`, which the decoder turns into its
 * message and the fast paths take as "decline".
 */

/** V2 field types (libmacaroons doc/format.txt); 0 ends a section. */
export const FIELD_LOCATION = 1;
export const FIELD_IDENTIFIER = 2;
export const FIELD_VID = 4;
export const FIELD_SIGNATURE = 6;

/** go-macaroon's bound: lengths and types above 2^31 - 1 are refused before any allocation. */
export const MAX_VARINT = 0x7fffffff;

export type FramingError =
  | undefined
  /** The input ended inside a varint. */
  | 'truncated'
  /** A varint over MAX_VARINT, or longer than 5 bytes. */
  | 'too-large'
  /** A field type not greater than the previous one in its section. */
  | 'out-of-order'
  /** A field value running past the end of the input. */
  | 'value-truncated'
  /** A field value longer than the caller's maximum. */
  | 'value-too-large';

/** Which varint of a field header failed: its type or its length. */
export type FramingPart = 'type' | 'length';

export class V2Framing {
  /** Where the next read starts. */
  pos = 0;
  /** The end of the input (exclusive). */
  end = 0;
  /** The field read last: its type (0 ends a section) and its value's length. */
  type = 0;
  length = 0;
  /** Why the last read failed, and in which part of a field header. */
  error: FramingError = undefined;
  part: FramingPart | undefined = 'type';

  constructor(public bytes: Uint8Array) {}

  /** Reads from `pos` up to `end` in `bytes` (the reader is reused, e.g. for each token of a batch). */
  reset(bytes: Uint8Array, pos: number, end: number): this {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
    this.error = undefined;
    return this;
  }

  /** Reads one varint; returns it, or -1 with `error` set. */
  varint(): number {
    const bytes = this.bytes;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) {
        this.error = 'truncated';
        return -1;
      }
      const b = bytes[this.pos++] as number;
      result += (b & 0x7f) * scale;
      if (result > MAX_VARINT) break;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    this.error = 'too-large';
    return -1;
  }

  /**
   * Reads one field header, leaving `pos` at its value: `type`, then (unless the type is 0, the end of
   * a section) `length`. Returns false, with `error` and `part` set, where the framing is broken: a bad
   * varint, a type not above `last`, a value past the end or longer than `maxValue`.
   */
  field(last: number, maxValue: number): boolean {
    this.part = 'type';
    const type = this.varint();
    this.type = type;
    if (type < 0) return false;
    if (type === 0) return true;
    if (type <= last) {
      this.error = 'out-of-order';
      return false;
    }
    this.part = 'length';
    const length = this.varint();
    this.length = length;
    if (length < 0) return false;
    if (length > this.end - this.pos) {
      this.error = 'value-truncated';
      return false;
    }
    if (length > maxValue) {
      this.error = 'value-too-large';
      return false;
    }
    return true;
  }
}
