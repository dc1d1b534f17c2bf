/**
 * The WebAssembly engine (the interface and the verification of ./types.ts). TS only packs items into
 * the module's memory (./layout.ts) and reads verdicts back: serialized tokens are copied in as they
 * are and the module decodes them there (base64 and the V2 framing, assembly/items.ts); a token it
 * declines (another format, or anything the codec must name an error for) is decoded by the codec
 * (./decode.ts) and its fields copied in. One call verifies a chunk of items and, in the module, matches
 * the first-party caveats of each OK walk against the verifier's exact predicates (./wasm-exact.ts) and,
 * when the verifier satisfies the library's `timeBefore`, judges `time < T` caveats at each item's clock
 * (assembly/time.ts); TS then hands the caveats left over to the request's own exact predicates and the
 * general checks (on text decoded once per batch).
 *
 * A trap is turned into an EngineError and the instance is replaced, so the engine stays usable; key
 * material is wiped from memory after every chunk.
 */
import { type ByteSet, constantTimeEqualAt } from '../bytes.js';
import { base64DecodedBound } from '../codec/base64.js';
import { EngineError, InvalidArgumentError } from '../errors.js';
import { DEFAULT_LIMITS, type Limits } from '../limits.js';
import type { Predicates, RequestFacts } from '../predicates.js';
import { clockOf } from '../time-before.js';
import { decodeTokens } from './decode.js';
import {
  CAVEAT_CID_LEN,
  CAVEAT_CID_OFF,
  CAVEAT_VID_LEN,
  CAVEAT_VID_OFF,
  CAVEAT_WORDS,
  JOB_KEY_LEN,
  JOB_KEY_OFF,
  JOB_MAC_COUNT,
  JOB_MAC_TABLE,
  JOB_OUT,
  JOB_WORDS,
  MAC_CAVEAT_COUNT,
  MAC_CAVEAT_TABLE,
  MAC_ID_LEN,
  MAC_ID_OFF,
  MAC_SIG_LEN,
  MAC_SIG_OFF,
  MAC_WORDS,
  NO_VID,
  OUT_CAVEAT,
  OUT_HEADER_WORDS,
  OUT_MACAROON,
  OUT_STATUS,
  OUT_VISITED_COUNT,
  PACK_DATA,
  PACK_DECLINED,
  PACK_END,
  PACK_MAC_TABLE,
  PACK_OUT,
  PACK_TOKEN_COUNT,
  PACK_TOKENS,
  PACK_WORDS,
  SCRATCH_PER_MACAROON,
  TOKEN_BINARY,
  TOKEN_LEN,
  TOKEN_OFF,
  TOKEN_WORDS,
  UNMATCHED_WORDS_PER_CAVEAT,
} from './layout.js';
import { type Decoded, PredicateTexts } from './predicate-texts.js';
import {
  type ChainMacaroon,
  type Engine,
  type EngineItem,
  type HmacChain,
  isSerialized,
  Status,
  type StatusCode,
  type Token,
  type Verdict,
  type WalkPolicy,
} from './types.js';
import { hmacChainsWasm } from './wasm-chains.js';
import { exactTableBytes, writeExactTable } from './wasm-exact.js';

/** The module's exports (assembly/batch.ts, assembly/batch-simd.ts): i32 in, i32 out. */
export interface EngineExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  lanes(): number;
  verifyBatch(
    jobCount: number,
    jobTable: number,
    scratch: number,
    scratchLen: number,
    allowUnused: number,
    maxDepth: number,
    exactTable: number,
    clocks: number,
  ): number;
  /** The instant a caveat time names (assembly/time.ts), NaN when not in an accepted form; for tests. */
  caveatDeadline(at: number, len: number): number;
  /** Decodes and parses serialized items where they lie (assembly/items.ts); 0, or -1 (bad layout). */
  parseItems(count: number, packTable: number, maxFieldBytes: number, maxCaveats: number): number;
  wipe(): void;
  sha256(msg: number, len: number, out: number): number;
  hmacSha256(key: number, msg: number, len: number, out: number): number;
  deriveRootKey(key: number, len: number, out: number): number;
  openVerificationId(key: number, vid: number, out: number): number;
  decodeBase64InPlace(at: number, len: number): number;
  /** HMAC chains (assembly/chains.ts); absent from modules built before it. */
  hmacChains?(count: number, table: number): number;
}

/**
 * A batch is cut into chunks of about this many bytes of tables and fields, so memory stays bounded
 * whatever the batch size (a single larger item gets a chunk of its own).
 */
export const CHUNK_BYTES = 4 * 1024 * 1024;

const MAX_I32 = 0x7fffffff;
const encoder = new TextEncoder();

/** Views of the engine's memory; replaced whenever memory grows. */
export interface MemoryViews {
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
}

export interface WasmEngineOptions {
  /** An instance already made from the module (e.g. asynchronously); otherwise one is made here. */
  readonly instance?: WebAssembly.Instance;
  /** How replacement instances are made after a trap. */
  readonly instantiate?: (module: WebAssembly.Module) => WebAssembly.Instance;
}

function instantiateSync(module: WebAssembly.Module): WebAssembly.Instance {
  return new WebAssembly.Instance(module, {});
}

/** `depth + 1 > maxDischargeDepth` evaluated on i32 in WASM gives the same answer as in JS. */
function depthBound(maxDepth: number): number {
  if (Number.isNaN(maxDepth) || maxDepth >= MAX_I32) return MAX_I32;
  return Math.max(-1, Math.floor(maxDepth));
}

export function align16(n: number): number {
  return (n + 15) & ~15;
}

/** Walk scratch for jobs of up to `maxMacaroons` macaroons (assembly/chain.ts jobFits). */
export function scratchBytes(maxMacaroons: number): number {
  return align16(maxMacaroons * SCRATCH_PER_MACAROON + 16);
}

/** Room a serialized token takes: its text is copied in before it is decoded in place. */
function serializedBound(token: string | Uint8Array): number {
  return typeof token === 'string' ? Math.max(token.length, base64DecodedBound(token.length)) : token.length;
}

/** Table and output words per caveat: its caveat entry and its place in the unmatched list. */
const WORDS_PER_CAVEAT = CAVEAT_WORDS + UNMATCHED_WORDS_PER_CAVEAT;

/** Bytes of fields, and table and output words, of a decoded macaroon. */
function decodedSize(m: ChainMacaroon): { bytes: number; words: number } {
  let bytes = m.identifier.length + m.signature.length;
  for (const c of m.caveats) bytes += c.identifier.length + (c.verificationId ? c.verificationId.length : 0);
  return { bytes, words: MAC_WORDS + m.caveats.length * WORDS_PER_CAVEAT };
}

/**
 * Table and output words a serialized token of `bytes` bytes may need at most: its macaroon entry and,
 * per caveat, an entry and a place in the unmatched list (a caveat section takes at least 3 bytes: a
 * field type, a length, the section end; and the module declines a token with more than maxCaveats
 * caveats before writing past that many entries).
 */
function tableWordsBound(bytes: number, limits: Limits): number {
  return MAC_WORDS + Math.min(Math.ceil(bytes / 3), limits.maxCaveats + 1) * WORDS_PER_CAVEAT;
}

/** Room an item may take after the root keys: tokens or fields, tables, output, alignment. */
function itemBound(tokens: readonly Token[], limits: Limits): number {
  let bytes = 0;
  let words = OUT_HEADER_WORDS + tokens.length + 1;
  for (const token of tokens) {
    if (isSerialized(token)) {
      const b = serializedBound(token);
      bytes += b;
      words += tableWordsBound(b, limits);
    } else {
      const size = decodedSize(token);
      bytes += size.bytes;
      words += size.words;
    }
  }
  return align16(bytes + 4 + words * 4);
}

function keyBound(key: string | Uint8Array): number {
  return typeof key === 'string' ? key.length * 3 : key.length;
}

/** A verdict's `visited` for the common walks, and their OK verdicts, shared (verdicts are read-only). */
const ROOT_ONLY: readonly number[] = Object.freeze([0]);
const ROOT_AND_ONE: readonly number[] = Object.freeze([0, 1]);
const OK_ROOT_ONLY: Verdict = Object.freeze({
  status: Status.OK,
  macaroon: -1,
  caveat: -1,
  visited: ROOT_ONLY,
});
const OK_ROOT_AND_ONE: Verdict = Object.freeze({
  status: Status.OK,
  macaroon: -1,
  caveat: -1,
  visited: ROOT_AND_ONE,
});

function okVerdict(visited: readonly number[]): Verdict {
  if (visited === ROOT_ONLY) return OK_ROOT_ONLY;
  if (visited === ROOT_AND_ONE) return OK_ROOT_AND_ONE;
  return { status: Status.OK, macaroon: -1, caveat: -1, visited };
}

/** An item whose walk was OK, its caveats read; judged once user code may run. */
interface Judged {
  readonly k: number;
  readonly visited: readonly number[];
  readonly request: RequestFacts | undefined;
  /** Index past its last queued general predicate. */
  readonly queueEnd: number;
  /** A caveat no exact predicate satisfies and no general check can (after the queued ones). */
  readonly failed: Verdict | undefined;
  /** With slice checkers: every first-party condition walked, as text, in walk order. */
  readonly slice: readonly string[] | undefined;
}

/** Table bytes per item: its job and pack entries and its clock (an f64). */
const ITEM_TABLE_BYTES = (JOB_WORDS + PACK_WORDS) * 4 + 8;

/** A run of consecutive items verified in one call, and the room it needs. */
interface Chunk {
  readonly start: number;
  /** Each item's room for its tokens (or fields), tables and output, 16-byte multiples. */
  readonly bounds: readonly number[];
  readonly tokens: number;
  readonly keyBytes: number;
  readonly dataBytes: number;
  /** The most macaroons of an item. */
  readonly macaroons: number;
}

/** First-party caveats left to the general checks, in walk order: text, macaroon and caveat index. */
interface GeneralQueue {
  readonly texts: string[];
  /** The bytes of each text, shared by the verdicts that name them (tokens failing alike). */
  readonly subjects: Uint8Array[];
  readonly macaroons: number[];
  readonly caveats: number[];
}

export class WasmEngine implements Engine {
  readonly name: 'wasm-simd' | 'wasm-scalar';
  readonly #module: WebAssembly.Module;
  readonly #instantiate: (module: WebAssembly.Module) => WebAssembly.Instance;
  #exports!: EngineExports;
  #lanes = 1;
  #u8 = new Uint8Array(0);
  #u32 = new Uint32Array(0);
  #i32 = new Int32Array(0);
  #f64 = new Float64Array(0);
  /** Where the item being written put its macaroon table (word index). */
  #macWord = 0;
  /** The exact set whose table lies at the heap base, its size then, and where the table ends. */
  #exactSet: ByteSet | undefined;
  #exactSize = -1;
  #exactEnd = 0;

  constructor(module: WebAssembly.Module, options: WasmEngineOptions = {}) {
    this.#module = module;
    this.#instantiate = options.instantiate ?? instantiateSync;
    this.#use(options.instance ?? this.#instantiate(module));
    this.#lanes = this.#exports.lanes();
    this.name = this.#lanes === 4 ? 'wasm-simd' : 'wasm-scalar';
  }

  /** @internal The live module exports, for tests of the primitives and of bounds checking. */
  get exports(): EngineExports {
    return this.#exports;
  }

  /** @internal How many jobs one compression serves (scratch is this many times one job's). */
  get lanes(): number {
    return this.#lanes;
  }

  /**
   * @internal Decodes the base64 text at [at, at + len) over itself (assembly/base64.ts); returns the
   * byte count, or -1 when the text is not plain base64 or does not lie in writable memory.
   */
  decodeBase64InPlace(at: number, len: number): number {
    return this.#exports.decodeBase64InPlace(at, len);
  }

  /** @internal Where batch tables start (after the exact-predicate table, which stays between calls). */
  tablesStart(): number {
    return align16(Math.max(this.#exports.heapBase(), this.#exactEnd));
  }

  /** @internal Grows memory so that `end` bytes fit; returns views valid until the next call. */
  reserve(end: number): MemoryViews {
    this.#ensure(end);
    return { u8: this.#u8, u32: this.#u32, i32: this.#i32 };
  }

  verify(items: readonly EngineItem[], policy: WalkPolicy, predicates?: Predicates): Verdict[] {
    if (!Array.isArray(items)) throw new InvalidArgumentError('items must be an array');
    const limits = policy.limits ?? DEFAULT_LIMITS;
    const verdicts: Verdict[] = new Array(items.length);
    // The clock of the library's timeBefore, read once per call (an item's context `now` overrides it).
    const now = predicates?.hasTimeBefore ? Date.now() : undefined;
    let start = 0;
    while (start < items.length) {
      let end = start;
      let keyBytes = 0;
      let dataBytes = 0;
      let macaroons = 1;
      let tokens = 0;
      const bounds: number[] = [];
      for (; end < items.length; end++) {
        const item = items[end] as EngineItem;
        const count = item.macaroons.length;
        if (count === 0) throw new InvalidArgumentError(`item ${end} has no macaroon`);
        const kb = keyBound(item.rootKey);
        const db = itemBound(item.macaroons, limits);
        const tables = (end - start + 1) * ITEM_TABLE_BYTES + (tokens + count) * TOKEN_WORDS * 4 + 16;
        const total = tables + keyBytes + kb + dataBytes + db;
        if (end > start && total > CHUNK_BYTES) break;
        keyBytes += kb;
        dataBytes += db;
        tokens += count;
        bounds.push(db);
        macaroons = Math.max(macaroons, count);
      }
      const chunk = { start, bounds, tokens, keyBytes, dataBytes, macaroons };
      this.#runChunk(items, chunk, policy, limits, predicates, now, verdicts);
      start = end;
    }
    return verdicts;
  }

  #runChunk(
    items: readonly EngineItem[],
    chunk: Chunk,
    policy: WalkPolicy,
    limits: Limits,
    predicates: Predicates | undefined,
    now: number | undefined,
    verdicts: Verdict[],
  ): void {
    const { start, bounds } = chunk;
    const n = bounds.length;
    // The exact table first: it stays at the heap base between calls, the chunk's tables follow it.
    const exactTable = predicates ? this.#exactTable(predicates.exact) : 0;
    const jobTable = this.tablesStart();
    const packTable = jobTable + n * JOB_WORDS * 4;
    const tokenTable = packTable + n * PACK_WORDS * 4;
    const clocks = now === undefined ? 0 : align16(tokenTable + chunk.tokens * TOKEN_WORDS * 4);
    const keysStart = align16(clocks === 0 ? tokenTable + chunk.tokens * TOKEN_WORDS * 4 : clocks + n * 8);
    const dataStart = align16(keysStart + chunk.keyBytes);
    const dataEnd = dataStart + chunk.dataBytes;
    const scratchLen = scratchBytes(chunk.macaroons) * this.#lanes;
    const taken: number[] = [];
    const outs: number[] = [];
    const macs: number[] = [];
    let keyAt = keysStart;
    let lastKey: string | Uint8Array | undefined;
    let lastKeyAt = 0;
    let lastKeyLen = 0;
    let scratch = 0;
    const judged: Judged[] = [];
    const queue: GeneralQueue = { texts: [], subjects: [], macaroons: [], caveats: [] };
    try {
      this.#ensure(dataEnd + 16 + scratchLen);
      // 1. Each item's serialized tokens copied into its room, as they are.
      let region = dataStart;
      let tokenWord = tokenTable >>> 2;
      for (let i = 0; i < n; i++) {
        const tokens = (items[start + i] as EngineItem).macaroons;
        const p = (packTable >>> 2) + i * PACK_WORDS;
        const bound = bounds[i] as number;
        const u32 = this.#u32;
        u32[p + PACK_DATA] = region;
        u32[p + PACK_END] = region + bound;
        u32[p + PACK_TOKENS] = tokenWord * 4;
        u32[p + PACK_TOKEN_COUNT] = this.#packTokens(tokens, region, tokenWord, limits);
        tokenWord += tokens.length * TOKEN_WORDS;
        region += bound;
      }
      // 2. The module decodes and parses them where they lie.
      const parsed = this.guarded('decoding', (x) =>
        x.parseItems(n, packTable, limits.maxFieldBytes, limits.maxCaveats),
      );
      if (parsed !== 0) {
        throw new EngineError('the WASM engine rejected the batch layout (pack table)');
      }
      // 3. Items it declined go to the codec (after every item's room); then root keys and jobs.
      let overflow = dataEnd;
      for (let i = 0; i < n; i++) {
        const k = start + i;
        const item = items[k] as EngineItem;
        const tokens = item.macaroons;
        const p = (packTable >>> 2) + i * PACK_WORDS;
        let macTable = this.#u32[p + PACK_MAC_TABLE] as number;
        let out = this.#u32[p + PACK_OUT] as number;
        if (macTable === PACK_DECLINED) {
          const decoded = decodeTokens(tokens, limits);
          if (!Array.isArray(decoded)) {
            verdicts[k] = { status: Status.MALFORMED, macaroon: -1, caveat: -1, visited: [], error: decoded };
            continue;
          }
          const word = this.#writeDecoded(decoded, overflow);
          macTable = this.#macWord * 4;
          out = word * 4;
          overflow = align16(
            (word + OUT_HEADER_WORDS + tokens.length + 1) * 4 + this.#unmatchedBytes(decoded),
          );
          this.#ensure(overflow + 16 + scratchLen);
        }
        // A key equal to the previous job's is written once: the engine then reuses its derivation.
        const key = item.rootKey;
        const same =
          lastKey !== undefined &&
          (key === lastKey ||
            (typeof key !== 'string' && constantTimeEqualAt(this.#u8, lastKeyAt, lastKeyLen, key)));
        if (!same) {
          lastKeyLen = writeKey(this.#u8, keyAt, key);
          lastKeyAt = keyAt;
          lastKey = key;
          keyAt += lastKeyLen;
        }
        const u32 = this.#u32;
        const jt = (jobTable >>> 2) + taken.length * JOB_WORDS;
        u32[jt + JOB_KEY_OFF] = lastKeyAt;
        u32[jt + JOB_KEY_LEN] = lastKeyLen;
        u32[jt + JOB_MAC_COUNT] = tokens.length;
        u32[jt + JOB_MAC_TABLE] = macTable;
        u32[jt + JOB_OUT] = out;
        if (clocks !== 0)
          this.#f64[(clocks >>> 3) + taken.length] = clockOf(item.request?.context, now as number);
        taken.push(k);
        outs.push(out >>> 2);
        macs.push(macTable >>> 2);
      }
      if (taken.length === 0) return;
      scratch = align16(overflow);
      this.#ensure(scratch + scratchLen);
      const rc = this.#call(
        taken.length,
        jobTable,
        scratch,
        scratchLen,
        policy.allowUnusedDischarges ? 1 : 0,
        depthBound(policy.maxDischargeDepth),
        exactTable,
        clocks,
      );
      if (rc !== 0) throw new EngineError(`the WASM engine rejected the batch layout (code ${rc})`);
      // Read every verdict before any user code (a general check) runs: it could verify in turn.
      const texts = predicates?.hasGeneral ? new PredicateTexts() : undefined;
      for (let i = 0; i < taken.length; i++) {
        const k = taken[i] as number;
        const out = outs[i] as number;
        const macWord = macs[i] as number;
        const status = this.#i32[out + OUT_STATUS] as StatusCode;
        const visited = this.#visited(out);
        if (status !== Status.OK) {
          verdicts[k] = this.#failure(status, out, macWord, visited);
        } else if (!predicates) {
          verdicts[k] = okVerdict(visited);
        } else {
          const item = items[k] as EngineItem;
          const request = item.request;
          const list = out + OUT_HEADER_WORDS + item.macaroons.length;
          const queued = queue.texts.length;
          const failed = this.#judgeUnmatched(macWord, list, visited, request, texts, queue);
          const slice = predicates.hasSliceCheckers ? this.#slice(macWord, visited, texts) : undefined;
          if (failed === undefined && slice === undefined && queue.texts.length === queued) {
            verdicts[k] = okVerdict(visited); // nothing left for the general checks
          } else {
            judged.push({ k, visited, request, queueEnd: queue.texts.length, failed, slice });
          }
        }
      }
    } finally {
      this.#wipe(keysStart, dataStart, scratch === 0 ? dataStart : scratch, scratch === 0 ? 0 : scratchLen);
    }
    // General checks, in walk order, now that memory has been read and wiped.
    let q = 0;
    for (const j of judged) {
      let verdict = j.failed;
      const context = j.request?.context;
      const tests =
        q < j.queueEnd && j.slice ? (predicates as Predicates).sliceTests(j.slice, context) : undefined;
      for (; q < j.queueEnd; q++) {
        const text = queue.texts[q] as string;
        if (!(predicates as Predicates).generalSatisfies(text, context, tests)) {
          verdict = {
            status: Status.CAVEAT_NOT_SATISFIED,
            macaroon: queue.macaroons[q] as number,
            caveat: queue.caveats[q] as number,
            visited: j.visited,
            subject: queue.subjects[q] as Uint8Array,
          };
          break;
        }
      }
      q = j.queueEnd;
      verdicts[j.k] = verdict ?? okVerdict(j.visited);
    }
  }

  /**
   * Copies an item's serialized tokens to `at` one after another (base64 text as it is, V2 bytes) and
   * writes their token entries from word `tokenWord`; returns their count, or 0 (the module then
   * declines the item) when a token is not serialized, is over the size limit, is a text that is not
   * ASCII or bytes that are not V2.
   */
  #packTokens(tokens: readonly Token[], at: number, tokenWord: number, limits: Limits): number {
    const u8 = this.#u8;
    const u32 = this.#u32;
    for (let mi = 0; mi < tokens.length; mi++) {
      const token = tokens[mi];
      if (!isSerialized(token) || token.length > limits.maxTokenBytes) return 0;
      const e = tokenWord + mi * TOKEN_WORDS;
      let len: number;
      if (typeof token === 'string') {
        // Only ASCII takes as many bytes as characters; anything else is declined. The view has room for
        // three bytes a character: V8 then encodes without checking the room as it goes, a third faster
        // per token than into a view as long as the text. What a declined text wrote past its room lies
        // in this call's own space (later rooms, overflow, scratch), which is written before it is read.
        const { read, written } = encoder.encodeInto(token, u8.subarray(at, at + token.length * 3));
        if (read !== token.length || written !== token.length) return 0;
        len = written;
        u32[e + TOKEN_BINARY] = 0;
      } else {
        if (token[0] !== 2) return 0;
        u8.set(token, at);
        len = token.length;
        u32[e + TOKEN_BINARY] = 1;
      }
      u32[e + TOKEN_OFF] = at;
      u32[e + TOKEN_LEN] = len;
      at += len;
    }
    return tokens.length;
  }

  /** Writes the table of the verifier's exact predicates at the heap base unless it is there already. */
  #exactTable(set: ByteSet): number {
    const at = align16(this.#exports.heapBase());
    if (set !== this.#exactSet || set.size !== this.#exactSize) {
      const end = at + exactTableBytes(set);
      this.#ensure(end + 16);
      writeExactTable(set, this.#u8, this.#u32, at);
      this.#exactSet = set;
      this.#exactSize = set.size;
      this.#exactEnd = end;
    }
    return at;
  }

  /** Bytes of the unmatched list decoded macaroons' caveats may need. */
  #unmatchedBytes(macaroons: readonly ChainMacaroon[]): number {
    let caveats = 0;
    for (const m of macaroons) caveats += m.caveats.length;
    return caveats * UNMATCHED_WORDS_PER_CAVEAT * 4;
  }

  /** Writes decoded macaroons' fields at `data` and their tables after them; returns the output word. */
  #writeDecoded(macaroons: readonly ChainMacaroon[], data: number): number {
    let bytes = 0;
    let words = OUT_HEADER_WORDS + macaroons.length + 1;
    for (const m of macaroons) {
      const size = decodedSize(m);
      bytes += size.bytes;
      words += size.words;
    }
    const tables = (data + bytes + 3) >>> 2;
    this.#ensure((tables + words) * 4 + 16);
    const u8 = this.#u8;
    const u32 = this.#u32;
    let field = data;
    const put = (bytes: Uint8Array): number => {
      u8.set(bytes, field);
      field += bytes.length;
      return field - bytes.length;
    };
    const macWord = tables;
    let word = macWord + macaroons.length * MAC_WORDS;
    for (let mi = 0; mi < macaroons.length; mi++) {
      const m = macaroons[mi] as ChainMacaroon;
      const mt = macWord + mi * MAC_WORDS;
      u32[mt + MAC_ID_OFF] = put(m.identifier);
      u32[mt + MAC_ID_LEN] = m.identifier.length;
      u32[mt + MAC_CAVEAT_COUNT] = m.caveats.length;
      u32[mt + MAC_CAVEAT_TABLE] = word * 4;
      for (const c of m.caveats) {
        u32[word + CAVEAT_CID_OFF] = put(c.identifier);
        u32[word + CAVEAT_CID_LEN] = c.identifier.length;
        const vid = c.verificationId;
        u32[word + CAVEAT_VID_OFF] = vid ? put(vid) : NO_VID;
        u32[word + CAVEAT_VID_LEN] = vid ? vid.length : 0;
        word += CAVEAT_WORDS;
      }
      u32[mt + MAC_SIG_OFF] = put(m.signature);
      u32[mt + MAC_SIG_LEN] = m.signature.length;
    }
    this.#macWord = macWord;
    return word;
  }

  #visited(out: number): readonly number[] {
    const i32 = this.#i32;
    const count = i32[out + OUT_VISITED_COUNT] as number;
    const first = out + OUT_HEADER_WORDS;
    if (count === 1) return ROOT_ONLY;
    if (count === 2 && i32[first + 1] === 1) return ROOT_AND_ONE;
    const visited: number[] = new Array(count);
    for (let v = 0; v < count; v++) visited[v] = i32[first + v] as number;
    return visited;
  }

  /** A walk failure, with the bytes its message names copied out of memory. */
  #failure(status: StatusCode, out: number, macWord: number, visited: readonly number[]): Verdict {
    const macaroon = this.#i32[out + OUT_MACAROON] as number;
    const caveat = this.#i32[out + OUT_CAVEAT] as number;
    if (status === Status.SIGNATURE_MISMATCH || status === Status.DECRYPTION_FAILED) {
      return { status, macaroon, caveat, visited };
    }
    const u32 = this.#u32;
    const m = macWord + macaroon * MAC_WORDS;
    let off: number;
    let len: number;
    if (caveat < 0) {
      off = u32[m + MAC_ID_OFF] as number;
      len = u32[m + MAC_ID_LEN] as number;
    } else {
      const c = ((u32[m + MAC_CAVEAT_TABLE] as number) >>> 2) + caveat * CAVEAT_WORDS;
      off = u32[c + CAVEAT_CID_OFF] as number;
      len = u32[c + CAVEAT_CID_LEN] as number;
    }
    return { status, macaroon, caveat, visited, subject: this.#u8.slice(off, off + len) };
  }

  /** Every first-party condition of the macaroons walked that is UTF-8, as text (for slice checkers). */
  #slice(macWord: number, visited: readonly number[], texts: PredicateTexts | undefined): string[] {
    const u8 = this.#u8;
    const u32 = this.#u32;
    const slice: string[] = [];
    for (const mi of visited) {
      const m = macWord + mi * MAC_WORDS;
      const count = u32[m + MAC_CAVEAT_COUNT] as number;
      const table = (u32[m + MAC_CAVEAT_TABLE] as number) >>> 2;
      for (let ci = 0; ci < count; ci++) {
        const c = table + ci * CAVEAT_WORDS;
        if (u32[c + CAVEAT_VID_OFF] !== NO_VID) continue;
        const text = texts?.textAt(u8, u32[c + CAVEAT_CID_OFF] as number, u32[c + CAVEAT_CID_LEN] as number);
        if (text !== undefined) slice.push(text);
      }
    }
    return slice;
  }

  /**
   * Judges the first-party caveats the module listed at word `list` (those the verifier's exact
   * predicates do not satisfy, in walk order) by the request's own exact predicates, and queues the
   * text of each one left for the general checks (with its macaroon and caveat index). Returns the first
   * caveat that nothing can satisfy, if any; queuing stops there.
   */
  #judgeUnmatched(
    macWord: number,
    list: number,
    visited: readonly number[],
    request: RequestFacts | undefined,
    texts: PredicateTexts | undefined,
    queue: GeneralQueue,
  ): Verdict | undefined {
    const u8 = this.#u8;
    const u32 = this.#u32;
    const count = u32[list] as number;
    const itemExact = request?.exact;
    for (let j = 0; j < count; j++) {
      const pair = list + 1 + j * UNMATCHED_WORDS_PER_CAVEAT;
      const mi = u32[pair] as number;
      const ci = u32[pair + 1] as number;
      const m = macWord + mi * MAC_WORDS;
      const c = ((u32[m + MAC_CAVEAT_TABLE] as number) >>> 2) + ci * CAVEAT_WORDS;
      const off = u32[c + CAVEAT_CID_OFF] as number;
      const len = u32[c + CAVEAT_CID_LEN] as number;
      if (itemExact?.hasAt(u8, off, len)) continue;
      const entry = texts?.entryAt(u8, off, len);
      const text = entry?.text;
      if (text === undefined) {
        return {
          status: Status.CAVEAT_NOT_SATISFIED,
          macaroon: mi,
          caveat: ci,
          visited,
          subject: u8.slice(off, off + len),
        };
      }
      queue.texts.push(text);
      queue.subjects.push((entry as Decoded).bytes);
      queue.macaroons.push(mi);
      queue.caveats.push(ci);
    }
    return undefined;
  }

  #use(instance: WebAssembly.Instance): void {
    this.#exports = instance.exports as unknown as EngineExports;
    this.#exactSet = undefined;
    this.#exactSize = -1;
    this.#exactEnd = 0;
    this.#views();
  }

  #views(): void {
    const buffer = this.#exports.memory.buffer;
    this.#u8 = new Uint8Array(buffer);
    this.#u32 = new Uint32Array(buffer);
    this.#i32 = new Int32Array(buffer);
    this.#f64 = new Float64Array(buffer);
  }

  /**
   * Grows memory (before writing, never during a call) so that `end` bytes fit. Only this engine grows
   * its memory, so the views' length is the memory's size (reading `memory.buffer` costs more than a
   * token's whole table writing, so it is read only when growing).
   */
  #ensure(end: number): void {
    if (end <= this.#u8.length) return;
    const memory = this.#exports.memory;
    try {
      memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
    } catch (e) {
      throw new EngineError('the batch does not fit in WASM memory', { cause: e });
    }
    this.#views();
  }

  #call(...args: Parameters<EngineExports['verifyBatch']>): number {
    return this.guarded('verifying', (x) => x.verifyBatch(...args));
  }

  /** @internal Calls into the module; a trap resets the instance and is thrown as an EngineError. */
  guarded<T>(what: string, fn: (exports: EngineExports) => T): T {
    try {
      return fn(this.#exports);
    } catch (e) {
      // A trap leaves the instance in an unknown state: wipe its memory and start over from the module.
      this.#u8.fill(0);
      this.#use(this.#instantiate(this.#module));
      throw new EngineError(`the WASM engine failed while ${what}; it has been reset`, { cause: e });
    }
  }

  /** HMAC chains (./wasm-chains.ts). */
  hmacChains(chains: readonly HmacChain[]): Uint8Array[] {
    return hmacChainsWasm(this, chains);
  }

  /**
   * @internal Zeroes [start, end) of memory (keys and tags after a chain call; the chain entry wipes the
   * module's own buffers itself).
   */
  wipeRange(start: number, end: number): void {
    if (this.#u8.buffer !== this.#exports.memory.buffer) return; // replaced after a trap: fresh memory
    this.#u8.fill(0, start, end);
  }

  /** Root keys, walk frames (running signatures, caveat keys) and the module's own buffers. */
  #wipe(keysStart: number, keysEnd: number, scratch: number, scratchLen: number): void {
    if (this.#u8.buffer !== this.#exports.memory.buffer) return; // replaced after a trap: fresh memory
    this.#u8.fill(0, keysStart, keysEnd);
    this.#u8.fill(0, scratch, scratch + scratchLen);
    this.#exports.wipe();
  }
}

/** Writes a root key at `at`; returns its length in bytes (a string's UTF-8). */
function writeKey(u8: Uint8Array, at: number, key: string | Uint8Array): number {
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

/** An engine over a compiled engine module (either build). */
export function createWasmEngine(module: WebAssembly.Module, options: WasmEngineOptions = {}): WasmEngine {
  return new WasmEngine(module, options);
}
