/**
 * The batch fast path for serialized tokens: base64 is decoded and V2 read in place in the engine's
 * memory, straight into the tables the engine reads (./wasm-layout.ts), with no per-token objects.
 * A job the fast path does not take (another format, anything malformed, a limit exceeded) is declined
 * whole, and its writes are rolled back; the caller verifies it the general way, which gives the
 * verdict or the error.
 */
import { base64DecodedBound, base64DecodeInto } from '../codec/base64-into.js';
import type { Limits } from '../limits.js';
import type { WalkPolicy } from './types.js';
import type { MemoryViews, WasmEngine } from './wasm.js';
import { CHUNK_BYTES } from './wasm.js';
import { JOB_WORDS, MAC_WORDS, OUT_HEADER_WORDS, scratchBytes } from './wasm-layout.js';
import { tableWordsBound, writeV2Tables } from './wasm-v2.js';

export type Serialized = string | Uint8Array;

/** What the caller learns of each job it handed over. */
export interface SerializedBatchSink {
  /** The fast path did not take job `id`. */
  declined(id: number): void;
  /**
   * Job `id` was verified: its output starts at word `out` of `views` (status, macaroon, caveat,
   * visited count, visited), its macaroon table at word `macWord`; both are readable there until this
   * returns. It must not run user code, which could verify (and so overwrite memory) in turn.
   */
  verified(id: number, out: number, macWord: number, views: MemoryViews): void;
}

const encoder = new TextEncoder();

/** The text itself is copied in before it is decoded (in place), so it needs its own length. */
function tokenBound(token: Serialized): number {
  return typeof token === 'string' ? Math.max(token.length, base64DecodedBound(token.length)) : token.length;
}

function keyBound(key: Serialized): number {
  return typeof key === 'string' ? key.length * 3 : key.length;
}

/** Room one job may take after the root keys: decoded tokens, tables, output, alignment. */
function jobBound(
  token: Serialized,
  discharges: readonly Serialized[],
  first: number,
  count: number,
  limits: Limits,
): number {
  let bytes = tokenBound(token);
  let words = tableWordsBound(bytes, limits) + OUT_HEADER_WORDS + 1;
  for (let i = first; i < first + count; i++) {
    const b = tokenBound(discharges[i] as Serialized);
    bytes += b;
    words += tableWordsBound(b, limits) + 1;
  }
  return bytes + 4 + words * 4;
}

/** Writes a root key at `at`; returns its length in bytes. */
function writeKey(u8: Uint8Array, at: number, key: Serialized): number {
  if (typeof key !== 'string') {
    u8.set(key, at);
    return key.length;
  }
  const n = key.length;
  for (let i = 0; i < n; i++) {
    const c = key.charCodeAt(i);
    if (c >= 0x80) return encoder.encodeInto(key, u8.subarray(at, at + n * 3)).written;
    u8[at + i] = c;
  }
  return n;
}

/** Whether `key` equals the `len` bytes at `at`, without an early exit (keys are secrets). */
function sameKeyBytes(u8: Uint8Array, at: number, len: number, key: Uint8Array): boolean {
  if (key.length !== len) return false;
  let diff = 0;
  for (let i = 0; i < len; i++) diff |= (u8[at + i] as number) ^ (key[i] as number);
  return diff === 0;
}

/**
 * Decodes one token into memory at `at`; returns its end, or -1 when the fast path does not take it.
 * Base64 text is copied in as it is (natively) and decoded there by the module when it can.
 */
function writeToken(
  engine: WasmEngine,
  u8: Uint8Array,
  at: number,
  token: Serialized,
  limits: Limits,
): number {
  if (token.length > limits.maxTokenBytes) return -1;
  if (typeof token !== 'string') {
    if (token[0] !== 2) return -1;
    u8.set(token, at);
    return at + token.length;
  }
  if (!engine.decodesBase64) {
    const n = base64DecodeInto(token, u8, at);
    return n < 0 ? -1 : at + n;
  }
  // Only ASCII fits in as many bytes as characters; anything else stops short and is declined.
  const { read, written } = encoder.encodeInto(token, u8.subarray(at, at + token.length));
  if (read !== token.length) return -1;
  const n = engine.decodeBase64InPlace(at, written);
  return n < 0 ? -1 : at + n;
}

/**
 * Jobs as serialized tokens and root keys; job k's discharges are
 * discharges[firstDischarge[k], firstDischarge[k] + dischargeCount[k]). The caller has checked the
 * limits that bound memory (token sizes, discharge counts) and the types.
 */
export interface SerializedJobs {
  readonly tokens: Serialized[];
  readonly keys: Serialized[];
  readonly firstDischarge: number[];
  readonly dischargeCount: number[];
  readonly discharges: Serialized[];
}

/**
 * Verifies the jobs (named to the sink by their index k), in chunks of bounded memory. Declined jobs
 * are reported, never thrown; only an engine failure throws.
 */
export function verifySerialized(
  engine: WasmEngine,
  jobs: SerializedJobs,
  limits: Limits,
  policy: WalkPolicy,
  sink: SerializedBatchSink,
): void {
  const n = jobs.tokens.length;
  let start = 0;
  while (start < n) {
    let end = start;
    let keyBytes = 0;
    let dataBytes = 0;
    let macaroons = 1;
    for (; end < n; end++) {
      const dc = jobs.dischargeCount[end] as number;
      const kb = keyBound(jobs.keys[end] as Serialized);
      const db = jobBound(
        jobs.tokens[end] as Serialized,
        jobs.discharges,
        jobs.firstDischarge[end] as number,
        dc,
        limits,
      );
      const total = (end - start + 1) * JOB_WORDS * 4 + keyBytes + kb + dataBytes + db;
      if (end > start && total > CHUNK_BYTES) break;
      keyBytes += kb;
      dataBytes += db;
      macaroons = Math.max(macaroons, dc + 1);
    }
    runChunk(engine, jobs, start, end, keyBytes, dataBytes, macaroons, limits, policy, sink);
    start = end;
  }
}

const tokenEnds: number[] = [];

function runChunk(
  engine: WasmEngine,
  jobs: SerializedJobs,
  start: number,
  end: number,
  keyBytes: number,
  dataBytes: number,
  macaroons: number,
  limits: Limits,
  policy: WalkPolicy,
  sink: SerializedBatchSink,
): void {
  const jobTable = engine.tablesStart();
  const keysStart = jobTable + (end - start) * JOB_WORDS * 4;
  const dataStart = (keysStart + keyBytes + 15) & ~15;
  const scratchLen = scratchBytes(macaroons) * engine.lanes;
  const { u8, u32 } = engine.reserve(dataStart + dataBytes + 16 + scratchLen);
  const { tokens, keys, discharges, firstDischarge, dischargeCount } = jobs;
  const outs: number[] = [];
  const macs: number[] = [];
  const taken: number[] = [];
  let keyAt = keysStart;
  let data = dataStart;
  let lastKey: Serialized | undefined;
  let lastKeyAt = 0;
  let lastKeyLen = 0;
  let count = 0;
  let scratch = 0;
  try {
    for (let k = start; k < end; k++) {
      const first = firstDischarge[k] as number;
      const macCount = (dischargeCount[k] as number) + 1;
      // Decoded tokens first, then the tables that point into them.
      let at = data;
      let ok = true;
      for (let mi = 0; mi < macCount && ok; mi++) {
        const token = mi === 0 ? tokens[k] : discharges[first + mi - 1];
        at = writeToken(engine, u8, at, token as Serialized, limits);
        tokenEnds[mi] = at;
        ok = at >= 0;
      }
      let word = (at + 3) >>> 2;
      const macWord = word;
      word += macCount * MAC_WORDS;
      for (let mi = 0; mi < macCount && ok; mi++) {
        const from = mi === 0 ? data : (tokenEnds[mi - 1] as number);
        word = writeV2Tables(u8, u32, from, tokenEnds[mi] as number, macWord + mi * MAC_WORDS, word, limits);
        ok = word >= 0;
      }
      if (!ok) {
        sink.declined(k);
        continue;
      }
      // A key equal to the previous job's is written once: the engine then reuses its derivation.
      const key = keys[k] as Serialized;
      const same =
        lastKey !== undefined &&
        (key === lastKey || (typeof key !== 'string' && sameKeyBytes(u8, lastKeyAt, lastKeyLen, key)));
      if (!same) {
        lastKeyLen = writeKey(u8, keyAt, key);
        lastKeyAt = keyAt;
        lastKey = key;
        keyAt += lastKeyLen;
      }
      const jt = (jobTable >>> 2) + count * JOB_WORDS;
      u32[jt] = lastKeyAt;
      u32[jt + 1] = lastKeyLen;
      u32[jt + 2] = macCount;
      u32[jt + 3] = macWord * 4;
      u32[jt + 4] = word * 4;
      outs[count] = word;
      macs[count] = macWord;
      taken[count] = k;
      count++;
      data = (word + OUT_HEADER_WORDS + macCount) * 4;
    }
    if (count === 0) return;
    scratch = (data + 15) & ~15;
    engine.runTables(count, jobTable, scratch, scratchLen, policy);
    const views = engine.reserve(0);
    for (let i = 0; i < count; i++) {
      sink.verified(taken[i] as number, outs[i] as number, macs[i] as number, views);
    }
  } finally {
    engine.wipeTables(
      keysStart,
      dataStart,
      scratch === 0 ? dataStart : scratch,
      scratch === 0 ? 0 : scratchLen,
    );
  }
}
