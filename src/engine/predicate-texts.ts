/**
 * Predicate text read where a batch left it in the WASM engine's memory, for the general checks: decoded
 * once per distinct caveat per batch (a batch's tokens mostly repeat the same few caveats), so the
 * common case allocates nothing.
 */
import { equalAt, utf8DecodeStrict } from '../bytes.js';

/** FNV-1a over u8[off, off + len). */
function hashAt(u8: Uint8Array, off: number, len: number): number {
  let h = 0x811c9dc5 ^ len;
  for (let i = off; i < off + len; i++) h = Math.imul(h ^ (u8[i] as number), 0x01000193);
  return h | 0;
}

export interface Decoded {
  readonly bytes: Uint8Array;
  /** undefined when the bytes are not valid UTF-8. */
  readonly text: string | undefined;
}

/** Predicate text by bytes, for one batch (it holds caveat contents, so it does not outlive it). */
export class PredicateTexts {
  readonly #entries = new Map<number, Decoded[]>();
  /** The entry found last: tokens of one issuer repeat the same caveat (say, an expiry) in turn. */
  #last: Decoded | undefined;

  /** The strict UTF-8 decoding of u8[off, off + len), or undefined. */
  textAt(u8: Uint8Array, off: number, len: number): string | undefined {
    return this.entryAt(u8, off, len).text;
  }

  /**
   * The bytes u8[off, off + len) copied out (one copy per distinct caveat: a verdict may name them, so
   * they are never written to) and their text.
   */
  entryAt(u8: Uint8Array, off: number, len: number): Decoded {
    const last = this.#last;
    if (last && equalAt(u8, off, len, last.bytes)) return last;
    const entry = this.#find(u8, off, len);
    this.#last = entry;
    return entry;
  }

  #find(u8: Uint8Array, off: number, len: number): Decoded {
    const hash = hashAt(u8, off, len);
    const bucket = this.#entries.get(hash);
    if (bucket) for (const e of bucket) if (equalAt(u8, off, len, e.bytes)) return e;
    const bytes = u8.slice(off, off + len);
    const entry = { bytes, text: utf8DecodeStrict(bytes) };
    if (bucket) bucket.push(entry);
    else this.#entries.set(hash, [entry]);
    return entry;
  }
}
