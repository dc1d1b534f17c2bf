/**
 * What a verifier satisfies: exact predicates (byte for byte) and general checks (functions of the
 * predicate text and the request's context), plus the facts one request adds (its own exact predicates
 * and context). This is the one place that decides whether a first-party caveat is satisfied; the engines
 * call it after the cryptography, and a verified-token cache can call it again without the cryptography
 * (a cached verdict still has to hold for the request at hand).
 */
import { ByteSet, describeType, toBytes, utf8DecodeStrict } from './bytes.js';
import { InvalidArgumentError } from './errors.js';
import { timeBefore } from './time-before.js';

/**
 * A general check: true when it satisfies the predicate. `context` is what the request passed in
 * `VerifyOptions.context` (or the batch item's `context`): the request's own facts, e.g. the account id.
 *
 * @example
 * ```ts
 * const notExpired: GeneralCheck = (predicate) =>
 *   predicate.startsWith('time < ') && Date.parse(predicate.slice(7)) > Date.now();
 * new Verifier().satisfyGeneral(notExpired);
 * ```
 */
export type GeneralCheck = (predicate: string, context: unknown) => boolean;

/**
 * A checker that needs the whole slice, such as bakery's first-party checkers (`checkers.std()` from
 * `macaroon-engine/bakery`), whose `declared` conditions are inferred from every macaroon verified.
 * Given every first-party condition (as text) of the macaroons verified and the request's context, it
 * returns the test of one condition.
 *
 * @example
 * ```ts
 * // Satisfies `role = admin` only when some caveat of the slice also says `user = root`.
 * const checker: SliceChecker = {
 *   forSlice: (conditions) => (c) => c === 'role = admin' && conditions.includes('user = root'),
 * };
 * new Verifier().satisfyChecker(checker);
 * ```
 */
export interface SliceChecker {
  /** The test of one condition, for a slice with these first-party conditions and this context. */
  forSlice(conditions: readonly string[], context: unknown): (condition: string) => boolean;
}

/** One item's tests from the slice checkers (see Predicates.sliceTests). */
export type SliceTests = readonly ((condition: string) => boolean)[];

/** What one request adds to the verifier's predicates. */
export interface RequestFacts {
  /** Predicates satisfied exactly for this request only; undefined when there are none. */
  readonly exact: ByteSet | undefined;
  /** Handed to every general check as its second argument. */
  readonly context: unknown;
}

/** A request without facts of its own. */
export const NO_FACTS: RequestFacts = Object.freeze({ exact: undefined, context: undefined });

/** The macaroons' first-party caveats, as much of them as the judgement below needs. */
export interface CaveatsOf {
  readonly caveats: readonly { readonly identifier: Uint8Array; readonly verificationId?: Uint8Array }[];
}

/** A first-party caveat that is not satisfied: which macaroon (walk index) and which caveat in it. */
export interface Unsatisfied {
  readonly macaroon: number;
  readonly caveat: number;
}

/**
 * The predicates a verifier satisfies. Owned by one Verifier, which adds to it; engines only read it.
 */
export class Predicates {
  /** Exact predicates satisfied for every request. */
  readonly exact = new ByteSet();
  readonly #general: GeneralCheck[] = [];
  readonly #sliceCheckers: SliceChecker[] = [];
  #timeBefore = false;

  addExact(predicate: string | Uint8Array): void {
    this.exact.add(toBytes(predicate, 'predicate'));
  }

  addGeneral(check: GeneralCheck): void {
    if (typeof check !== 'function')
      throw new InvalidArgumentError(`check must be a function, got ${describeType(check)}`);
    this.#general.push(check);
    if (check === timeBefore) this.#timeBefore = true;
  }

  /**
   * Whether the library's own `timeBefore` (../time-before.ts) is one of the general checks, as it is:
   * a `time < T` caveat it satisfies is then satisfied, whatever the other checks say, so an engine may
   * judge it without calling the checks (with the clock `clockOf` gives).
   */
  get hasTimeBefore(): boolean {
    return this.#timeBefore;
  }

  addSliceChecker(checker: SliceChecker): void {
    if (typeof checker !== 'object' || checker === null || typeof checker.forSlice !== 'function') {
      throw new InvalidArgumentError(`checker must have a forSlice method, got ${describeType(checker)}`);
    }
    this.#sliceCheckers.push(checker);
  }

  /**
   * Whether any check works on text (a general check or a slice checker); without one, only exact
   * predicates can be satisfied.
   */
  get hasGeneral(): boolean {
    return this.#general.length > 0 || this.#sliceCheckers.length > 0;
  }

  /** Whether slice checkers are registered: they need every first-party condition of a slice as text. */
  get hasSliceCheckers(): boolean {
    return this.#sliceCheckers.length > 0;
  }

  /**
   * Each slice checker's test for one slice (every first-party condition, as text, of the macaroons
   * walked, in walk order); a checker that throws satisfies nothing.
   */
  sliceTests(slice: readonly string[], context: unknown): SliceTests {
    return this.#sliceCheckers.map((checker) => {
      try {
        return checker.forSlice(slice, context);
      } catch {
        return () => false;
      }
    });
  }

  /**
   * Whether a general check, or else one of the slice `tests`, satisfies `text` for a request with
   * `context`. A check that throws does not satisfy the caveat; another check still may.
   */
  generalSatisfies(text: string, context: unknown, tests?: SliceTests): boolean {
    for (const check of this.#general) {
      try {
        if (check(text, context) === true) return true;
      } catch {
        // A throwing check does not satisfy the caveat.
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

  /**
   * Whether the first-party caveat `predicate` is satisfied for `request`: exactly (by the verifier or
   * the request), or by a general check. A predicate that is not valid UTF-8 can only be satisfied
   * exactly.
   */
  satisfies(predicate: Uint8Array, request: RequestFacts, tests?: SliceTests): boolean {
    if (this.exact.has(predicate) || request.exact?.has(predicate)) return true;
    if (this.#general.length === 0 && !tests) return false;
    const text = utf8DecodeStrict(predicate);
    return text !== undefined && this.generalSatisfies(text, request.context, tests);
  }

  /**
   * The first first-party caveat, in walk order (`visited`, then caveat order), that `request` does not
   * satisfy; undefined when all are satisfied. Checks run in that order and stop at the first failure.
   */
  firstUnsatisfied(
    macaroons: readonly CaveatsOf[],
    visited: readonly number[],
    request: RequestFacts,
  ): Unsatisfied | undefined {
    let tests: SliceTests | undefined;
    if (this.#sliceCheckers.length > 0) {
      const slice: string[] = [];
      for (const mi of visited) {
        for (const c of (macaroons[mi] as CaveatsOf).caveats) {
          const text = c.verificationId ? undefined : utf8DecodeStrict(c.identifier);
          if (text !== undefined) slice.push(text);
        }
      }
      tests = this.sliceTests(slice, request.context);
    }
    for (const mi of visited) {
      const caveats = (macaroons[mi] as CaveatsOf).caveats;
      for (let ci = 0; ci < caveats.length; ci++) {
        const c = caveats[ci] as CaveatsOf['caveats'][number];
        if (c.verificationId) continue;
        if (!this.satisfies(c.identifier, request, tests)) return { macaroon: mi, caveat: ci };
      }
    }
    return undefined;
  }
}

/** A request's facts from `VerifyOptions`, checked (throws InvalidArgumentError). */
export function requestFacts(options: {
  readonly exact?: unknown;
  readonly context?: unknown;
}): RequestFacts {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`verify options must be an object, got ${describeType(options)}`);
  }
  const { exact, context } = options;
  if (exact !== undefined && !Array.isArray(exact)) throw new InvalidArgumentError('exact must be an array');
  let facts: ByteSet | undefined;
  if (exact && exact.length > 0) {
    facts = new ByteSet();
    for (const p of exact) facts.add(toBytes(p as string | Uint8Array, 'exact predicate'));
  }
  if (facts === undefined && context === undefined) return NO_FACTS;
  return { exact: facts, context };
}
