/** Byte helpers: strings become bytes at the API edge and nowhere else. */
import { InvalidArgumentError } from './errors.js';

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * Whether `bytes` are well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF). Checked before decoding so that binary fields (signatures, caveat ids), which are most often
 * not UTF-8, cost a scan rather than a thrown exception.
 */
function isWellFormedUtf8(bytes: Uint8Array): boolean {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return false;
    if (i + need >= n) return false;
    const second = bytes[i + 1] as number;
    if (second < lo || second > hi) return false;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k] as number;
      if (c < 0x80 || c > 0xbf) return false;
    }
    i += need + 1;
  }
  return true;
}

/** Decodes UTF-8, or returns undefined when the bytes are not valid UTF-8. */
export function utf8DecodeStrict(bytes: Uint8Array): string | undefined {
  if (!isWellFormedUtf8(bytes)) return undefined;
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Accepts the API's `string | Uint8Array` and returns a private copy of the bytes. */
export function toBytes(value: string | Uint8Array, name: string): Uint8Array {
  if (typeof value === 'string') return utf8Encode(value);
  if (value instanceof Uint8Array) return value.slice();
  throw new InvalidArgumentError(`${name} must be a string or a Uint8Array, got ${describeType(value)}`);
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Uint8Array) return 'Uint8Array';
  return typeof value;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Compares two byte arrays without an early exit, so the time taken does not depend on where they differ
 * (signatures, keys). The only constant-time comparison in TS; the WASM engine has its own for its memory.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return constantTimeEqualAt(a, 0, a.length, b);
}

/** constantTimeEqual of u8[off, off + len) and `b`. */
export function constantTimeEqualAt(u8: Uint8Array, off: number, len: number, b: Uint8Array): boolean {
  if (b.length !== len) return false;
  let diff = 0;
  for (let i = 0; i < len; i++) diff |= (u8[off + i] as number) ^ (b[i] as number);
  return diff === 0;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return concatByteList(parts);
}

/** The parts one after another; for lists too long to spread into concatBytes (a streamed body's chunks). */
export function concatByteList(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Chunks read from a stream as one array: a lone chunk as it is, several copied one after another. */
export function joinChunks(chunks: readonly Uint8Array[]): Uint8Array {
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : concatByteList(chunks);
}

const HEX = '0123456789abcdef';

export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX[b >> 4] + (HEX[b & 15] as string);
  return out;
}

/** Parses hex (either case); returns undefined for odd length or a non-hex character. */
export function hexToBytes(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexValue(hex.charCodeAt(2 * i));
    const lo = hexValue(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return undefined;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * A set of byte strings with exact, byte-for-byte membership. Buckets by length so a lookup compares only
 * candidates of the right size (usually none or one), never hashes and allocates nothing: it runs for every
 * caveat of every token, also on bytes in place in the WASM engine's memory (hasAt).
 */
export class ByteSet {
  readonly #byLength: (Uint8Array[] | undefined)[] = [];
  #size = 0;

  add(bytes: Uint8Array): void {
    if (this.has(bytes)) return;
    const bucket = this.#byLength[bytes.length];
    if (bucket) bucket.push(bytes);
    else this.#byLength[bytes.length] = [bytes];
    this.#size++;
  }

  has(bytes: Uint8Array): boolean {
    return this.hasAt(bytes, 0, bytes.length);
  }

  /** Whether u8[off, off + len) is in the set. */
  hasAt(u8: Uint8Array, off: number, len: number): boolean {
    const bucket = len < this.#byLength.length ? this.#byLength[len] : undefined;
    if (!bucket) return false;
    for (const candidate of bucket) if (equalAt(u8, off, len, candidate)) return true;
    return false;
  }

  get size(): number {
    return this.#size;
  }

  /** Every member, by length then in insertion order. */
  *values(): IterableIterator<Uint8Array> {
    for (const bucket of this.#byLength) if (bucket) yield* bucket;
  }
}

/** Whether u8[off, off + len) equals `bytes` (not constant-time: for public data such as predicates). */
export function equalAt(u8: Uint8Array, off: number, len: number, bytes: Uint8Array): boolean {
  if (bytes.length !== len) return false;
  for (let i = 0; i < len; i++) if (u8[off + i] !== bytes[i]) return false;
  return true;
}

/**
 * The bytes as text when they are valid UTF-8 without control characters (tab allowed); otherwise
 * undefined. Used where a field is shown to a person: a newline in a crafted field must not forge lines.
 */
export function printableText(bytes: Uint8Array): string | undefined {
  for (const b of bytes) if ((b < 0x20 && b !== 0x09) || b === 0x7f) return undefined;
  return utf8DecodeStrict(bytes);
}
