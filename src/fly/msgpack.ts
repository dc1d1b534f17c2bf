/**
 * The subset of MessagePack that Fly.io macaroons use, written exactly as superfly/macaroon writes it and
 * read as leniently as it reads it, with bounds.
 *
 * Why hand-written: the HMAC chain is computed over these bytes, so the writer must make superfly's
 * choices (vmihailenco/msgpack v5 with compact integers and array-encoded structs), not a general
 * library's: smallest unsigned form for every non-negative integer whatever its Go type, str8 for 32–255
 * byte strings, bin (never str) for bytes, nil for Go's nil slices and maps. General MessagePack libraries
 * differ on exactly these points (float encoding of safe integers, str vs bin for Uint8Array, int vs uint
 * choice, nil vs empty), and none bounds nesting the way a verifier of hostile input must. The format
 * itself is small (https://github.com/msgpack/msgpack/blob/master/spec.md); we need about 20 codes.
 *
 * The reader accepts what vmihailenco/msgpack accepts where superfly then re-encodes canonically (any
 * integer width and nil for numbers, str or bin for strings and bytes): the verifier MACs its own canonical
 * re-encoding, so a non-canonical token decodes and then fails the signature check, as it does in Go.
 */
import { DecodeError, LimitExceededError } from '../errors.js';

const TEXT_ENCODER = new TextEncoder();
const TEXT_DECODER = new TextDecoder('utf-8', { fatal: false });

/**
 * Append-only canonical MessagePack writer (what caveat types use to write their bodies).
 *
 * @example
 * ```ts
 * new MsgpackWriter().array(2).uint(450825).uint(1).bytes(); // 92 ce 00 06 e1 09 01
 * ```
 */
export class MsgpackWriter {
  private buf = new Uint8Array(64);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private byte(b: number): void {
    this.reserve(1);
    this.buf[this.len++] = b;
  }

  private be(value: number | bigint, bytes: number): void {
    this.reserve(bytes);
    if (typeof value === 'number' && bytes <= 4) {
      for (let i = bytes - 1; i >= 0; i--) {
        this.buf[this.len + i] = value & 0xff;
        value = Math.floor(value / 256);
      }
      this.len += bytes;
      return;
    }
    let v = BigInt(value);
    for (let i = bytes - 1; i >= 0; i--) {
      this.buf[this.len + i] = Number(v & 0xffn);
      v >>= 8n;
    }
    this.len += bytes;
  }

  /** Compact unsigned integer (Go's EncodeUint): fixint, u8, u16, u32, u64. */
  uint(value: number | bigint): this {
    if (typeof value === 'number' && value >= 0 && value <= 0xffffffff && Number.isInteger(value)) {
      if (value <= 0x7f) this.byte(value);
      else if (value <= 0xff) {
        this.byte(0xcc);
        this.be(value, 1);
      } else if (value <= 0xffff) {
        this.byte(0xcd);
        this.be(value, 2);
      } else {
        this.byte(0xce);
        this.be(value, 4);
      }
      return this;
    }
    const v = BigInt(value);
    if (v < 0n || v > 0xffffffffffffffffn) throw new RangeError('uint out of range');
    if (v <= 0xffffffffn) return this.uint(Number(v));
    this.byte(0xcf);
    this.be(v, 8);
    return this;
  }

  /** Compact signed integer (Go's EncodeInt): non-negative values take the unsigned forms. */
  int(value: number | bigint): this {
    const v = BigInt(value);
    if (v >= 0n) return this.uint(v);
    if (v < -(1n << 63n)) throw new RangeError('int out of range');
    if (v >= -32n) this.byte(Number(v & 0xffn));
    else if (v >= -128n) {
      this.byte(0xd0);
      this.be(v & 0xffn, 1);
    } else if (v >= -32768n) {
      this.byte(0xd1);
      this.be(v & 0xffffn, 2);
    } else if (v >= -(1n << 31n)) {
      this.byte(0xd2);
      this.be(v & 0xffffffffn, 4);
    } else {
      this.byte(0xd3);
      this.be(v & 0xffffffffffffffffn, 8);
    }
    return this;
  }

  /** Writes nil. */
  nil(): this {
    this.byte(0xc0);
    return this;
  }

  /** Writes a boolean. */
  bool(v: boolean): this {
    this.byte(v ? 0xc3 : 0xc2);
    return this;
  }

  /** Writes a UTF-8 string. */
  str(s: string): this {
    const b = TEXT_ENCODER.encode(s);
    const n = b.length;
    if (n < 32) this.byte(0xa0 | n);
    else if (n < 256) {
      this.byte(0xd9);
      this.be(n, 1);
    } else if (n <= 0xffff) {
      this.byte(0xda);
      this.be(n, 2);
    } else {
      this.byte(0xdb);
      this.be(n, 4);
    }
    this.raw(b);
    return this;
  }

  /** bin8/16/32; `null` is Go's nil slice, written as nil. */
  bin(b: Uint8Array | null): this {
    if (b === null) return this.nil();
    const n = b.length;
    if (n < 256) {
      this.byte(0xc4);
      this.be(n, 1);
    } else if (n <= 0xffff) {
      this.byte(0xc5);
      this.be(n, 2);
    } else {
      this.byte(0xc6);
      this.be(n, 4);
    }
    this.raw(b);
    return this;
  }

  /** Writes the header of an array of `n` elements (then write them). */
  array(n: number): this {
    if (n < 16) this.byte(0x90 | n);
    else if (n <= 0xffff) {
      this.byte(0xdc);
      this.be(n, 2);
    } else {
      this.byte(0xdd);
      this.be(n, 4);
    }
    return this;
  }

  /** Writes the header of a map of `n` pairs (then write them). */
  map(n: number): this {
    if (n < 16) this.byte(0x80 | n);
    else if (n <= 0xffff) {
      this.byte(0xde);
      this.be(n, 2);
    } else {
      this.byte(0xdf);
      this.be(n, 4);
    }
    return this;
  }

  /** Already-encoded bytes (an unregistered caveat's body, kept verbatim). */
  raw(b: Uint8Array): this {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** How many bytes have been written. */
  get length(): number {
    return this.len;
  }

  /** What was written so far. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/**
 * Bounds for reading untrusted MessagePack.
 *
 * @example
 * ```ts
 * const bounds: ReadBounds = { maxDepth: 8, maxElements: 64, maxFieldBytes: 4096 };
 * const r = new MsgpackReader(new MsgpackWriter().str('hello').bytes(), bounds);
 * r.str('greeting'); // 'hello'
 * ```
 */
export interface ReadBounds {
  /** Deepest nesting of arrays/maps (and of IfPresent caveat sets). */
  readonly maxDepth: number;
  /** Most elements in one array or map. */
  readonly maxElements: number;
  /** Largest string or byte string. */
  readonly maxFieldBytes: number;
}

/**
 * A generic decoded value (the body of an unregistered caveat, for display).
 *
 * @example
 * ```ts
 * const r = new MsgpackReader(new MsgpackWriter().array(2).uint(1).str('x').bytes(), { maxDepth: 4, maxElements: 16, maxFieldBytes: 64 });
 * const v: MsgpackValue = r.any('value'); // [1, 'x']
 * ```
 */
export type MsgpackValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | MsgpackValue[]
  | Map<MsgpackValue, MsgpackValue>;

/**
 * Bounded, position-tracking MessagePack reader (what caveat types use to read their bodies). Every failure
 * is a DecodeError or LimitExceededError.
 *
 * @example
 * ```ts
 * const bytes = new MsgpackWriter().uint(450825).bytes();
 * const r = new MsgpackReader(bytes, { maxDepth: 16, maxElements: 512, maxFieldBytes: 16384 });
 * const id = r.uint(64, 'id'); // 450825n
 * ```
 */
export class MsgpackReader {
  /** Offset of the next byte to read. */
  pos: number;
  /** How deep in nested arrays and maps the reader is (bounded by `bounds.maxDepth`). */
  depth = 0;

  constructor(
    /** The bytes being read. */
    readonly data: Uint8Array,
    /** Depth, element and field-size limits the reader enforces. */
    readonly bounds: ReadBounds,
    start = 0,
  ) {
    this.pos = start;
  }

  /** Throws DecodeError naming `what` and the offset. */
  fail(what: string): never {
    throw new DecodeError(`fly macaroon: ${what} at offset ${this.pos}`);
  }

  private need(n: number): void {
    if (this.pos + n > this.data.length) this.fail('truncated MessagePack');
  }

  /** The next byte, not consumed. */
  peek(): number {
    this.need(1);
    return this.data[this.pos] as number;
  }

  private u8(): number {
    this.need(1);
    return this.data[this.pos++] as number;
  }

  private be(n: number): number {
    this.need(n);
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + (this.data[this.pos++] as number);
    return v;
  }

  private be64(): bigint {
    this.need(8);
    let v = 0n;
    for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(this.data[this.pos++] as number);
    return v;
  }

  /**
   * Any integer code (or nil, read as 0) as an unsigned value of `bits` bits, wrapping as Go's
   * DecodeUint64 + reflect SetUint do (a negative int wraps, a wider value is truncated).
   */
  uint(bits: 16 | 32 | 64, what: string): bigint {
    const v = BigInt.asUintN(bits, this.int64(what));
    return v;
  }

  /** Any integer code (or nil) as a signed 64-bit value (Go's DecodeInt64: u64 above 2^63 wraps). */
  int64(what: string): bigint {
    const c = this.u8();
    if (c <= 0x7f) return BigInt(c);
    if (c >= 0xe0) return BigInt(c - 256);
    switch (c) {
      case 0xc0:
        return 0n;
      case 0xcc:
        return BigInt(this.be(1));
      case 0xcd:
        return BigInt(this.be(2));
      case 0xce:
        return BigInt(this.be(4));
      case 0xcf:
        return BigInt.asIntN(64, this.be64());
      case 0xd0:
        return BigInt.asIntN(8, BigInt(this.be(1)));
      case 0xd1:
        return BigInt.asIntN(16, BigInt(this.be(2)));
      case 0xd2:
        return BigInt.asIntN(32, BigInt(this.be(4)));
      case 0xd3:
        return BigInt.asIntN(64, this.be64());
      default:
        this.pos--;
        return this.fail(`expected an integer for ${what}`);
    }
  }

  /** Reads a boolean. */
  bool(what: string): boolean {
    const c = this.u8();
    if (c === 0xc0 || c === 0xc2) return false;
    if (c === 0xc3) return true;
    this.pos--;
    return this.fail(`expected a boolean for ${what}`);
  }

  /** Length of a str or bin (msgpack v5 reads either for both), -1 for nil. */
  private bytesLen(what: string): number {
    const c = this.u8();
    let n: number;
    if (c === 0xc0) return -1;
    if (c >= 0xa0 && c <= 0xbf) n = c & 0x1f;
    else if (c === 0xd9 || c === 0xc4) n = this.be(1);
    else if (c === 0xda || c === 0xc5) n = this.be(2);
    else if (c === 0xdb || c === 0xc6) n = this.be(4);
    else {
      this.pos--;
      return this.fail(`expected bytes or a string for ${what}`);
    }
    if (n > this.bounds.maxFieldBytes) {
      throw new LimitExceededError(
        `fly macaroon: ${what} has ${n} bytes, over the limit of ${this.bounds.maxFieldBytes}`,
      );
    }
    this.need(n);
    return n;
  }

  /** Reads a UTF-8 string. */
  str(what: string): string {
    const n = this.bytesLen(what);
    if (n < 0) return '';
    const s = TEXT_DECODER.decode(this.data.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }

  /** Bytes (a copy); `null` for nil, as Go's nil slice. */
  bin(what: string): Uint8Array | null {
    const n = this.bytesLen(what);
    if (n < 0) return null;
    const b = this.data.slice(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  private checkCount(n: number, what: string): number {
    if (n > this.bounds.maxElements) {
      throw new LimitExceededError(
        `fly macaroon: ${what} has ${n} elements, over the limit of ${this.bounds.maxElements}`,
      );
    }
    return n;
  }

  /** Array length, -1 for nil. */
  arrayLen(what: string): number {
    const c = this.u8();
    if (c === 0xc0) return -1;
    if (c >= 0x90 && c <= 0x9f) return this.checkCount(c & 0x0f, what);
    if (c === 0xdc) return this.checkCount(this.be(2), what);
    if (c === 0xdd) return this.checkCount(this.be(4), what);
    this.pos--;
    return this.fail(`expected an array for ${what}`);
  }

  /** Map length, -1 for nil. */
  mapLen(what: string): number {
    const c = this.u8();
    if (c === 0xc0) return -1;
    if (c >= 0x80 && c <= 0x8f) return this.checkCount(c & 0x0f, what);
    if (c === 0xde) return this.checkCount(this.be(2), what);
    if (c === 0xdf) return this.checkCount(this.be(4), what);
    this.pos--;
    return this.fail(`expected a map for ${what}`);
  }

  /**
   * The header of a struct encoded as an array of `fields` elements. Returns false when the struct is
   * nil or an empty array (Go then leaves the zero value). Map-encoded structs (which Go would also
   * accept, by field name) are refused: superfly never writes them and they could only fail the chain.
   */
  struct(fields: number, what: string): boolean {
    const c = this.peek();
    if (c >= 0x80 && c <= 0x8f) this.fail(`map-encoded struct for ${what} (superfly writes arrays)`);
    const n = this.arrayLen(what);
    if (n <= 0) return false;
    if (n !== fields) this.fail(`${what} has ${n} fields, expected ${fields}`);
    return true;
  }

  /** Enters a nested array or map (throws past maxDepth). */
  enter(what: string): void {
    if (++this.depth > this.bounds.maxDepth) {
      throw new LimitExceededError(`fly macaroon: ${what} nested deeper than ${this.bounds.maxDepth}`);
    }
  }

  /** Leaves the nesting `enter` entered. */
  leave(): void {
    this.depth--;
  }

  /** Reads any one value (bounded) and returns it generically. */
  any(what: string): MsgpackValue {
    const c = this.peek();
    if (c <= 0x7f || c >= 0xe0 || (c >= 0xcc && c <= 0xcf) || (c >= 0xd0 && c <= 0xd3)) {
      const start = this.pos;
      const v = this.int64(what);
      // A u64 above 2^63 is unsigned.
      const big = (this.data[start] as number) === 0xcf ? BigInt.asUintN(64, v) : v;
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(big)
        : big;
    }
    if (c === 0xc0) {
      this.pos++;
      return null;
    }
    if (c === 0xc2 || c === 0xc3) return this.bool(what);
    if ((c >= 0xa0 && c <= 0xbf) || (c >= 0xd9 && c <= 0xdb)) return this.str(what);
    if (c >= 0xc4 && c <= 0xc6) return this.bin(what) as Uint8Array;
    if (c === 0xca) {
      this.pos++;
      this.need(4);
      const v = new DataView(this.data.buffer, this.data.byteOffset + this.pos, 4).getFloat32(0);
      this.pos += 4;
      return v;
    }
    if (c === 0xcb) {
      this.pos++;
      this.need(8);
      const v = new DataView(this.data.buffer, this.data.byteOffset + this.pos, 8).getFloat64(0);
      this.pos += 8;
      return v;
    }
    if ((c >= 0x90 && c <= 0x9f) || c === 0xdc || c === 0xdd) {
      const n = this.arrayLen(what);
      this.enter(what);
      const out: MsgpackValue[] = [];
      for (let i = 0; i < n; i++) out.push(this.any(what));
      this.leave();
      return out;
    }
    if ((c >= 0x80 && c <= 0x8f) || c === 0xde || c === 0xdf) {
      const n = this.mapLen(what);
      this.enter(what);
      const out = new Map<MsgpackValue, MsgpackValue>();
      for (let i = 0; i < n; i++) {
        const k = this.any(what);
        out.set(k, this.any(what));
      }
      this.leave();
      return out;
    }
    // Extension types (c7–c9, d4–d8) and the never-used c1: superfly registers none.
    return this.fail(`unsupported MessagePack code 0x${c.toString(16)} in ${what}`);
  }

  /** Skips one value and returns its exact bytes. */
  rawValue(what: string): Uint8Array {
    const start = this.pos;
    this.any(what);
    return this.data.slice(start, this.pos);
  }
}
