/**
 * The WebAssembly engine: packs a batch into the module's memory (./wasm-layout.ts), makes one call per
 * chunk, and reads back each job's verdict. The cryptography and the walk run in assembly/; this file
 * only moves bytes. A trap is turned into an EngineError and the instance is replaced, so the engine
 * stays usable; key material is wiped from memory after every chunk.
 */
import { EngineError, InvalidArgumentError } from '../errors.js';
import type { Engine, EngineVerdict, StatusCode, VerificationJob, WalkPolicy } from './types.js';
import {
  align16,
  CAVEAT_WORDS,
  JOB_WORDS,
  type JobSize,
  MAC_WORDS,
  measureJob,
  NO_VID,
  OUT_HEADER_WORDS,
  scratchBytes,
} from './wasm-layout.js';

/** The module's exports (assembly/batch.ts): i32 in, i32 out. */
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
}

/**
 * A batch is cut into chunks of about this many bytes of tables and fields, so memory stays bounded
 * whatever the batch size (a single larger job gets a chunk of its own).
 */
export const CHUNK_BYTES = 4 * 1024 * 1024;

const MAX_I32 = 0x7fffffff;

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

/** Whether two root keys are equal, without an early exit (they are secrets). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** `depth + 1 > maxDischargeDepth` evaluated on i32 in WASM gives the same answer as in JS. */
function depthBound(maxDepth: number): number {
  if (Number.isNaN(maxDepth) || maxDepth >= MAX_I32) return MAX_I32;
  return Math.max(-1, Math.floor(maxDepth));
}

export class WasmEngine implements Engine {
  readonly name: string;
  readonly #module: WebAssembly.Module;
  readonly #instantiate: (module: WebAssembly.Module) => WebAssembly.Instance;
  #exports!: EngineExports;
  #lanes = 1;
  #u8 = new Uint8Array(0);
  #u32 = new Uint32Array(0);
  #i32 = new Int32Array(0);
  #memoryViews: MemoryViews = { u8: this.#u8, u32: this.#u32, i32: this.#i32 };
  readonly #size: JobSize = { words: 0, keyBytes: 0, fieldBytes: 0, macaroons: 0 };

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

  /** @internal Whether the module decodes base64 (decodeBase64InPlace). */
  get decodesBase64(): boolean {
    return typeof this.#exports.decodeBase64InPlace === 'function';
  }

  /** @internal Where batch tables may start. */
  tablesStart(): number {
    return align16(this.#exports.heapBase());
  }

  /**
   * @internal For callers that lay tables out themselves (./wasm-batch.ts): grows memory so that `end`
   * bytes fit and returns views of it, valid until the next call into the engine.
   */
  reserve(end: number): MemoryViews {
    this.#ensure(end);
    return this.#memoryViews;
  }

  /** @internal Verifies `count` jobs laid out from `jobTable` (src/engine/wasm-layout.ts). */
  runTables(count: number, jobTable: number, scratch: number, scratchLen: number, policy: WalkPolicy): void {
    const allowUnused = policy.allowUnusedDischarges ? 1 : 0;
    const rc = this.#call(
      count,
      jobTable,
      scratch,
      scratchLen,
      allowUnused,
      depthBound(policy.maxDischargeDepth),
    );
    if (rc !== 0) throw new EngineError(`the WASM engine rejected the batch layout (code ${rc})`);
  }

  /** @internal Wipes root keys in [keysStart, keysEnd), the walk scratch and the module's own buffers. */
  wipeTables(keysStart: number, keysEnd: number, scratch: number, scratchLen: number): void {
    this.#wipe(keysStart, keysEnd, scratch, scratchLen);
  }

  verifyBatch(jobs: readonly VerificationJob[], policy: WalkPolicy): EngineVerdict[] {
    if (!Array.isArray(jobs)) throw new InvalidArgumentError('jobs must be an array');
    const verdicts: EngineVerdict[] = new Array(jobs.length);
    const allowUnused = policy.allowUnusedDischarges ? 1 : 0;
    const maxDepth = depthBound(policy.maxDischargeDepth);
    const size = this.#size;
    let start = 0;
    while (start < jobs.length) {
      let end = start;
      let words = 0;
      let keyBytes = 0;
      let fieldBytes = 0;
      let macaroons = 0;
      for (; end < jobs.length; end++) {
        measureJob(jobs[end] as VerificationJob, size);
        if (size.macaroons === 0) throw new InvalidArgumentError(`job ${end} has no macaroon`);
        const total = (words + size.words) * 4 + keyBytes + size.keyBytes + fieldBytes + size.fieldBytes;
        if (end > start && total > CHUNK_BYTES) break;
        words += size.words;
        keyBytes += size.keyBytes;
        fieldBytes += size.fieldBytes;
        macaroons = Math.max(macaroons, size.macaroons);
      }
      this.#runChunk(
        jobs,
        start,
        end,
        { words, keyBytes, fieldBytes, macaroons },
        allowUnused,
        maxDepth,
        verdicts,
      );
      start = end;
    }
    return verdicts;
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
    this.#memoryViews = { u8: this.#u8, u32: this.#u32, i32: this.#i32 };
  }

  /** Grows memory (before writing, never during a call) so that `end` bytes fit. */
  #ensure(end: number): void {
    const memory = this.#exports.memory;
    const have = memory.buffer.byteLength;
    if (end > have) {
      try {
        memory.grow(Math.ceil((end - have) / 65536));
      } catch (e) {
        throw new EngineError('the batch does not fit in WASM memory', { cause: e });
      }
    }
    if (this.#u8.buffer !== memory.buffer) this.#views();
  }

  #runChunk(
    jobs: readonly VerificationJob[],
    start: number,
    end: number,
    total: JobSize,
    allowUnused: number,
    maxDepth: number,
    verdicts: EngineVerdict[],
  ): void {
    const count = end - start;
    const jobTable = align16(this.#exports.heapBase());
    const keysStart = jobTable + total.words * 4;
    const fieldsStart = keysStart + total.keyBytes;
    const scratch = align16(fieldsStart + total.fieldBytes);
    // Each SIMD lane walks its own job, so it gets its own scratch.
    const scratchLen = scratchBytes(total.macaroons) * this.#lanes;
    this.#ensure(scratch + scratchLen);
    const u8 = this.#u8;
    const u32 = this.#u32;
    const outs: number[] = new Array(count);
    let word = (jobTable >>> 2) + count * JOB_WORDS;
    let key = keysStart;
    let sharedKey = keysStart;
    let field = fieldsStart;
    try {
      for (let i = 0; i < count; i++) {
        const job = jobs[start + i] as VerificationJob;
        const macaroons = job.macaroons;
        const jt = (jobTable >>> 2) + i * JOB_WORDS;
        const rootKey = job.rootKey;
        // A key shared with the previous job is written once: the module then reuses its derivation.
        if (i === 0 || !sameBytes(rootKey, jobs[start + i - 1]?.rootKey as Uint8Array)) {
          u8.set(rootKey, key);
          sharedKey = key;
          key += rootKey.length;
        }
        u32[jt] = sharedKey;
        u32[jt + 1] = rootKey.length;
        u32[jt + 2] = macaroons.length;
        const macTable = word;
        u32[jt + 3] = macTable * 4;
        word += macaroons.length * MAC_WORDS;
        outs[i] = word;
        u32[jt + 4] = word * 4;
        word += OUT_HEADER_WORDS + macaroons.length;
        for (let mi = 0; mi < macaroons.length; mi++) {
          const m = macaroons[mi] as VerificationJob['macaroons'][number];
          const mt = macTable + mi * MAC_WORDS;
          u8.set(m.identifier, field);
          u32[mt] = field;
          u32[mt + 1] = m.identifier.length;
          field += m.identifier.length;
          const caveats = m.caveats;
          u32[mt + 2] = caveats.length;
          u32[mt + 3] = word * 4;
          for (const c of caveats) {
            u8.set(c.identifier, field);
            u32[word] = field;
            u32[word + 1] = c.identifier.length;
            field += c.identifier.length;
            const vid = c.verificationId;
            if (vid) {
              u8.set(vid, field);
              u32[word + 2] = field;
              u32[word + 3] = vid.length;
              field += vid.length;
            } else {
              u32[word + 2] = NO_VID;
              u32[word + 3] = 0;
            }
            word += CAVEAT_WORDS;
          }
          u8.set(m.signature, field);
          u32[mt + 4] = field;
          u32[mt + 5] = m.signature.length;
          field += m.signature.length;
        }
      }
      const rc = this.#call(count, jobTable, scratch, scratchLen, allowUnused, maxDepth);
      if (rc !== 0) throw new EngineError(`the WASM engine rejected the batch layout (code ${rc})`);
      const i32 = this.#i32;
      for (let i = 0; i < count; i++) {
        const o = outs[i] as number;
        const visitedCount = i32[o + 3] as number;
        const visited: number[] = new Array(visitedCount);
        for (let v = 0; v < visitedCount; v++) visited[v] = i32[o + OUT_HEADER_WORDS + v] as number;
        verdicts[start + i] = {
          status: i32[o] as StatusCode,
          macaroon: i32[o + 1] as number,
          caveat: i32[o + 2] as number,
          visited,
        };
      }
    } finally {
      this.#wipe(keysStart, fieldsStart, scratch, scratchLen);
    }
  }

  #call(...args: Parameters<EngineExports['verifyBatch']>): number {
    try {
      return this.#exports.verifyBatch(...args);
    } catch (e) {
      // A trap leaves the instance in an unknown state: wipe its memory and start over from the module.
      this.#u8.fill(0);
      this.#use(this.#instantiate(this.#module));
      throw new EngineError('the WASM engine failed while verifying; it has been reset', { cause: e });
    }
  }

  /** Root keys, walk frames (running signatures, caveat keys) and the module's own buffers. */
  #wipe(keysStart: number, keysEnd: number, scratch: number, scratchLen: number): void {
    if (this.#u8.buffer !== this.#exports.memory.buffer) return; // replaced after a trap: fresh memory
    this.#u8.fill(0, keysStart, keysEnd);
    this.#u8.fill(0, scratch, scratch + scratchLen);
    this.#exports.wipe();
  }
}

/** An engine over a compiled engine module (either build). */
export function createWasmEngine(module: WebAssembly.Module, options: WasmEngineOptions = {}): WasmEngine {
  return new WasmEngine(module, options);
}
