/**
 * The exact predicates of a verifier as the WASM engine's hash table (layout: ./layout.ts; read by
 * assembly/exact.ts), so that exact matching runs in the module, right after each walk. A verifier's
 * exact set only grows, so a table written for a set of a given size stays valid until its size changes.
 */
import type { ByteSet } from '../bytes.js';
import {
  EXACT_EMPTY,
  EXACT_HASH,
  EXACT_HEADER_WORDS,
  EXACT_LEN,
  EXACT_OFF,
  EXACT_SLOT_COUNT,
  EXACT_SLOT_WORDS,
  FNV_OFFSET,
  FNV_PRIME,
} from './layout.js';

/**
 * FNV-1a over the bytes four at a time (little-endian words, then the last bytes one by one), started
 * from their length (as assembly/exact.ts).
 */
export function exactHash(bytes: Uint8Array): number {
  const n = bytes.length;
  let h = (FNV_OFFSET ^ n) >>> 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const word =
      (bytes[i] as number) |
      ((bytes[i + 1] as number) << 8) |
      ((bytes[i + 2] as number) << 16) |
      ((bytes[i + 3] as number) << 24);
    h = Math.imul(h ^ word, FNV_PRIME) >>> 0;
  }
  for (; i < n; i++) h = Math.imul(h ^ (bytes[i] as number), FNV_PRIME) >>> 0;
  return h;
}

/** Slots for `n` predicates: a power of two at least twice `n`, so probes stay short and one is free. */
function slotCount(n: number): number {
  let slots = 8;
  while (slots < n * 2) slots *= 2;
  return slots;
}

/** Bytes the table of `set` takes. */
export function exactTableBytes(set: ByteSet): number {
  let bytes = 0;
  for (const p of set.values()) bytes += p.length;
  return (EXACT_HEADER_WORDS + slotCount(set.size) * EXACT_SLOT_WORDS) * 4 + bytes;
}

/** Writes the table of `set` at `at` (4-aligned) in memory; `u8` and `u32` view the same memory. */
export function writeExactTable(set: ByteSet, u8: Uint8Array, u32: Uint32Array, at: number): void {
  const slots = slotCount(set.size);
  const header = at >>> 2;
  const first = header + EXACT_HEADER_WORDS;
  u32[header + EXACT_SLOT_COUNT] = slots;
  for (let i = 0; i < slots; i++) {
    const s = first + i * EXACT_SLOT_WORDS;
    u32[s + EXACT_HASH] = 0;
    u32[s + EXACT_OFF] = EXACT_EMPTY;
    u32[s + EXACT_LEN] = 0;
  }
  let bytesAt = (first + slots * EXACT_SLOT_WORDS) * 4;
  for (const p of set.values()) {
    const h = exactHash(p);
    let i = h & (slots - 1);
    while (u32[first + i * EXACT_SLOT_WORDS + EXACT_OFF] !== EXACT_EMPTY) i = (i + 1) & (slots - 1);
    const s = first + i * EXACT_SLOT_WORDS;
    u32[s + EXACT_HASH] = h;
    u32[s + EXACT_OFF] = bytesAt;
    u32[s + EXACT_LEN] = p.length;
    u8.set(p, bytesAt);
    bytesAt += p.length;
  }
}
