/**
 * General checks a gateway commonly needs, for `Verifier.satisfyGeneral`.
 */

/** A context that fixes the clock for `timeBefore` (milliseconds since the epoch). */
export interface ClockContext {
  readonly now?: number;
}

// RFC 3339 date-time; the zone may be omitted (libmacaroons' README writes `time < 2020-01-01T00:00`),
// and is then UTC, so a verdict never depends on the server's time zone.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;
const PREFIX = 'time < ';

// Parsed deadlines by predicate: a gateway sees the same few `time <` caveats on every request (and a
// cache hit hands over the very same strings). Bounded: cleared when full.
const DEADLINES = new Map<string, number>();
const MAX_DEADLINES = 4096;

function deadlineOf(predicate: string): number {
  let deadline = DEADLINES.get(predicate);
  if (deadline !== undefined) return deadline;
  deadline = Number.NaN;
  if (predicate.startsWith(PREFIX)) {
    const text = predicate.slice(PREFIX.length);
    const match = RFC3339.exec(text);
    if (match) deadline = Date.parse(match[1] === undefined ? `${text}Z` : text);
  }
  if (DEADLINES.size >= MAX_DEADLINES) DEADLINES.clear();
  DEADLINES.set(predicate, deadline);
  return deadline;
}

/**
 * Satisfies `time < T` while the clock (the context's `now`, else Date.now()) is before T. Any other
 * predicate, or a T that is not an RFC 3339 date-time, is not satisfied.
 */
export function timeBefore(predicate: string, context?: unknown): boolean {
  if (!predicate.startsWith(PREFIX)) return false;
  const deadline = deadlineOf(predicate);
  if (Number.isNaN(deadline)) return false;
  const now = (context as ClockContext | undefined)?.now;
  return (typeof now === 'number' ? now : Date.now()) < deadline;
}
