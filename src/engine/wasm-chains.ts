/**
 * HMAC chains (./types.ts HmacChain) on the WASM engine: TS lays the chains out in the module's memory
 * (./layout.ts: chain table, message tables, messages, keys, outputs), one call computes every tag
 * (assembly/chains.ts; four chains at a time on the SIMD build, assembly/chains-lanes.ts), and TS copies
 * the tags out and wipes keys and tags from memory. Batches are cut into chunks of about CHUNK_BYTES.
 */
import { EngineError } from '../errors.js';
import {
  CHAIN_KEEP,
  CHAIN_KEY_LEN,
  CHAIN_KEY_OFF,
  CHAIN_MSG_COUNT,
  CHAIN_MSG_LEN,
  CHAIN_MSG_OFF,
  CHAIN_MSG_TABLE,
  CHAIN_MSG_WORDS,
  CHAIN_OUT,
  CHAIN_WORDS,
} from './layout.js';
import { chainsOutputBytes, hmacChainsTs } from './ts-chains.js';
import type { HmacChain } from './types.js';

/** What this needs of the WASM engine (./wasm.ts WasmEngine; not imported, to keep the graph acyclic). */
export interface ChainsHost {
  readonly exports: { hmacChains?(count: number, table: number): number };
  tablesStart(): number;
  reserve(end: number): { readonly u8: Uint8Array; readonly u32: Uint32Array };
  guarded<T>(what: string, fn: (exports: { hmacChains?(count: number, table: number): number }) => T): T;
  wipeRange(start: number, end: number): void;
}

/** Chains are laid out in chunks of about this many bytes, as verification items are (./wasm.ts). */
const CHUNK_BYTES = 4 * 1024 * 1024;

function align16(n: number): number {
  return (n + 15) & ~15;
}

/** Room a chain takes in memory: its table entry and message table, messages, key and tags. */
function chainBytes(c: HmacChain): number {
  let bytes = CHAIN_WORDS * 4 + c.messages.length * CHAIN_MSG_WORDS * 4 + c.key.length;
  for (const m of c.messages) bytes += m.length;
  return bytes + (c.keepAll === true ? c.messages.length * 32 : 32);
}

export function hmacChainsWasm(engine: ChainsHost, chains: readonly HmacChain[]): Uint8Array[] {
  const out = new Uint8Array(chainsOutputBytes(chains));
  if (typeof engine.exports.hmacChains !== 'function') return hmacChainsTs(chains);
  const results: Uint8Array[] = new Array(chains.length);
  let at = 0;
  let start = 0;
  while (start < chains.length) {
    // At least one chain per chunk, however large.
    let end = start;
    let bytes = 0;
    while (end < chains.length) {
      const b = chainBytes(chains[end] as HmacChain);
      if (end > start && bytes + b > CHUNK_BYTES) break;
      bytes += b;
      end++;
    }
    at = runChunk(engine, chains, start, end, bytes, out, at, results);
    start = end;
  }
  return results;
}

/** Copies `b` to `at`: small fields by hand (a typed-array set costs more than a short loop). */
function put(u8: Uint8Array, at: number, b: Uint8Array): void {
  const n = b.length;
  if (n > 32) u8.set(b, at);
  else for (let i = 0; i < n; i++) u8[at + i] = b[i] as number;
}

function runChunk(
  engine: ChainsHost,
  chains: readonly HmacChain[],
  start: number,
  end: number,
  bytes: number,
  out: Uint8Array,
  outAt: number,
  results: Uint8Array[],
): number {
  const count = end - start;
  const table = engine.tablesStart();
  let msgWords = 0;
  let msgBytes = 0;
  for (let i = start; i < end; i++) {
    const messages = (chains[i] as HmacChain).messages;
    msgWords += messages.length * CHAIN_MSG_WORDS;
    for (let j = 0; j < messages.length; j++) msgBytes += (messages[j] as Uint8Array).length;
  }
  // Tables, then messages, then keys and tags together (wiped as one range).
  let word = (table >>> 2) + count * CHAIN_WORDS;
  let msg = (word + msgWords) * 4;
  const secretStart = msg + msgBytes;
  const { u8, u32 } = engine.reserve(align16(table + bytes) + 64);
  let key = secretStart;
  for (let i = start; i < end; i++) key += (chains[i] as HmacChain).key.length;
  let tag = align16(key);
  const tags = tag;
  key = secretStart;
  for (let i = start; i < end; i++) {
    const c = chains[i] as HmacChain;
    const ct = (table >>> 2) + (i - start) * CHAIN_WORDS;
    put(u8, key, c.key);
    u32[ct + CHAIN_KEY_OFF] = key;
    u32[ct + CHAIN_KEY_LEN] = c.key.length;
    key += c.key.length;
    const messages = c.messages;
    u32[ct + CHAIN_MSG_COUNT] = messages.length;
    u32[ct + CHAIN_MSG_TABLE] = word * 4;
    for (let j = 0; j < messages.length; j++) {
      const m = messages[j] as Uint8Array;
      put(u8, msg, m);
      u32[word + CHAIN_MSG_OFF] = msg;
      u32[word + CHAIN_MSG_LEN] = m.length;
      msg += m.length;
      word += CHAIN_MSG_WORDS;
    }
    const keep = c.keepAll === true;
    u32[ct + CHAIN_OUT] = tag;
    u32[ct + CHAIN_KEEP] = keep ? 1 : 0;
    tag += keep ? messages.length * 32 : 32;
  }
  let rc: number;
  try {
    rc = engine.guarded('computing HMAC chains', (x) =>
      (x.hmacChains as (n: number, t: number) => number)(count, table),
    );
    if (rc !== 0) throw new EngineError(`the WASM engine rejected the chain layout (code ${rc})`);
    out.set(u8.subarray(tags, tag), outAt);
  } finally {
    engine.wipeRange(secretStart, tag);
  }
  for (let i = start; i < end; i++) {
    const len =
      (chains[i] as HmacChain).keepAll === true ? (chains[i] as HmacChain).messages.length * 32 : 32;
    results[i] = out.subarray(outAt, outAt + len);
    outAt += len;
  }
  return outAt;
}
