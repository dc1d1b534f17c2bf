// Exact predicates judged where the caveats lie: the table JS writes (src/engine/wasm-exact.ts, layout in
// src/engine/layout.ts) is an open-addressing hash table of the verifier's exact predicates; after a
// job's walk is OK, the first-party caveats of the macaroons it walked are looked up in walk order, and
// those the table does not hold are listed after the job's visited list for JS to hand to the per-request
// exact predicates and the general checks.
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
  UNMATCHED_WORDS_PER_CAVEAT,
} from '../src/engine/layout';
import {
  C_CID_LEN,
  C_CID_OFF,
  C_VID_OFF,
  CAVEAT_SIZE,
  inBounds,
  M_CAVEAT_COUNT,
  M_CAVEAT_TABLE,
  MAC_SIZE,
  NO_VID,
  O_VISITED,
  OUT_HEADER,
} from './chain';
import { timeBefore } from './time';

const SLOT_SIZE: u32 = EXACT_SLOT_WORDS * 4;
const HEADER_SIZE: u32 = EXACT_HEADER_WORDS * 4;
const S_HASH: u32 = EXACT_HASH * 4;
const S_OFF: u32 = EXACT_OFF * 4;
const S_LEN: u32 = EXACT_LEN * 4;
/** Bytes per unmatched caveat in a job's output, and the count word before them. */
export const UNMATCHED_SIZE: u32 = UNMATCHED_WORDS_PER_CAVEAT * 4;

/**
 * FNV-1a over the `len` bytes at `at` four at a time (little-endian words, then the last bytes one by
 * one), started from the length (as src/engine/wasm-exact.ts).
 */
function fnv(at: usize, len: u32): u32 {
  let h: u32 = FNV_OFFSET ^ len;
  let i: usize = 0;
  for (; i + 4 <= len; i += 4) h = (h ^ load<u32>(at + i)) * FNV_PRIME;
  for (; i < len; i++) h = (h ^ u32(load<u8>(at + i))) * FNV_PRIME;
  return h;
}

function equal(a: usize, b: usize, len: u32): bool {
  let i: usize = 0;
  for (; i + 8 <= len; i += 8) if (load<u64>(a + i) !== load<u64>(b + i)) return false;
  for (; i < len; i++) if (load<u8>(a + i) !== load<u8>(b + i)) return false;
  return true;
}

/**
 * Whether the table at `table` lies in memory, its slot count is a power of two with at least one free
 * slot (so a lookup ends), and every predicate's bytes lie in memory. 0 is no table.
 */
export function exactTableFits(table: usize): bool {
  if (table === 0) return true;
  if (!inBounds(table, HEADER_SIZE, false)) return false;
  const slots = load<u32>(table, EXACT_SLOT_COUNT * 4);
  if (slots === 0 || (slots & (slots - 1)) !== 0) return false;
  if (!inBounds(table + HEADER_SIZE, u64(slots) * SLOT_SIZE, false)) return false;
  let free = false;
  for (let i: u32 = 0; i < slots; i++) {
    const slot = table + HEADER_SIZE + i * SLOT_SIZE;
    const off = load<u32>(slot, S_OFF);
    if (off === EXACT_EMPTY) free = true;
    else if (!inBounds(off, load<u32>(slot, S_LEN), false)) return false;
  }
  return free;
}

/** Whether the table holds the `len` bytes at `at`. */
function has(table: usize, at: usize, len: u32): bool {
  const mask = load<u32>(table, EXACT_SLOT_COUNT * 4) - 1;
  const h = fnv(at, len);
  let i = h & mask;
  while (true) {
    const slot = table + HEADER_SIZE + i * SLOT_SIZE;
    const off = load<u32>(slot, S_OFF);
    if (off === EXACT_EMPTY) return false;
    if (load<u32>(slot, S_HASH) === h && load<u32>(slot, S_LEN) === len && equal(off, at, len)) return true;
    i = (i + 1) & mask;
  }
}

/** Bytes a job's output needs after its visited list for the unmatched caveats: the count and pairs. */
export function unmatchedBytes(caveats: u64): u64 {
  return 4 + caveats * UNMATCHED_SIZE;
}

/** Job `i`'s clock (milliseconds since the epoch) for the time check; NaN without clocks. */
export function clockOf(clocks: usize, i: u32): f64 {
  return clocks === 0 ? NaN : load<f64>(clocks + usize(i) * 8);
}

/**
 * Lists the first-party caveats of the macaroons the job walked that the table does not hold, in walk
 * order, as (macaroon, caveat) pairs after the visited list (jobFits has checked the room). With a
 * clock (not NaN: the verifier satisfies the library's `timeBefore`), a `time < T` caveat whose T is
 * after the clock is satisfied too (./time.ts); any other is listed for JS as before.
 */
export function matchJob(table: usize, macTable: usize, macCount: u32, out: usize, clock: f64): void {
  const list = out + OUT_HEADER + macCount * 4;
  const visitedCount = load<u32>(out, O_VISITED);
  let n: u32 = 0;
  for (let v: u32 = 0; v < visitedCount; v++) {
    const mi = load<u32>(out + OUT_HEADER + v * 4);
    const m = macTable + mi * MAC_SIZE;
    const count = load<u32>(m, M_CAVEAT_COUNT);
    const caveats = usize(load<u32>(m, M_CAVEAT_TABLE));
    for (let ci: u32 = 0; ci < count; ci++) {
      const c = caveats + ci * CAVEAT_SIZE;
      if (load<u32>(c, C_VID_OFF) !== NO_VID) continue;
      const cid = usize(load<u32>(c, C_CID_OFF));
      const cidLen = load<u32>(c, C_CID_LEN);
      if (has(table, cid, cidLen)) continue;
      if (!isNaN(clock) && timeBefore(cid, cidLen, clock)) continue;
      const pair = list + 4 + n * UNMATCHED_SIZE;
      store<u32>(pair, mi);
      store<u32>(pair, ci, 4);
      n++;
    }
  }
  store<u32>(list, n);
}
