/**
 * First-party caveat checkers (bakery's `checkers.Checker`): conditions registered per namespace URI,
 * looked up by their prefixed name; an unregistered condition is refused ("caveat not recognized").
 * `std()` registers the standard conditions: `time-before`, `declared` and `error` (Go and Python), and
 * `allow`/`deny` (Python only; Go removed them). A Checker plugs into `Verifier.satisfyChecker`.
 */
import { describeType } from '../../bytes.js';
import { InvalidArgumentError } from '../../errors.js';
import { CaveatCheckError } from '../errors.js';
import {
  COND_ALLOW,
  COND_DECLARED,
  COND_DENY,
  COND_ERROR,
  COND_TIME_BEFORE,
  parseCaveat,
  STD_NAMESPACE,
} from './caveat.js';
import { inferDeclared } from './declared.js';
import { conditionWithPrefix, Namespace } from './namespace.js';
import { type Instant, isBefore, parseTime } from './time.js';

/**
 * What a check sees. `now` overrides the clock (milliseconds since the epoch, or a Date);
 * `operations` are the request's operations (for `allow`/`deny`); `declared` holds the declarations
 * inferred from the slice being checked (filled in by the checker). Any other field is the caller's.
 *
 * @example
 * ```ts
 * const context: checkers.CheckContext = { now: Date.parse('2029-01-01T00:00:00Z'), operations: ['read'] };
 * checkers.std().check('allow read write', context); // undefined: satisfied
 * ```
 */
export interface CheckContext {
  /** The clock `time-before` compares with (ms since the epoch or a Date; default now). */
  readonly now?: number | Date | undefined;
  /** The operations the request performs (`allow`/`deny` check them). */
  readonly operations?: readonly string[] | undefined;
  /** Values declared by `declared` caveats (inferred from the macaroons when absent). */
  readonly declared?: ReadonlyMap<string, string> | undefined;
  readonly [key: string]: unknown;
}

/**
 * Checks one condition: returns nothing to accept it; returns a string (the reason) or throws to refuse.
 * `condition` is the full name including any prefix, `arg` the rest (bakery's `checkers.Func`).
 *
 * @example
 * ```ts
 * const isAdmin: checkers.CheckFunction = (context, condition, arg) => (arg === 'yes' ? undefined : 'not an admin');
 * checkers.std().register('is-admin', 'std', isAdmin).check('is-admin yes'); // undefined: satisfied
 * ```
 */
export type CheckFunction = (
  context: CheckContext,
  condition: string,
  arg: string,
  // biome-ignore lint/suspicious/noConfusingVoidType: a check that accepts may return nothing
) => string | undefined | void;

/**
 * A registered condition (bakery's `CheckerInfo`).
 *
 * @example
 * ```ts
 * const registered: checkers.CheckerInfo[] = checkers.std().info();
 * registered.map((i) => i.name); // ['allow', 'declared', 'deny', 'error', 'time-before']
 * ```
 */
export interface CheckerInfo {
  /** The prefix the namespace maps to (empty for the std namespace's default). */
  readonly prefix: string;
  /** The condition's name, e.g. `time-before`. */
  readonly name: string;
  /** The namespace URI the condition belongs to, e.g. `std`. */
  readonly namespace: string;
  /** The function that checks the condition's argument. */
  readonly check: CheckFunction;
}

function nowMs(context: CheckContext): number {
  const now = context.now;
  if (now === undefined) return Date.now();
  if (now instanceof Date) return now.getTime();
  if (typeof now === 'number') return now;
  return Number.NaN;
}

/** Parsed time-before arguments: a service sees the same few expiry times over and over. */
const TIMES = new Map<string, Instant | null>();
const MAX_TIMES = 1024;

function cachedTime(arg: string): Instant | undefined {
  let t = TIMES.get(arg);
  if (t === undefined) {
    t = parseTime(arg) ?? null;
    if (TIMES.size >= MAX_TIMES) TIMES.delete(TIMES.keys().next().value as string);
    TIMES.set(arg, t);
  }
  return t ?? undefined;
}

const checkTimeBefore: CheckFunction = (context, _cond, arg) => {
  const t = cachedTime(arg);
  if (!t) return `cannot parse "${arg}" as RFC 3339`;
  const now = nowMs(context);
  if (!Number.isFinite(now)) return `context.now is not a time: ${describeType(context.now)}`;
  return isBefore(now, t) ? undefined : 'macaroon has expired';
};

const checkDeclared: CheckFunction = (context, _cond, arg) => {
  const space = arg.indexOf(' ');
  if (space < 0) return 'declared caveat has no value';
  const key = arg.slice(0, space);
  const want = arg.slice(space + 1);
  const got = context.declared?.get(key);
  if (got === undefined) return `got ${key}=null, expected ${JSON.stringify(want)}`;
  if (got !== want) return `got ${key}=${JSON.stringify(got)}, expected ${JSON.stringify(want)}`;
  return undefined;
};

const checkError: CheckFunction = () => 'bad caveat';

/** Python's `_check_operations`: `allow` needs every request operation listed, `deny` none of them. */
function checkOperations(needListed: boolean): CheckFunction {
  return (context, _cond, arg) => {
    const listed = arg.split(/\s+/).filter((f) => f !== '');
    const ops = context.operations ?? [];
    if (ops.length === 0) {
      if (!needListed) return undefined;
      return listed.length === 0 ? 'no operations allowed' : `${listed[0]} not allowed`;
    }
    for (const op of ops) if (listed.includes(op) !== needListed) return `${op} not allowed`;
    return undefined;
  };
}

const STD_CHECKS: Record<string, CheckFunction> = {
  [COND_TIME_BEFORE]: checkTimeBefore,
  [COND_DECLARED]: checkDeclared,
  [COND_ERROR]: checkError,
  [COND_ALLOW]: checkOperations(true),
  [COND_DENY]: checkOperations(false),
};

/**
 * Options of a Checker: the namespace its conditions are resolved in.
 *
 * @example
 * ```ts
 * const options: checkers.CheckerOptions = { namespace: checkers.Namespace.parse('std: http:http') };
 * new checkers.Checker(options);
 * ```
 */
export interface CheckerOptions {
  /** The namespace conditions are resolved in. Default: empty (std() registers `std` in it). */
  readonly namespace?: Namespace | undefined;
}

/**
 * A set of first-party condition checks.
 *
 * @example
 * ```ts
 * const checker = checkers.std().register('is-admin', 'std', (ctx) => (ctx.admin ? undefined : 'not an admin'));
 * checker.check('time-before 2000-01-01T00:00:00Z'); // CaveatCheckError: macaroon has expired
 * new Verifier().satisfyChecker(checker).verify(macaroon, rootKey, discharges, { context: { admin: true } });
 * ```
 */
export class Checker {
  #namespace: Namespace;
  readonly #checks = new Map<string, CheckerInfo>();

  constructor(options: CheckerOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError(`checker options must be an object, got ${describeType(options)}`);
    }
    const ns = options.namespace ?? new Namespace();
    if (!(ns instanceof Namespace)) throw new InvalidArgumentError('namespace must be a Namespace');
    this.#namespace = ns;
  }

  /** The namespace: URIs and the prefixes their conditions are written with. */
  get namespace(): Namespace {
    return this.#namespace;
  }

  /** Registers `uri` with `prefix` in this checker's namespace (no change if the URI is there). */
  registerNamespace(uri: string, prefix: string): this {
    this.#namespace = this.#namespace.register(uri, prefix);
    return this;
  }

  /**
   * Registers a check for `condition` in namespace `uri` (which must be registered). Throws
   * InvalidArgumentError for an unregistered namespace or a condition already registered.
   */
  register(condition: string, uri: string, check: CheckFunction): this {
    if (typeof check !== 'function') {
      throw new InvalidArgumentError(`check must be a function, got ${describeType(check)}`);
    }
    const prefix = this.#namespace.resolve(uri);
    if (prefix === undefined) {
      throw new InvalidArgumentError(`no prefix registered for namespace ${JSON.stringify(uri)}`);
    }
    if (prefix === '' && condition.includes(':')) {
      throw new InvalidArgumentError(
        `condition ${JSON.stringify(condition)} contains a colon but namespace ${JSON.stringify(uri)} has no prefix`,
      );
    }
    const full = conditionWithPrefix(prefix, condition);
    if (this.#checks.has(full))
      throw new InvalidArgumentError(`a check for ${JSON.stringify(full)} is already registered`);
    this.#checks.set(full, Object.freeze({ prefix, name: condition, namespace: uri, check }));
    return this;
  }

  /** Registers the standard namespace (empty prefix) and its conditions. */
  registerStd(): this {
    this.registerNamespace(STD_NAMESPACE, '');
    for (const [name, check] of Object.entries(STD_CHECKS)) this.register(name, STD_NAMESPACE, check);
    return this;
  }

  /** The registered conditions, sorted by namespace then name. */
  info(): CheckerInfo[] {
    return [...this.#checks.values()].sort((a, b) =>
      a.namespace !== b.namespace
        ? a.namespace < b.namespace
          ? -1
          : 1
        : a.name < b.name
          ? -1
          : a.name > b.name
            ? 1
            : 0,
    );
  }

  /**
   * Checks one first-party condition (bakery's `CheckFirstPartyCaveat`); the error, or undefined when it
   * is satisfied. `declared` conditions see `context.declared` only: use `checkConditions` for a slice.
   */
  check(condition: string, context: CheckContext = {}): CaveatCheckError | undefined {
    // parseCaveat's split, inline (this runs for every condition of every token verified); what it
    // refuses (empty, leading space) is refused with its message.
    const space = typeof condition === 'string' ? condition.indexOf(' ') : -1;
    if (typeof condition !== 'string' || condition === '' || space === 0) {
      let message = 'not a string';
      try {
        parseCaveat(condition);
      } catch (e) {
        message = (e as Error).message;
      }
      return new CaveatCheckError(
        'not-recognized',
        String(condition),
        `cannot parse caveat ${JSON.stringify(condition)}: ${message}`,
      );
    }
    const name = space < 0 ? condition : condition.slice(0, space);
    const arg = space < 0 ? '' : condition.slice(space + 1);
    const info = this.#checks.get(name);
    if (!info) {
      return new CaveatCheckError(
        'not-recognized',
        condition,
        `caveat ${JSON.stringify(condition)} not satisfied: caveat not recognized`,
      );
    }
    let reason: string | undefined;
    try {
      const r = info.check(context, name, arg);
      reason = typeof r === 'string' ? r : undefined;
    } catch (e) {
      reason = e instanceof Error ? e.message : 'check failed';
    }
    if (reason === undefined) return undefined;
    return new CaveatCheckError(
      'not-satisfied',
      condition,
      `caveat ${JSON.stringify(condition)} not satisfied: ${reason}`,
    );
  }

  /**
   * Checks every condition of a slice, with the declarations inferred from all of them; the first error,
   * or undefined when all are satisfied.
   */
  checkConditions(conditions: readonly string[], context: CheckContext = {}): CaveatCheckError | undefined {
    const ctx = this.#withDeclared(conditions, context);
    for (const c of conditions) {
      const error = this.check(c, ctx);
      if (error) return error;
    }
    return undefined;
  }

  /**
   * For `Verifier.satisfyChecker`: given every first-party condition of a verified slice and the
   * request's context, the test that one of them is satisfied.
   */
  forSlice(conditions: readonly string[], context: unknown): (condition: string) => boolean {
    const ctx = this.#withDeclared(
      conditions,
      typeof context === 'object' && context !== null ? (context as CheckContext) : {},
    );
    return (condition) => this.check(condition, ctx) === undefined;
  }

  #withDeclared(conditions: readonly string[], context: CheckContext): CheckContext {
    return { ...context, declared: inferDeclared(conditions, this.#namespace) };
  }
}

/**
 * A checker with the standard namespace and conditions: `time-before`, `declared`, `error`, `allow`,
 * `deny` (bakery's `checkers.New(nil)`, plus Python's `allow`/`deny`).
 *
 * @example
 * ```ts
 * new Verifier().satisfyChecker(checkers.std()).verify(macaroon, rootKey, discharges, { context: { now: Date.now() } });
 * ```
 */
export function std(): Checker {
  return new Checker().registerStd();
}
