/**
 * The Verifier: which first-party predicates are satisfied (exact values and general checks), the walk
 * policy and limits, and the engine. It is the one place that knows both formats and engines: it turns
 * macaroons into engine jobs, runs the engine, then checks predicates in TS for the macaroons walked.
 */
import { ByteSet, describeType, printableText, toBytes, utf8DecodeStrict } from './bytes.js';
import { base64UrlEncode } from './codec/base64.js';
import { decodeAny } from './codec/detect.js';
import { type EngineChoice, selectEngine } from './engine/registry.js';
import { type EngineVerdict, Status, type VerificationJob, type WalkPolicy } from './engine/types.js';
import {
  InvalidArgumentError,
  LimitExceededError,
  MacaroonError,
  NotAuthorizedError,
  type NotAuthorizedReason,
} from './errors.js';
import { type Limits, resolveLimits } from './limits.js';
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
  readonly #general: GeneralCheck[] = [];
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
    this.#exact.add(toBytes(predicate, 'predicate'));
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
    const jobs: VerificationJob[] = [];
    const pending: { index: number; data: MacaroonData[]; request: RequestFacts }[] = [];
    items.forEach((item, index) => {
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
    });
    const verdicts = jobs.length > 0 ? engine.verifyBatch(jobs, this.#policy) : [];
    pending.forEach(({ index, data, request }, k) => {
      const error = this.#judge(verdicts[k] as EngineVerdict, data, request);
      results[index] = error ? { ok: false, error } : { ok: true };
    });
    return results;
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
      if (md.caveats.length > this.#limits.maxCaveats) {
        throw new LimitExceededError(
          `${which(i)} has ${md.caveats.length} caveats, over the limit of ${this.#limits.maxCaveats}`,
        );
      }
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
    if (exact !== undefined && !Array.isArray(exact))
      throw new InvalidArgumentError('exact must be an array');
    let facts: ByteSet | undefined;
    if (exact && exact.length > 0) {
      facts = new ByteSet();
      for (const p of exact) facts.add(toBytes(p, 'exact predicate'));
    }
    return { exact: facts, context };
  }

  #judge(
    verdict: EngineVerdict,
    data: readonly MacaroonData[],
    request: RequestFacts,
  ): NotAuthorizedError | undefined {
    if (verdict.status !== Status.OK) return verdictError(verdict, data);
    for (const mi of verdict.visited) {
      const m = data[mi] as MacaroonData;
      for (let ci = 0; ci < m.caveats.length; ci++) {
        const c = m.caveats[ci] as MacaroonData['caveats'][number];
        if (c.verificationId) continue;
        if (!this.#satisfied(c.identifier, request)) {
          return new NotAuthorizedError(
            'caveat-not-satisfied',
            `caveat ${describeBytes(c.identifier)} of ${which(mi)} is not satisfied`,
          );
        }
      }
    }
    return undefined;
  }

  #satisfied(predicate: Uint8Array, request: RequestFacts): boolean {
    if (this.#exact.has(predicate) || request.exact?.has(predicate)) return true;
    if (this.#general.length === 0) return false;
    const text = utf8DecodeStrict(predicate);
    if (text === undefined) return false;
    for (const check of this.#general) {
      try {
        if (check(text, request.context) === true) return true;
      } catch {
        // A throwing check does not satisfy the caveat; another check still may.
      }
    }
    return false;
  }
}

interface RequestFacts {
  readonly exact: ByteSet | undefined;
  readonly context: unknown;
}

function asMacaroonError(e: unknown): MacaroonError {
  if (e instanceof MacaroonError) return e;
  return new MacaroonError('unexpected failure while preparing a batch item', { cause: e });
}
