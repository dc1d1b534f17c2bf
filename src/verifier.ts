/**
 * The Verifier: which first-party predicates are satisfied (exact values and general checks), the walk
 * policy and limits, and the engine. It is the one place that knows both formats and engines: it turns
 * macaroons into engine jobs, runs the engine, then checks predicates in TS for the macaroons walked.
 */
import { ByteSet, describeType, printableText, toBytes, utf8DecodeStrict, utf8Encode } from './bytes.js';
import { base64UrlEncode } from './codec/base64.js';
import { decodeAny } from './codec/detect.js';
import { type EngineChoice, selectEngine } from './engine/registry.js';
import {
  type Engine,
  type EngineVerdict,
  Status,
  type VerificationJob,
  type WalkPolicy,
} from './engine/types.js';
import { WasmEngine } from './engine/wasm.js';
import { type SerializedJobs, verifySerialized } from './engine/wasm-batch.js';
import { CAVEAT_WORDS, MAC_WORDS, NO_VID, OUT_HEADER_WORDS } from './engine/wasm-layout.js';
import { PredicateTable, PredicateTexts } from './engine/wasm-predicates.js';
import {
  InvalidArgumentError,
  LimitExceededError,
  MacaroonError,
  NotAuthorizedError,
  type NotAuthorizedReason,
} from './errors.js';
import { checkMacaroonLimits, type Limits, resolveLimits } from './limits.js';
import { Macaroon, macaroonData } from './macaroon.js';
import type { MacaroonData } from './model.js';

export interface VerifierOptions {
  /** 'auto' (default): WASM once `ready()` has loaded it, TS before. 'wasm' requires `ready()`. */
  readonly engine?: EngineChoice;
  /**
   * Accept discharges that no caveat needs. Default false (as go-macaroon and js-macaroon); true behaves
   * like pymacaroons and libmacaroons, which ignore them.
   */
  readonly allowUnusedDischarges?: boolean;
  /** Resource limits; any not given keeps its default (see DEFAULT_LIMITS). */
  readonly limits?: Partial<Limits>;
}

/**
 * A general check: true when it satisfies the predicate. `context` is what the request passed in
 * `VerifyOptions.context` (or the batch item's `context`): the request's own facts, e.g. the account id.
 */
export type GeneralCheck = (predicate: string, context: unknown) => boolean;

/**
 * A checker that needs the whole slice, such as bakery's first-party checkers (`checkers.std()` from
 * `macaroon-engine/bakery`), whose `declared` conditions are inferred from every macaroon verified.
 * Given every first-party condition (as text) of the macaroons verified and the request's context, it
 * returns the test of one condition.
 */
export interface SliceChecker {
  forSlice(conditions: readonly string[], context: unknown): (condition: string) => boolean;
}

/** Per-request additions to what the verifier satisfies. */
export interface VerifyOptions {
  /** Predicates satisfied exactly for this request only (e.g. `account = 42` from the URL). */
  readonly exact?: readonly (string | Uint8Array)[];
  /** Handed to every general check as its second argument. */
  readonly context?: unknown;
}

export interface BatchItem extends VerifyOptions {
  readonly macaroon: Macaroon | string | Uint8Array;
  readonly rootKey: string | Uint8Array;
  readonly discharges?: readonly (Macaroon | string | Uint8Array)[];
}

export interface BatchResult {
  readonly ok: boolean;
  readonly error?: MacaroonError;
}

const REASONS: Record<number, NotAuthorizedReason> = {
  [Status.SIGNATURE_MISMATCH]: 'signature-mismatch',
  [Status.DECRYPTION_FAILED]: 'decryption-failed',
  [Status.DISCHARGE_MISSING]: 'discharge-missing',
  [Status.DISCHARGE_REUSED]: 'discharge-reused',
  [Status.DISCHARGE_UNUSED]: 'discharge-unused',
  [Status.DEPTH_EXCEEDED]: 'depth-exceeded',
};

/** A short, safe rendering of caveat or macaroon identifiers for error messages. */
function describeBytes(bytes: Uint8Array): string {
  const max = 64;
  const text = printableText(bytes.subarray(0, max));
  const shown =
    text !== undefined ? JSON.stringify(text) : `base64:${base64UrlEncode(bytes.subarray(0, max))}`;
  return bytes.length > max ? `${shown}…` : shown;
}

function which(index: number): string {
  return index === 0 ? 'the root macaroon' : `discharge ${index}`;
}

function verdictError(verdict: EngineVerdict, macaroons: readonly MacaroonData[]): NotAuthorizedError {
  const reason = REASONS[verdict.status] as NotAuthorizedReason;
  const m = macaroons[verdict.macaroon] as MacaroonData;
  const caveat = m.caveats[verdict.caveat];
  const cid = caveat ? describeBytes(caveat.identifier) : '';
  switch (verdict.status) {
    case Status.SIGNATURE_MISMATCH:
      return new NotAuthorizedError(reason, `signature mismatch in ${which(verdict.macaroon)}`);
    case Status.DECRYPTION_FAILED:
      return new NotAuthorizedError(
        reason,
        `cannot decrypt third-party caveat ${verdict.caveat} of ${which(verdict.macaroon)} (wrong key or tampered)`,
      );
    case Status.DISCHARGE_MISSING:
      return new NotAuthorizedError(
        reason,
        `no discharge for third-party caveat ${cid} of ${which(verdict.macaroon)}`,
      );
    case Status.DISCHARGE_REUSED:
      return new NotAuthorizedError(reason, `discharge for caveat ${cid} would be used more than once`);
    case Status.DISCHARGE_UNUSED:
      return new NotAuthorizedError(
        reason,
        `discharge ${verdict.macaroon} (${describeBytes(m.identifier)}) was not used`,
      );
    default:
      return new NotAuthorizedError(reason, `discharges nested deeper than allowed at caveat ${cid}`);
  }
}

export class Verifier {
  readonly #exact = new ByteSet();
  /** The same predicates, for lookups in WASM memory. */
  readonly #exactTable = new PredicateTable();
  readonly #general: GeneralCheck[] = [];
  readonly #sliceCheckers: SliceChecker[] = [];
  readonly #engine: EngineChoice;
  readonly #policy: WalkPolicy;
  readonly #limits: Limits;

  constructor(options: VerifierOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('Verifier options must be an object');
    }
    const engine = options.engine ?? 'auto';
    selectEngine(engine === 'wasm' ? 'auto' : engine); // validates the name; 'wasm' is checked at use
    this.#engine = engine;
    this.#limits = resolveLimits(options.limits);
    this.#policy = {
      allowUnusedDischarges: options.allowUnusedDischarges ?? false,
      maxDischargeDepth: this.#limits.maxDischargeDepth,
    };
  }

  /** The name of the engine this verifier uses now ('js', 'wasm-simd' or 'wasm-scalar'). */
  get engine(): string {
    return selectEngine(this.#engine).name;
  }

  /** Satisfies first-party caveats equal to `predicate`, byte for byte. */
  satisfyExact(predicate: string | Uint8Array): this {
    const bytes = toBytes(predicate, 'predicate');
    this.#exact.add(bytes);
    this.#exactTable.add(bytes);
    return this;
  }

  /**
   * Satisfies first-party caveats for which `check` returns true. Checks receive the predicate as text;
   * a predicate that is not valid UTF-8 can only be satisfied exactly. A check that throws does not
   * satisfy the caveat.
   */
  satisfyGeneral(check: GeneralCheck): this {
    if (typeof check !== 'function')
      throw new InvalidArgumentError(`check must be a function, got ${describeType(check)}`);
    this.#general.push(check);
    return this;
  }

  /**
   * Satisfies first-party caveats that `checker` accepts, checked with every first-party condition of
   * the verified slice in view (bakery's `declared`) and the request's `context` (whose `now`, for
   * bakery's checkers, overrides the clock). Works with every engine and with verifyBatch.
   */
  satisfyChecker(checker: SliceChecker): this {
    if (typeof checker !== 'object' || checker === null || typeof checker.forSlice !== 'function') {
      throw new InvalidArgumentError(`checker must have a forSlice method, got ${describeType(checker)}`);
    }
    this.#sliceCheckers.push(checker);
    return this;
  }

  /** Throws NotAuthorizedError (or another MacaroonError for bad input) unless `m` authorizes. */
  verify(
    m: Macaroon,
    rootKey: string | Uint8Array,
    discharges: readonly Macaroon[] = [],
    options: VerifyOptions = {},
  ): void {
    const request = this.#request(options);
    const job = this.#job(m, rootKey, discharges);
    const verdict = selectEngine(this.#engine).verifyBatch([job.job], this.#policy)[0] as EngineVerdict;
    const error = this.#judge(verdict, job.data, request);
    if (error) throw error;
  }

  /** Like verify, but returns false instead of throwing NotAuthorizedError. Bad input still throws. */
  verifyUnsafe(
    m: Macaroon,
    rootKey: string | Uint8Array,
    discharges: readonly Macaroon[] = [],
    options: VerifyOptions = {},
  ): boolean {
    try {
      this.verify(m, rootKey, discharges, options);
      return true;
    } catch (e) {
      if (e instanceof NotAuthorizedError) return false;
      throw e;
    }
  }

  /**
   * Verifies many items in one engine call. Each result is what `verify` gives for that item alone; a
   * malformed item fails on its own with its error and does not affect the others.
   */
  verifyBatch(items: readonly BatchItem[]): BatchResult[] {
    if (!Array.isArray(items))
      throw new InvalidArgumentError(`items must be an array, got ${describeType(items)}`);
    const engine = selectEngine(this.#engine);
    const results: BatchResult[] = new Array(items.length);
    let general: number[];
    if (engine instanceof WasmEngine) {
      general = this.#serializedBatch(engine, items, results);
    } else {
      general = [];
      for (let i = 0; i < items.length; i++) if (i in items) general.push(i);
    }
    if (general.length > 0) this.#generalBatch(engine, items, general, results);
    return results;
  }

  /**
   * The WASM fast path for items whose tokens and keys are strings or bytes (a gateway's case): tokens
   * are decoded straight into the engine's memory (./engine/wasm-batch.ts) and predicates read there.
   * Returns the items it leaves to #generalBatch: every one it does not take, and every one the engine
   * refused, whose error the general path then builds exactly as verify() does.
   */
  #serializedBatch(engine: WasmEngine, items: readonly BatchItem[], results: BatchResult[]): number[] {
    const limits = this.#limits;
    const left: number[] = [];
    const index: number[] = [];
    const exacts: (ByteSet | undefined)[] = [];
    const contexts: unknown[] = [];
    const jobs: SerializedJobs = {
      tokens: [],
      keys: [],
      firstDischarge: [],
      dischargeCount: [],
      discharges: [],
    };
    for (let i = 0; i < items.length; i++) {
      if (!(i in items)) continue;
      const item = items[i];
      if (typeof item !== 'object' || item === null || !this.#gather(item, jobs)) {
        left.push(i);
        continue;
      }
      // The options as #request reads them, without an object per item.
      let facts: ByteSet | undefined;
      try {
        facts = requestExact(item.exact);
      } catch {
        this.#ungather(jobs); // the general path throws the same error for this item
        left.push(i);
        continue;
      }
      index.push(i);
      exacts.push(facts);
      contexts.push(item.context);
    }
    if (index.length === 0) return left;

    // Predicates of the verified items: exact ones here, general ones queued (with the macaroon they
    // belong to) for after the engine, when user code may run.
    const texts = new PredicateTexts();
    const queued: string[] = [];
    const queuedMacaroon: number[] = [];
    const judged: number[] = [];
    const queueEnd: number[] = [];
    const failure: (NotAuthorizedError | undefined)[] = [];
    const slices: string[][] = [];
    const exact = this.#exactTable;
    const hasSlice = this.#sliceCheckers.length > 0;
    const hasGeneral = this.#general.length > 0 || hasSlice;
    verifySerialized(engine, jobs, limits, this.#policy, {
      declined: (k) => {
        left.push(index[k] as number);
      },
      verified: (k, out, macWord, { u8, u32, i32 }) => {
        if (i32[out] !== Status.OK) {
          left.push(index[k] as number);
          return;
        }
        const itemExact = exacts[k];
        let failed: NotAuthorizedError | undefined;
        const slice: string[] = [];
        const visited = i32[out + 3] as number;
        if (hasSlice) {
          // Slice checkers see every first-party condition, exactly satisfied ones included.
          for (let v = 0; v < visited; v++) {
            const m = macWord + (i32[out + OUT_HEADER_WORDS + v] as number) * MAC_WORDS;
            const table = (u32[m + 3] as number) >>> 2;
            for (let ci = 0; ci < (u32[m + 2] as number); ci++) {
              const c = table + ci * CAVEAT_WORDS;
              if (u32[c + 2] !== NO_VID) continue;
              const text = texts.textAt(u8, u32[c] as number, u32[c + 1] as number);
              if (text !== undefined) slice.push(text);
            }
          }
        }
        for (let v = 0; v < visited && !failed; v++) {
          const mi = i32[out + OUT_HEADER_WORDS + v] as number;
          const m = macWord + mi * MAC_WORDS;
          const caveats = u32[m + 2] as number;
          const table = (u32[m + 3] as number) >>> 2;
          for (let ci = 0; ci < caveats; ci++) {
            const c = table + ci * CAVEAT_WORDS;
            if (u32[c + 2] !== NO_VID) continue;
            const off = u32[c] as number;
            const len = u32[c + 1] as number;
            if (exact.hasAt(u8, off, len)) continue;
            if (itemExact?.has(u8.subarray(off, off + len))) continue;
            const text = hasGeneral ? texts.textAt(u8, off, len) : undefined;
            if (text === undefined) {
              failed = notSatisfied(u8.subarray(off, off + len), mi);
              break;
            }
            queued.push(text);
            queuedMacaroon.push(mi);
          }
        }
        judged.push(k);
        queueEnd.push(queued.length);
        failure.push(failed);
        slices.push(slice);
      },
    });

    let q = 0;
    for (let j = 0; j < judged.length; j++) {
      const k = judged[j] as number;
      const context = contexts[k];
      let error: NotAuthorizedError | undefined;
      const end = queueEnd[j] as number;
      const tests = q < end && hasSlice ? this.#sliceTests(slices[j] as string[], context) : undefined;
      for (; q < end; q++) {
        const text = queued[q] as string;
        if (!this.#generalSatisfies(text, context, tests)) {
          error = notSatisfied(utf8Encode(text), queuedMacaroon[q] as number);
          break;
        }
      }
      q = end;
      error ??= failure[j];
      results[index[k] as number] = error ? { ok: false, error } : { ok: true };
    }
    return left;
  }

  /**
   * Adds an item's token, discharges and key to `jobs` when all are strings or bytes within the limits
   * that bound memory; otherwise leaves `jobs` as it was and returns false. Reads each property once.
   */
  #gather(item: BatchItem, jobs: SerializedJobs): boolean {
    const limits = this.#limits;
    const token = item.macaroon;
    const key = item.rootKey;
    const discharges = item.discharges;
    if (!isSerialized(token) || token.length > limits.maxTokenBytes || !isSerialized(key)) return false;
    const first = jobs.discharges.length;
    let count = 0;
    if (discharges !== undefined) {
      if (!Array.isArray(discharges) || discharges.length > limits.maxDischarges) return false;
      count = discharges.length;
      for (let d = 0; d < count; d++) {
        const value: unknown = discharges[d];
        if (!isSerialized(value) || value.length > limits.maxTokenBytes) {
          jobs.discharges.length = first;
          return false;
        }
        jobs.discharges.push(value);
      }
    }
    jobs.tokens.push(token);
    jobs.keys.push(key);
    jobs.firstDischarge.push(first);
    jobs.dischargeCount.push(count);
    return true;
  }

  /** Removes the job #gather added last. */
  #ungather(jobs: SerializedJobs): void {
    jobs.tokens.pop();
    jobs.keys.pop();
    jobs.discharges.length = jobs.firstDischarge.pop() as number;
    jobs.dischargeCount.pop();
  }

  /** Items as verify() takes them: parsed into Macaroons, then verified in one engine call. */
  #generalBatch(
    engine: Engine,
    items: readonly BatchItem[],
    indexes: readonly number[],
    results: BatchResult[],
  ): void {
    const jobs: VerificationJob[] = [];
    const pending: { index: number; data: MacaroonData[]; request: RequestFacts }[] = [];
    for (const index of indexes) {
      const item = items[index];
      try {
        if (typeof item !== 'object' || item === null) {
          throw new InvalidArgumentError(`batch item ${index} must be an object, got ${describeType(item)}`);
        }
        const request = this.#request(item);
        const m = this.#parse(item.macaroon);
        const discharges = item.discharges === undefined ? [] : item.discharges;
        if (!Array.isArray(discharges)) throw new InvalidArgumentError('discharges must be an array');
        this.#checkDischargeCount(discharges.length);
        const prepared = this.#job(
          m,
          item.rootKey,
          discharges.map((d) => this.#parse(d)),
        );
        jobs.push(prepared.job);
        pending.push({ index, data: prepared.data, request });
      } catch (e) {
        results[index] = { ok: false, error: asMacaroonError(e) };
      }
    }
    const verdicts = jobs.length > 0 ? engine.verifyBatch(jobs, this.#policy) : [];
    pending.forEach(({ index, data, request }, k) => {
      const error = this.#judge(verdicts[k] as EngineVerdict, data, request);
      results[index] = error ? { ok: false, error } : { ok: true };
    });
  }

  #parse(value: Macaroon | string | Uint8Array): Macaroon {
    if (value instanceof Macaroon) return value;
    if (typeof value === 'string' || value instanceof Uint8Array) {
      return Macaroon.fromData(decodeAny(value, this.#limits));
    }
    throw new InvalidArgumentError(
      `a macaroon must be a Macaroon, string or Uint8Array, got ${describeType(value)}`,
    );
  }

  #checkDischargeCount(count: number): void {
    if (count > this.#limits.maxDischarges) {
      throw new LimitExceededError(`${count} discharges exceed the limit of ${this.#limits.maxDischarges}`);
    }
  }

  #job(
    m: Macaroon,
    rootKey: string | Uint8Array,
    discharges: readonly Macaroon[],
  ): { job: VerificationJob; data: MacaroonData[] } {
    if (!(m instanceof Macaroon))
      throw new InvalidArgumentError(`macaroon must be a Macaroon, got ${describeType(m)}`);
    if (!Array.isArray(discharges)) throw new InvalidArgumentError('discharges must be an array of Macaroon');
    this.#checkDischargeCount(discharges.length);
    const data = [m, ...discharges].map((d, i) => {
      if (!(d instanceof Macaroon)) {
        throw new InvalidArgumentError(`discharge ${i} must be a Macaroon, got ${describeType(d)}`);
      }
      const md = macaroonData(d);
      checkMacaroonLimits(md, this.#limits, which(i));
      return md;
    });
    const key =
      typeof rootKey === 'string' || rootKey instanceof Uint8Array ? toBytes(rootKey, 'rootKey') : undefined;
    if (!key)
      throw new InvalidArgumentError(
        `rootKey must be a string or a Uint8Array, got ${describeType(rootKey)}`,
      );
    return { job: { rootKey: key, macaroons: data }, data };
  }

  /** Turns an engine verdict into the final outcome: structural and signature failures first, then predicates. */
  #request(options: VerifyOptions): RequestFacts {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError(`verify options must be an object, got ${describeType(options)}`);
    }
    const { exact, context } = options;
    return { exact: requestExact(exact), context };
  }

  #judge(
    verdict: EngineVerdict,
    data: readonly MacaroonData[],
    request: RequestFacts,
  ): NotAuthorizedError | undefined {
    if (verdict.status !== Status.OK) return verdictError(verdict, data);
    let tests: ((condition: string) => boolean)[] | undefined;
    if (this.#sliceCheckers.length > 0) {
      const slice: string[] = [];
      for (const mi of verdict.visited) {
        for (const c of (data[mi] as MacaroonData).caveats) {
          const text = c.verificationId ? undefined : utf8DecodeStrict(c.identifier);
          if (text !== undefined) slice.push(text);
        }
      }
      tests = this.#sliceTests(slice, request.context);
    }
    for (const mi of verdict.visited) {
      const m = data[mi] as MacaroonData;
      for (let ci = 0; ci < m.caveats.length; ci++) {
        const c = m.caveats[ci] as MacaroonData['caveats'][number];
        if (c.verificationId) continue;
        if (!this.#satisfied(c.identifier, request, tests)) return notSatisfied(c.identifier, mi);
      }
    }
    return undefined;
  }

  #satisfied(
    predicate: Uint8Array,
    request: RequestFacts,
    tests: ((condition: string) => boolean)[] | undefined,
  ): boolean {
    if (this.#exact.has(predicate) || request.exact?.has(predicate)) return true;
    if (this.#general.length === 0 && !tests) return false;
    const text = utf8DecodeStrict(predicate);
    return text !== undefined && this.#generalSatisfies(text, request.context, tests);
  }

  /** Each slice checker's test for one slice; a checker that throws satisfies nothing. */
  #sliceTests(slice: readonly string[], context: unknown): ((condition: string) => boolean)[] {
    return this.#sliceCheckers.map((checker) => {
      try {
        return checker.forSlice(slice, context);
      } catch {
        return () => false;
      }
    });
  }

  #generalSatisfies(
    text: string,
    context: unknown,
    tests?: readonly ((condition: string) => boolean)[],
  ): boolean {
    for (const check of this.#general) {
      try {
        if (check(text, context) === true) return true;
      } catch {
        // A throwing check does not satisfy the caveat; another check still may.
      }
    }
    if (tests) {
      for (const test of tests) {
        try {
          if (test(text) === true) return true;
        } catch {
          // As above.
        }
      }
    }
    return false;
  }
}

interface RequestFacts {
  readonly exact: ByteSet | undefined;
  readonly context: unknown;
}

/** A request's own exact predicates, checked; undefined for none. */
function requestExact(exact: VerifyOptions['exact']): ByteSet | undefined {
  if (exact !== undefined && !Array.isArray(exact)) throw new InvalidArgumentError('exact must be an array');
  let facts: ByteSet | undefined;
  if (exact && exact.length > 0) {
    facts = new ByteSet();
    for (const p of exact) facts.add(toBytes(p, 'exact predicate'));
  }
  return facts;
}

function isSerialized(value: unknown): value is string | Uint8Array {
  return typeof value === 'string' || value instanceof Uint8Array;
}

function notSatisfied(predicate: Uint8Array, macaroon: number): NotAuthorizedError {
  return new NotAuthorizedError(
    'caveat-not-satisfied',
    `caveat ${describeBytes(predicate)} of ${which(macaroon)} is not satisfied`,
  );
}

function asMacaroonError(e: unknown): MacaroonError {
  if (e instanceof MacaroonError) return e;
  return new MacaroonError('unexpected failure while preparing a batch item', { cause: e });
}
