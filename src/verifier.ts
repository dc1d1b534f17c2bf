/**
 * The Verifier: policy only. It holds what is satisfied (./predicates.ts), the walk rules and the
 * limits, checks the arguments it is given, hands the engine items (serialized or decoded) and turns
 * each verdict into a result. Decoding, the cryptography, the discharge walk and the judgement of the
 * caveats happen in the engine (./engine/types.ts), whichever it is.
 */
import { bytesEqual, describeType, printableText, toBytes, utf8DecodeStrict, utf8Encode } from './bytes.js';
import { base64UrlEncode } from './codec/base64.js';
import { decodeAny } from './codec/detect.js';
import { type EngineChoice, type EngineName, selectEngine } from './engine/registry.js';
import {
  type EngineItem,
  isSerialized,
  Status,
  type Token,
  type Verdict,
  type WalkPolicy,
} from './engine/types.js';
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
import {
  type GeneralCheck,
  Predicates,
  type RequestFacts,
  requestFacts,
  type SliceChecker,
  type SliceTests,
} from './predicates.js';
import { clockOf } from './time-before.js';
import { timeCaveatDeadline } from './time-caveat.js';

export type { GeneralCheck, SliceChecker } from './predicates.js';

/**
 * Options of a Verifier: the engine, the discharge rule and the resource limits.
 *
 * @example
 * ```ts
 * const options: VerifierOptions = { engine: 'auto', allowUnusedDischarges: false, limits: { maxDischarges: 8 } };
 * const verifier = new Verifier(options);
 * ```
 */
export interface VerifierOptions {
  /** 'auto' (default): WASM once `ready()` has loaded it, TS before. 'wasm' requires `ready()`. */
  readonly engine?: EngineChoice | undefined;
  /**
   * Accept discharges that no caveat needs. Default false (as go-macaroon and js-macaroon); true behaves
   * like pymacaroons and libmacaroons, which ignore them.
   */
  readonly allowUnusedDischarges?: boolean | undefined;
  /** Resource limits; any not given keeps its default (see DEFAULT_LIMITS). */
  readonly limits?: Partial<Limits> | undefined;
}

/**
 * Per-request additions to what the verifier satisfies.
 *
 * @example
 * ```ts
 * const options: VerifyOptions = { exact: ['account = 42'], context: { now: Date.now() } };
 * new Verifier().verify(macaroon, rootKey, discharges, options);
 * ```
 */
export interface VerifyOptions {
  /** Predicates satisfied exactly for this request only (e.g. `account = 42` from the URL). */
  readonly exact?: readonly (string | Uint8Array)[] | undefined;
  /** Handed to every general check as its second argument. */
  readonly context?: unknown;
}

/**
 * One item of `verifyBatch`: a macaroon, its root key and discharges, and the request's own facts.
 *
 * @example
 * ```ts
 * const items: BatchItem[] = [
 *   { macaroon: token, rootKey, exact: ['account = 42'] },
 *   { macaroon, rootKey, discharges },
 * ];
 * new Verifier().verifyBatch(items); // [{ ok: true }, { ok: false, error: NotAuthorizedError }]
 * ```
 */
export interface BatchItem extends VerifyOptions {
  /** The root macaroon, decoded or serialized in any format. */
  readonly macaroon: Macaroon | string | Uint8Array;
  /** The root key it must verify under (text is UTF-8 encoded). */
  readonly rootKey: string | Uint8Array;
  /** The discharges sent with it, decoded or serialized. */
  readonly discharges?: readonly (Macaroon | string | Uint8Array)[] | undefined;
}

/**
 * A macaroon as `verify` and `verifyBatch` take it: decoded, or serialized in any format (text or bytes).
 *
 * @example
 * ```ts
 * const inputs: MacaroonInput[] = [macaroon, macaroon.serialize('v2j'), macaroon.toBytes()];
 * for (const m of inputs) new Verifier().verifyUnsafe(m, rootKey); // the same verdict for each
 * ```
 */
export type MacaroonInput = Macaroon | string | Uint8Array;

/**
 * What `verifyBatch` gives for one item: `ok`, or the error `verify` would have thrown for it alone.
 *
 * @example
 * ```ts
 * const results: BatchResult[] = new Verifier().verifyBatch([{ macaroon: token, rootKey }]);
 * for (const r of results) if (!r.ok) console.warn(r.error.code); // r.error is a MacaroonError
 * ```
 */
export type BatchResult =
  | {
      /** Authorized. */
      readonly ok: true;
      /** Never set when authorized. */
      readonly error?: undefined;
    }
  | {
      /** Not authorized, or the item could not be verified. */
      readonly ok: false;
      /** The error `verify` would have thrown for the item alone. */
      readonly error: MacaroonError;
    };

const REASONS: Record<number, NotAuthorizedReason> = {
  [Status.SIGNATURE_MISMATCH]: 'signature-mismatch',
  [Status.DECRYPTION_FAILED]: 'decryption-failed',
  [Status.DISCHARGE_MISSING]: 'discharge-missing',
  [Status.DISCHARGE_REUSED]: 'discharge-reused',
  [Status.DISCHARGE_UNUSED]: 'discharge-unused',
  [Status.DEPTH_EXCEEDED]: 'depth-exceeded',
  [Status.CAVEAT_NOT_SATISFIED]: 'caveat-not-satisfied',
};

const OK: BatchResult = Object.freeze({ ok: true });

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

/** The error an engine's verdict stands for; undefined when it authorizes. */
function verdictError(verdict: Verdict): MacaroonError | undefined {
  const { status, macaroon, caveat } = verdict;
  if (status === Status.OK) return undefined;
  if (status === Status.MALFORMED) return verdict.error as MacaroonError;
  const reason = REASONS[status] as NotAuthorizedReason;
  const subject = verdict.subject ? describeBytes(verdict.subject) : '';
  switch (status) {
    case Status.CAVEAT_NOT_SATISFIED:
      return new NotAuthorizedError(reason, `caveat ${subject} of ${which(macaroon)} is not satisfied`);
    case Status.SIGNATURE_MISMATCH:
      return new NotAuthorizedError(
        reason,
        macaroon === 0
          ? 'signature mismatch in the root macaroon (wrong root key, or the token was altered)'
          : // The usual cause: the client sent the discharge as the third party minted it.
            `signature mismatch in ${which(macaroon)}: not bound to this root macaroon (bind it with ` +
              'root.prepareForRequest(discharge) or `macaroon bind`), bound to another root, or altered',
      );
    case Status.DECRYPTION_FAILED:
      return new NotAuthorizedError(
        reason,
        `cannot decrypt third-party caveat ${caveat} of ${which(macaroon)} (wrong key or tampered)`,
      );
    case Status.DISCHARGE_MISSING:
      return new NotAuthorizedError(
        reason,
        `no discharge for third-party caveat ${subject} of ${which(macaroon)}`,
      );
    case Status.DISCHARGE_REUSED:
      return new NotAuthorizedError(reason, `discharge for caveat ${subject} would be used more than once`);
    case Status.DISCHARGE_UNUSED:
      return new NotAuthorizedError(reason, `discharge ${macaroon} (${subject}) was not used`);
    default:
      return new NotAuthorizedError(reason, `discharges nested deeper than allowed at caveat ${subject}`);
  }
}

/**
 * Verifies macaroons: the predicates it satisfies (`satisfyExact`, `satisfyGeneral`,
 * `satisfyChecker`), then `verify` (throws), `verifyUnsafe` (boolean) or `verifyBatch` (one result per
 * item), on the WebAssembly engine once `ready()` has loaded it.
 *
 * @example
 * ```ts
 * await ready();
 * const verifier = new Verifier().satisfyExact('account = 42');
 * verifier.verify(token, rootKey); // throws NotAuthorizedError unless authorized
 * verifier.verifyUnsafe(token, rootKey); // true / false
 * ```
 */
export class Verifier {
  readonly #predicates = new Predicates();
  /** The exact predicates that are valid UTF-8, as text: what a cache hit compares against. */
  readonly #exactText = new Set<string>();
  /** Bumped whenever what is satisfied changes: caveat lists compiled before then are compiled again. */
  #generation = 0;
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
    this.#policy = Object.freeze({
      allowUnusedDischarges: options.allowUnusedDischarges ?? false,
      maxDischargeDepth: this.#limits.maxDischargeDepth,
      limits: this.#limits,
    });
  }

  /** The name of the engine this verifier uses now ('js', 'wasm-simd' or 'wasm-scalar'). */
  get engine(): EngineName {
    return selectEngine(this.#engine).name;
  }

  /** Satisfies first-party caveats equal to `predicate`, byte for byte. */
  satisfyExact(predicate: string | Uint8Array): this {
    this.#predicates.addExact(predicate);
    const text = utf8DecodeStrict(toBytes(predicate, 'predicate'));
    if (text !== undefined) this.#exactText.add(text);
    this.#generation++;
    return this;
  }

  /**
   * Satisfies first-party caveats for which `check` returns true. Checks receive the predicate as text;
   * a predicate that is not valid UTF-8 can only be satisfied exactly. A check that throws does not
   * satisfy the caveat.
   */
  satisfyGeneral(check: GeneralCheck): this {
    this.#predicates.addGeneral(check);
    this.#generation++;
    return this;
  }

  /**
   * Satisfies first-party caveats that `checker` accepts, checked with every first-party condition of
   * the verified slice in view (bakery's `declared`) and the request's `context` (whose `now`, for
   * bakery's checkers, overrides the clock). Works with every engine and with verifyBatch.
   */
  satisfyChecker(checker: SliceChecker): this {
    this.#predicates.addSliceChecker(checker);
    this.#generation++;
    return this;
  }

  /**
   * Checks first-party caveats against this verifier and one request's facts, with no cryptography: for
   * the caveats of a token whose signatures are already known to be valid (a verified-token cache). Each
   * is satisfied exactly as `verify` satisfies it (an exact predicate of the verifier or of
   * `options.exact`, else a general check or slice checker, which see only valid UTF-8: give its text,
   * or `undefined`). Returns the NotAuthorizedError `verify` gives for the first one not satisfied.
   *
   * @example
   * ```ts
   * const v = new Verifier().satisfyExact('action = read');
   * const bytes = new TextEncoder().encode('action = read');
   * v.checkCaveatList([{ bytes, text: 'action = read', macaroon: 0 }]); // undefined: satisfied
   * ```
   */
  checkCaveatList(
    caveats: readonly CaveatToCheck[],
    options: VerifyOptions = {},
  ): NotAuthorizedError | undefined {
    return this.checkCompiled(this.compileCaveats(caveats), options);
  }

  /**
   * Prepares a caveat list for `checkCompiled`, which then checks it as `checkCaveatList` does, for as
   * long as this verifier satisfies what it satisfies now: the caveats its own exact predicates satisfy
   * (for every request) are set aside once, and the text its slice checkers see is gathered once.
   *
   * @example
   * ```ts
   * const text = 'account = 42';
   * const caveats = [{ bytes: new TextEncoder().encode(text), text, macaroon: 0 }]; // a verified token's
   * const compiled = verifier.compileCaveats(caveats); // kept beside the verified token
   * verifier.checkCompiled(compiled, { exact: ['account = 42'] }); // per request: undefined, satisfied
   * ```
   */
  compileCaveats(caveats: readonly CaveatToCheck[]): CompiledCaveats {
    const open: CaveatToCheck[] = [];
    for (const c of caveats) {
      if (c.text !== undefined ? !this.#exactText.has(c.text) : !this.#predicates.exact.has(c.bytes)) {
        open.push(c);
      }
    }
    let slice: string[] | undefined;
    if (this.#predicates.hasSliceCheckers) {
      // Slice checkers see every first-party condition of the token, as verify gives them.
      slice = [];
      for (const c of caveats) if (c.text !== undefined) slice.push(c.text);
    }
    // With the library's timeBefore among the checks, a `time < T` caveat is satisfied while the clock is
    // before T, whatever the other checks say: T is read once here, and a check compares two numbers.
    let deadlines: Float64Array | undefined;
    if (this.#predicates.hasTimeBefore) {
      for (let i = 0; i < open.length; i++) {
        const text = (open[i] as CaveatToCheck).text;
        const deadline = text === undefined ? undefined : timeCaveatDeadline(text);
        if (deadline === undefined) continue;
        deadlines ??= new Float64Array(open.length).fill(Number.NaN);
        deadlines[i] = deadline;
      }
    }
    return new CaveatProgram(this, this.#generation, caveats, open, slice, deadlines);
  }

  /**
   * `checkCaveatList` for a list from `compileCaveats` (of this verifier, or it is compiled again).
   * `now`: Date.now() as the caller read it for this request, to spare another read of the clock where
   * the verifier judges `timeBefore` itself (the context's `now` still comes first, as for timeBefore).
   *
   * @example
   * ```ts
   * const text = 'account = 42';
   * const compiled = verifier.compileCaveats([{ bytes: new TextEncoder().encode(text), text, macaroon: 0 }]);
   * const error = verifier.checkCompiled(compiled, { exact: ['account = 43'], context: { now: Date.now() } });
   * error?.reason; // 'caveat-not-satisfied'
   * ```
   */
  checkCompiled(
    compiled: CompiledCaveats,
    options: VerifyOptions = {},
    now?: number,
  ): NotAuthorizedError | undefined {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError(`verify options must be an object, got ${describeType(options)}`);
    }
    const program =
      compiled instanceof CaveatProgram && compiled.owner === this && compiled.generation === this.#generation
        ? compiled
        : (this.compileCaveats(compiled.caveats) as CaveatProgram);
    const { exact, context } = options;
    if (exact !== undefined) {
      if (!Array.isArray(exact)) throw new InvalidArgumentError('exact must be an array');
      for (let i = 0; i < exact.length; i++) checkPredicateType(exact[i]);
    }
    const predicates = this.#predicates;
    const open = program.open;
    const tests = program.slice ? predicates.sliceTests(program.slice, context) : undefined;
    const general = predicates.hasGeneral;
    const deadlines = program.deadlines;
    let clock: number | undefined;
    for (let i = 0; i < open.length; i++) {
      if (deadlines !== undefined) {
        const deadline = deadlines[i] as number;
        if (!Number.isNaN(deadline)) {
          // Before T: satisfied. Otherwise (or with a clock that cannot be read) the checks decide.
          clock ??= clockOf(context, now ?? Date.now());
          if (clock < deadline) continue;
        }
      }
      const { bytes, text, macaroon } = open[i] as CaveatToCheck;
      if (text !== undefined) {
        if (requestHasText(exact, text, bytes)) continue;
        if (general && predicates.generalSatisfies(text, context, tests)) continue;
      } else if (requestHasBytes(exact, bytes)) continue;
      return new NotAuthorizedError(
        'caveat-not-satisfied',
        `caveat ${describeBytes(bytes)} of ${which(macaroon)} is not satisfied`,
      );
    }
    return undefined;
  }

  /** Throws NotAuthorizedError (or another MacaroonError for bad input) unless `m` authorizes. */
  verify(
    m: MacaroonInput,
    rootKey: string | Uint8Array,
    discharges: readonly MacaroonInput[] = [],
    options: VerifyOptions = {},
  ): void {
    const request = requestFacts(options);
    const item = this.#decodedItem(this.#parse(m), rootKey, this.#parseAll(discharges), request);
    const engine = selectEngine(this.#engine);
    const error = verdictError(engine.verify([item], this.#policy, this.#predicates)[0] as Verdict);
    if (error) throw error;
  }

  /** Like verify, but returns false instead of throwing NotAuthorizedError. Bad input still throws. */
  verifyUnsafe(
    m: MacaroonInput,
    rootKey: string | Uint8Array,
    discharges: readonly MacaroonInput[] = [],
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
    const engineItems: EngineItem[] = [];
    const index: number[] = [];
    for (let i = 0; i < items.length; i++) {
      if (!(i in items)) continue;
      try {
        engineItems.push(this.#batchItem(items[i], i));
        index.push(i);
      } catch (e) {
        results[i] = { ok: false, error: asMacaroonError(e) };
      }
    }
    if (engineItems.length === 0) return results;
    const verdicts = engine.verify(engineItems, this.#policy, this.#predicates);
    withoutStackTraces(() => {
      // Items that fail the same way (a replayed forgery, tokens failing on one caveat) share one
      // frozen error: building it costs about as much as a verification.
      let last: Verdict | undefined;
      let lastResult: BatchResult = OK;
      for (let k = 0; k < verdicts.length; k++) {
        const verdict = verdicts[k] as Verdict;
        if (verdict.status === Status.OK) {
          results[index[k] as number] = OK;
          continue;
        }
        if (!last || !sameFailure(last, verdict)) {
          lastResult = Object.freeze({
            ok: false,
            error: Object.freeze(verdictError(verdict) as MacaroonError),
          });
          last = verdict;
        }
        results[index[k] as number] = lastResult;
      }
    });
    return results;
  }

  /**
   * @internal Judges the first-party caveats of macaroons whose signatures and discharges are already
   * known to verify (a verified-token cache hit): `visited` is the walk order a verdict gave. Returns
   * the error verify() would give for the first unsatisfied caveat, or undefined. No cryptography.
   */
  checkCaveats(
    macaroons: readonly Macaroon[],
    visited: readonly number[],
    options: VerifyOptions = {},
  ): NotAuthorizedError | undefined {
    const data = macaroons.map(macaroonData);
    const failed = this.#predicates.firstUnsatisfied(data, visited, requestFacts(options));
    if (!failed) return undefined;
    const m = data[failed.macaroon] as MacaroonData;
    return verdictError({
      status: Status.CAVEAT_NOT_SATISFIED,
      macaroon: failed.macaroon,
      caveat: failed.caveat,
      visited,
      subject: m.caveats[failed.caveat]?.identifier,
    }) as NotAuthorizedError;
  }

  /**
   * A batch item as the engine takes it: tokens as they came (serialized ones are decoded by the engine)
   * when every argument has the right type and count; otherwise the error verify() would give, thrown
   * in the order verify() checks (a token is decoded before the arguments after it are checked).
   */
  #batchItem(item: unknown, index: number): EngineItem {
    if (typeof item !== 'object' || item === null) {
      throw new InvalidArgumentError(`batch item ${index} must be an object, got ${describeType(item)}`);
    }
    const { macaroon, rootKey, discharges } = item as BatchItem;
    const request = requestFacts(item as BatchItem);
    const tokens = this.#tokens(macaroon, discharges);
    if (tokens && isSerialized(rootKey)) return { rootKey, macaroons: tokens, request };
    // Something is wrong: find what verify() reports first.
    const root = this.#parse(macaroon);
    const list = discharges === undefined ? [] : discharges;
    if (!Array.isArray(list)) throw new InvalidArgumentError('discharges must be an array');
    this.#checkDischargeCount(list.length);
    return this.#decodedItem(
      root,
      rootKey,
      list.map((d) => this.#parse(d)),
      request,
    );
  }

  /** The root and its discharges when each is a token of the right type within the count limits. */
  #tokens(macaroon: unknown, discharges: unknown): Token[] | undefined {
    const root = this.#token(macaroon);
    if (root === undefined) return undefined;
    if (discharges === undefined) return [root];
    if (!Array.isArray(discharges) || discharges.length > this.#limits.maxDischarges) return undefined;
    const tokens: Token[] = [root];
    for (let d = 0; d < discharges.length; d++) {
      const token = this.#token(discharges[d]);
      if (token === undefined) return undefined;
      tokens.push(token);
    }
    return tokens;
  }

  #token(value: unknown): Token | undefined {
    if (isSerialized(value)) return value;
    if (!(value instanceof Macaroon)) return undefined;
    const data = macaroonData(value);
    try {
      checkMacaroonLimits(data, this.#limits, 'macaroon');
    } catch {
      return undefined; // the argument checks of #batchItem then throw verify()'s error
    }
    return data;
  }

  #parse(value: Macaroon | string | Uint8Array): Macaroon {
    if (value instanceof Macaroon) return value;
    if (isSerialized(value)) return Macaroon.fromData(decodeAny(value, this.#limits));
    throw new InvalidArgumentError(
      `a macaroon must be a Macaroon, string or Uint8Array, got ${describeType(value)}`,
    );
  }

  /** Discharges given as text or bytes are decoded; anything but an array is left for #job to refuse. */
  #parseAll(discharges: readonly MacaroonInput[]): readonly Macaroon[] {
    if (!Array.isArray(discharges)) return discharges as readonly Macaroon[];
    this.#checkDischargeCount(discharges.length);
    return discharges.map((d) => this.#parse(d));
  }

  #checkDischargeCount(count: number): void {
    if (count > this.#limits.maxDischarges) {
      throw new LimitExceededError(`${count} discharges exceed the limit of ${this.#limits.maxDischarges}`);
    }
  }

  /** verify()'s arguments checked, as an engine item. */
  #decodedItem(
    m: Macaroon,
    rootKey: string | Uint8Array,
    discharges: readonly Macaroon[],
    request: RequestFacts,
  ): EngineItem {
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
    if (!isSerialized(rootKey)) {
      throw new InvalidArgumentError(
        `rootKey must be a string or a Uint8Array, got ${describeType(rootKey)}`,
      );
    }
    return { rootKey, macaroons: data, request };
  }
}

/** Whether two failures have the same error (a decoding error is never shared: each has its own). */
function sameFailure(a: Verdict, b: Verdict): boolean {
  if (a.status !== b.status || a.macaroon !== b.macaroon || a.caveat !== b.caveat) return false;
  if (a.status === Status.MALFORMED) return false;
  if (a.subject === b.subject) return true; // an engine shares the bytes of one caveat between verdicts
  if (a.subject === undefined || b.subject === undefined) return false;
  return bytesEqual(a.subject, b.subject);
}

/**
 * Runs `build` with stack traces off (where the runtime has V8's Error.stackTraceLimit). A batch result's
 * error describes a token, not a place in the code, and capturing a stack costs more than verifying a
 * token: without this, an attacker's failing tokens would cost a server more than good ones.
 */
function withoutStackTraces(build: () => void): void {
  const E = Error as { stackTraceLimit?: number };
  const limit = E.stackTraceLimit;
  let off = false;
  try {
    if (typeof limit === 'number') {
      E.stackTraceLimit = 0;
      off = true;
    }
  } catch {
    // Frozen intrinsics: build with stacks.
  }
  if (!off) {
    build();
    return;
  }
  try {
    build();
  } finally {
    E.stackTraceLimit = limit;
  }
}

function asMacaroonError(e: unknown): MacaroonError {
  if (e instanceof MacaroonError) return e;
  return new MacaroonError('unexpected failure while preparing a batch item', { cause: e });
}

/**
 * A first-party caveat to check: its predicate's bytes, their text when valid UTF-8, and its macaroon.
 *
 * @example
 * ```ts
 * const caveat: CaveatToCheck = { bytes: new TextEncoder().encode('account = 42'), text: 'account = 42', macaroon: 0 };
 * new Verifier().satisfyExact('account = 42').checkCaveatList([caveat]); // undefined: satisfied
 * ```
 */
export interface CaveatToCheck {
  /** The predicate's bytes (the caveat identifier). */
  readonly bytes: Uint8Array;
  /** The predicate as text, or undefined when its bytes are not valid UTF-8. */
  readonly text: string | undefined;
  /** 0 for the root macaroon, else the discharge's index in the request (as in verify's errors). */
  readonly macaroon: number;
}

/**
 * A caveat list prepared by `Verifier.compileCaveats`; opaque beyond the caveats it holds.
 *
 * @example
 * ```ts
 * const v = new Verifier().satisfyExact('action = read');
 * const bytes = new TextEncoder().encode('account = 42');
 * const compiled: CompiledCaveats = v.compileCaveats([{ bytes, text: 'account = 42', macaroon: 0 }]);
 * v.checkCompiled(compiled, { exact: ['account = 42'] }); // undefined: satisfied
 * ```
 */
export interface CompiledCaveats {
  /** The caveats it was compiled from. */
  readonly caveats: readonly CaveatToCheck[];
}

class CaveatProgram implements CompiledCaveats {
  constructor(
    readonly owner: Verifier,
    readonly generation: number,
    readonly caveats: readonly CaveatToCheck[],
    /** The caveats the verifier's own exact predicates do not satisfy, in order. */
    readonly open: readonly CaveatToCheck[],
    /** Every caveat's text, for slice checkers; undefined without them. */
    readonly slice: readonly string[] | undefined,
    /**
     * By open caveat, its `time < T` deadline when the verifier judges timeBefore itself (NaN for the
     * others); undefined when there is none.
     */
    readonly deadlines: Float64Array | undefined,
  ) {
    Object.freeze(this);
  }
}

function checkPredicateType(p: unknown): void {
  if (typeof p !== 'string' && !(p instanceof Uint8Array)) {
    throw new InvalidArgumentError(
      `exact predicate must be a string or a Uint8Array, got ${describeType(p)}`,
    );
  }
}

// A string with a lone surrogate encodes to U+FFFD's bytes, so it can equal a predicate's bytes while
// differing from its decoded text: such strings are compared as bytes, as verify() does.
const SURROGATE = /[\uD800-\uDFFF]/;

function requestHasText(exact: VerifyOptions['exact'], text: string, bytes: Uint8Array): boolean {
  if (!exact) return false;
  for (const p of exact) {
    if (typeof p === 'string') {
      if (p === text) return true;
      // U+FFFD and a lone surrogate are both one UTF-16 unit: only a string of the text's length can match.
      if (p.length === text.length && SURROGATE.test(p) && bytesEqual(utf8Encode(p), bytes)) return true;
    } else if (bytesEqual(p, bytes)) return true;
  }
  return false;
}

function requestHasBytes(exact: VerifyOptions['exact'], bytes: Uint8Array): boolean {
  if (!exact) return false;
  for (const p of exact) {
    if (bytesEqual(typeof p === 'string' ? utf8Encode(p) : p, bytes)) return true;
  }
  return false;
}
