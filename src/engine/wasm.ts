/**
 * The WebAssembly engine (the interface and the verification of ./types.ts). TS only packs items into
 * the module's memory (./layout.ts) and reads verdicts back: serialized V2 tokens are copied in as they
 * are and decoded there (base64 in WASM, the V2 framing by ./wasm-v2.ts, in place, into the tables);
 * tokens in other forms are decoded by the codec (./decode.ts) and their fields copied in. One call
 * verifies a chunk of items; the first-party caveats of the items whose walk is OK are then judged
 * where they lie in memory (exact predicates by bytes, general checks on text decoded once per batch).
 *
 * A trap is turned into an EngineError and the instance is replaced, so the engine stays usable; key
 * material is wiped from memory after every chunk.
 */
import { constantTimeEqualAt, utf8Encode } from '../bytes.js';
import { base64DecodedBound } from '../codec/base64.js';
import { V2Framing } from '../codec/v2-framing.js';
import { EngineError, InvalidArgumentError } from '../errors.js';
import { DEFAULT_LIMITS, type Limits } from '../limits.js';
import type { Predicates, RequestFacts } from '../predicates.js';
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
  SCRATCH_PER_MACAROON,
} from './layout.js';
import { PredicateTexts } from './predicate-texts.js';
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
import { tableWordsBound, writeV2Tables } from './wasm-v2.js';

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
  ): number;
  wipe(): void;
  sha256(msg: number, len: number, out: number): number;
  hmacSha256(key: number, msg: number, len: number, out: number): number;
  deriveRootKey(key: number, len: number, out: number): number;
  openVerificationId(key: number, vid: number, out: number): number;
  /** Absent from modules built before it (initWasm may be handed one). */
  decodeBase64InPlace?(at: number, len: number): number;
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

/** Bytes of fields and table words of a decoded macaroon. */
function decodedSize(m: ChainMacaroon): { bytes: number; words: number } {
  let bytes = m.identifier.length + m.signature.length;
  for (const c of m.caveats) bytes += c.identifier.length + (c.verificationId ? c.verificationId.length : 0);
  return { bytes, words: MAC_WORDS + m.caveats.length * CAVEAT_WORDS };
}

/** Room an item may take after the root keys: tokens or fields, tables, output, alignment. */
function itemBound(tokens: readonly Token[], limits: Limits): number {
  let bytes = 0;
  let words = OUT_HEADER_WORDS + tokens.length;
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
  return bytes + 4 + words * 4;
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

/** First-party caveats left to the general checks, in walk order: text, macaroon and caveat index. */
interface GeneralQueue {
  readonly texts: string[];
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
  /** Where each token of the item being written ends (in-place path). */
  readonly #tokenEnds: number[] = [];
  /** Where the item being written put its macaroon table (word index). */
  #macWord = 0;
  /** The V2 framing reader of the in-place path. */
  readonly #framing = new V2Framing(new Uint8Array(0));

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
   * byte count, or -1 when the text is not plain base64 or the module cannot decode.
   */
  decodeBase64InPlace(at: number, len: number): number {
    const decode = this.#exports.decodeBase64InPlace;
    return decode ? decode(at, len) : -1;
  }

  /** @internal Where batch tables start. */
  tablesStart(): number {
    return align16(this.#exports.heapBase());
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
    let start = 0;
    while (start < items.length) {
      let end = start;
      let keyBytes = 0;
      let dataBytes = 0;
      let macaroons = 1;
      const bounds: number[] = [];
      for (; end < items.length; end++) {
        const item = items[end] as EngineItem;
        if (item.macaroons.length === 0) throw new InvalidArgumentError(`item ${end} has no macaroon`);
        const kb = keyBound(item.rootKey);
        const db = itemBound(item.macaroons, limits);
        const total = (end - start + 1) * JOB_WORDS * 4 + keyBytes + kb + dataBytes + db;
        if (end > start && total > CHUNK_BYTES) break;
        keyBytes += kb;
        dataBytes += db;
        bounds.push(db);
        macaroons = Math.max(macaroons, item.macaroons.length);
      }
      this.#runChunk(items, start, bounds, keyBytes, macaroons, policy, limits, predicates, verdicts);
      start = end;
    }
    return verdicts;
  }

  #runChunk(
    items: readonly EngineItem[],
    start: number,
    bounds: readonly number[],
    keyBytes: number,
    macaroons: number,
    policy: WalkPolicy,
    limits: Limits,
    predicates: Predicates | undefined,
    verdicts: Verdict[],
  ): void {
    const end = start + bounds.length;
    const jobTable = this.tablesStart();
    const keysStart = jobTable + bounds.length * JOB_WORDS * 4;
    const dataStart = align16(keysStart + keyBytes);
    const scratchLen = scratchBytes(macaroons) * this.#lanes;
    const taken: number[] = [];
    const outs: number[] = [];
    const macs: number[] = [];
    let keyAt = keysStart;
    let data = dataStart;
    let lastKey: string | Uint8Array | undefined;
    let lastKeyAt = 0;
    let lastKeyLen = 0;
    let scratch = 0;
    const judged: Judged[] = [];
    const queue: GeneralQueue = { texts: [], macaroons: [], caveats: [] };
    try {
      for (let k = start; k < end; k++) {
        const item = items[k] as EngineItem;
        const tokens = item.macaroons;
        // Room for this item and the scratch after it (an item decoded by the codec may have taken
        // more than its estimate, so this is checked per item; it is cheap).
        this.#ensure(data + (bounds[k - start] as number) + 16 + scratchLen);
        let word = this.#writeInPlace(tokens, data, limits);
        if (word < 0) {
          const decoded = decodeTokens(tokens, limits);
          if (!Array.isArray(decoded)) {
            verdicts[k] = { status: Status.MALFORMED, macaroon: -1, caveat: -1, visited: [], error: decoded };
            continue;
          }
          word = this.#writeDecoded(decoded, data);
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
        u32[jt + JOB_MAC_TABLE] = this.#macWord * 4;
        u32[jt + JOB_OUT] = word * 4;
        taken.push(k);
        outs.push(word);
        macs.push(this.#macWord);
        data = (word + OUT_HEADER_WORDS + tokens.length) * 4;
      }
      if (taken.length === 0) return;
      scratch = align16(data);
      this.#ensure(scratch + scratchLen);
      const rc = this.#call(
        taken.length,
        jobTable,
        scratch,
        scratchLen,
        policy.allowUnusedDischarges ? 1 : 0,
        depthBound(policy.maxDischargeDepth),
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
          const request = (items[k] as EngineItem).request;
          const failed = this.#judgeExact(macWord, visited, predicates, request, texts, queue);
          const slice = predicates.hasSliceCheckers ? this.#slice(macWord, visited, texts) : undefined;
          judged.push({ k, visited, request, queueEnd: queue.texts.length, failed, slice });
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
            subject: utf8Encode(text),
          };
          break;
        }
      }
      q = j.queueEnd;
      verdicts[j.k] = verdict ?? okVerdict(j.visited);
    }
  }

  /**
   * Writes an item of serialized V2 tokens at `data`, decoded in place, and its tables after them;
   * returns the word where its output goes, or -1 (having written nothing that counts) when any token
   * is not in a form the in-place reader takes.
   */
  #writeInPlace(tokens: readonly Token[], data: number, limits: Limits): number {
    const ends = this.#tokenEnds;
    const u8 = this.#u8;
    let at = data;
    for (let mi = 0; mi < tokens.length; mi++) {
      const token = tokens[mi];
      if (!isSerialized(token)) return -1;
      at = this.#writeToken(u8, at, token, limits);
      if (at < 0) return -1;
      ends[mi] = at;
    }
    let word = (at + 3) >>> 2;
    const macWord = word;
    word += tokens.length * MAC_WORDS;
    for (let mi = 0; mi < tokens.length; mi++) {
      const from = mi === 0 ? data : (ends[mi - 1] as number);
      word = writeV2Tables(
        this.#framing,
        u8,
        this.#u32,
        from,
        ends[mi] as number,
        macWord + mi * MAC_WORDS,
        word,
        limits,
      );
      if (word < 0) return -1;
    }
    this.#macWord = macWord;
    return word;
  }

  /** Copies one serialized token to `at`, decoded; returns its end, or -1 to decline it. */
  #writeToken(u8: Uint8Array, at: number, token: string | Uint8Array, limits: Limits): number {
    if (token.length > limits.maxTokenBytes) return -1;
    if (typeof token !== 'string') {
      if (token[0] !== 2) return -1;
      u8.set(token, at);
      return at + token.length;
    }
    if (typeof this.#exports.decodeBase64InPlace !== 'function') return -1;
    // Only ASCII fits in as many bytes as characters; anything else stops short and is declined.
    const { read, written } = encoder.encodeInto(token, u8.subarray(at, at + token.length));
    if (read !== token.length) return -1;
    const n = this.#exports.decodeBase64InPlace(at, written);
    return n < 0 ? -1 : at + n;
  }

  /** Writes decoded macaroons' fields at `data` and their tables after them; returns the output word. */
  #writeDecoded(macaroons: readonly ChainMacaroon[], data: number): number {
    let bytes = 0;
    let words = OUT_HEADER_WORDS + macaroons.length;
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
   * Judges the first-party caveats of the macaroons walked by exact predicates, in place; queues the
   * text of each one left for the general checks (with its macaroon and caveat index). Returns the
   * first caveat that nothing can satisfy, if any; queuing stops there.
   */
  #judgeExact(
    macWord: number,
    visited: readonly number[],
    predicates: Predicates,
    request: RequestFacts | undefined,
    texts: PredicateTexts | undefined,
    queue: GeneralQueue,
  ): Verdict | undefined {
    const u8 = this.#u8;
    const u32 = this.#u32;
    const exact = predicates.exact;
    const itemExact = request?.exact;
    for (const mi of visited) {
      const m = macWord + mi * MAC_WORDS;
      const count = u32[m + MAC_CAVEAT_COUNT] as number;
      const table = (u32[m + MAC_CAVEAT_TABLE] as number) >>> 2;
      for (let ci = 0; ci < count; ci++) {
        const c = table + ci * CAVEAT_WORDS;
        if (u32[c + CAVEAT_VID_OFF] !== NO_VID) continue;
        const off = u32[c + CAVEAT_CID_OFF] as number;
        const len = u32[c + CAVEAT_CID_LEN] as number;
        if (exact.hasAt(u8, off, len) || itemExact?.hasAt(u8, off, len)) continue;
        const text = texts?.textAt(u8, off, len);
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
        queue.macaroons.push(mi);
        queue.caveats.push(ci);
      }
    }
    return undefined;
  }

  #use(instance: WebAssembly.Instance): void {
    this.#exports = instance.exports as unknown as EngineExports;
    this.#views();
  }

  #views(): void {
    const buffer = this.#exports.memory.buffer;
    this.#u8 = new Uint8Array(buffer);
    this.#u32 = new Uint32Array(buffer);
    this.#i32 = new Int32Array(buffer);
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
