/**
 * The library's `time < T` check. Given to `Verifier.satisfyGeneral` as it is (this very function, not
 * a wrapper around it), it is recognised, and the WebAssembly engine judges the caveats it satisfies
 * without calling it (see docs/engine.md).
 */
import { timeCaveatDeadline } from './time-caveat.js';

/**
 * A context that fixes the clock for `timeBefore` (milliseconds since the epoch).
 *
 * @example
 * ```ts
 * const context: ClockContext = { now: Date.parse('2029-12-31T23:59:59Z') };
 * new Verifier().satisfyGeneral(timeBefore).verify(token, rootKey, [], { context });
 * ```
 */
export interface ClockContext {
  /** The clock, in milliseconds since the epoch (default: Date.now()). */
  readonly now?: number | undefined;
}

// Parsed deadlines by predicate: a gateway sees the same few `time <` caveats on every request (and a
// cache hit hands over the very same strings). NaN marks a predicate that is not a time caveat. Bounded:
// cleared when full.
const DEADLINES = new Map<string, number>();
const MAX_DEADLINES = 4096;

function deadlineOf(predicate: string): number {
  let deadline = DEADLINES.get(predicate);
  if (deadline !== undefined) return deadline;
  deadline = timeCaveatDeadline(predicate) ?? Number.NaN;
  if (DEADLINES.size >= MAX_DEADLINES) DEADLINES.clear();
  DEADLINES.set(predicate, deadline);
  return deadline;
}

/**
 * Satisfies `time < T` while the clock (the context's `now` when it is a number, else Date.now()) is
 * before T. Any other predicate, or a T in none of the accepted forms (see `parseCaveatTime`), is not
 * satisfied.
 *
 * Given to `Verifier.satisfyGeneral` as it is, the verifier recognises it: the WebAssembly engine then
 * judges the `time < T` caveats it satisfies inside the module, reading the clock once per `verify` or
 * `verifyBatch` call (and each item's context `now` once), instead of calling it once per caveat. The
 * verdicts are the same; a caveat it does not satisfy there (expired, or T in a form the module does
 * not read) goes to the general checks as before, this one included. Wrap it (`(p, c) => timeBefore(p,
 * c)`) to have it called for every caveat instead.
 *
 * @example
 * ```ts
 * const verifier = new Verifier().satisfyGeneral(timeBefore);
 * timeBefore('time < 2030-01-01T00:00:00Z', { now: Date.parse('2029-12-31T23:59:59Z') }); // true
 * ```
 */
export function timeBefore(predicate: string, context?: unknown): boolean {
  const deadline = deadlineOf(predicate);
  if (Number.isNaN(deadline)) return false;
  const now = (context as ClockContext | undefined)?.now;
  return (typeof now === 'number' ? now : Date.now()) < deadline;
}

/**
 * The clock `timeBefore` reads for a request with `context`: its `now` when that is a number, else
 * `fallback` (the call's Date.now()). NaN when reading `now` throws: nothing is then judged before
 * `timeBefore` itself is called.
 */
export function clockOf(context: unknown, fallback: number): number {
  try {
    const now = (context as ClockContext | undefined)?.now;
    return typeof now === 'number' ? now : fallback;
  } catch {
    return Number.NaN;
  }
}
