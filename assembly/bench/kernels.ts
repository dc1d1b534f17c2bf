// Not part of the engine: the SHA-256 kernels alone, for bench/breakdown.js (which compiles this entry
// with asc into a temporary file): `run4(n)` runs n four-lane compressions (assembly/sha256x4.ts),
// `run1(n)` n scalar ones (assembly/sha256.ts), over fixed states and blocks.
import { compress } from '../sha256';
import { compress4 } from '../sha256x4';

const STATES: usize = memory.data(32 * 4, 16);
const BLOCKS: usize = memory.data(64 * 4, 16);

export function init(): void {
  for (let i: usize = 0; i < 128; i += 4) store<u32>(STATES + i, u32(i * 2654435761));
  for (let i: usize = 0; i < 256; i += 4) store<u32>(BLOCKS + i, u32(i * 40503 + 7));
}

export function run4(n: i32): u32 {
  for (let i = 0; i < n; i++) {
    compress4(
      15,
      STATES,
      STATES + 32,
      STATES + 64,
      STATES + 96,
      BLOCKS,
      BLOCKS + 64,
      BLOCKS + 128,
      BLOCKS + 192,
    );
  }
  return load<u32>(STATES);
}

export function run1(n: i32): u32 {
  for (let i = 0; i < n; i++) compress(STATES, BLOCKS);
  return load<u32>(STATES);
}
