/**
 * RFC 3339 times as Go's `time.Parse(time.RFC3339Nano, …)` reads them for `time-before`: four-digit year,
 * two-digit fields, upper-case `T`, an optional fraction of 1 to 9 digits, and `Z` or a `±hh:mm` offset;
 * every field range-checked (day within its month, hour < 24, second < 60). Python's pyrfc3339 is more
 * lenient (lower-case `t`/`z`, rounding to microseconds); we refuse what Go refuses.
 */
import { InvalidArgumentError } from '../../errors.js';

/**
 * A parsed instant: milliseconds since the epoch plus the nanoseconds below the millisecond.
 *
 * @example
 * ```ts
 * const t: checkers.Instant | undefined = checkers.parseTime('2030-01-01T00:00:00.000000001Z');
 * t?.ms; // Date.parse('2030-01-01T00:00:00Z'); t?.subMsNanos is 1
 * ```
 */
export interface Instant {
  /** Milliseconds since the epoch, as Date.parse gives them. */
  readonly ms: number;
  /** The nanoseconds below the millisecond (0–999,999) that a Date cannot hold. */
  readonly subMsNanos: number;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days from 1970-01-01 to the civil date (proleptic Gregorian; H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Parses an RFC 3339 time as Go does; undefined when Go would refuse it.
 *
 * @example
 * ```ts
 * checkers.parseTime('2030-01-01T00:00:00+01:00')?.ms; // Date.parse('2029-12-31T23:00:00Z')
 * checkers.parseTime('2030-02-31T00:00:00Z'); // undefined: Go refuses it too
 * ```
 */
export function parseTime(text: string): Instant | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[];
  if ((month as number) < 1 || (month as number) > 12) return undefined;
  const dim = month === 2 && isLeap(year as number) ? 29 : (DAYS[(month as number) - 1] as number);
  if ((day as number) < 1 || (day as number) > dim) return undefined;
  if ((hour as number) > 23 || (minute as number) > 59 || (second as number) > 59) return undefined;
  let offsetMinutes = 0;
  if (m[8] !== undefined) {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const fraction = (m[7] ?? '').padEnd(9, '0');
  const nanos = Number(fraction);
  const days = daysFromCivil(year as number, month as number, day as number);
  const seconds =
    days * 86400 +
    (hour as number) * 3600 +
    (minute as number) * 60 +
    (second as number) -
    offsetMinutes * 60;
  return { ms: seconds * 1000 + Math.floor(nanos / 1e6), subMsNanos: nanos % 1e6 };
}

/** True when `now` (milliseconds) is strictly before `t`. */
export function isBefore(nowMs: number, t: Instant): boolean {
  return nowMs < t.ms || (nowMs === t.ms && t.subMsNanos > 0);
}

/**
 * Go's `t.UTC().Format(time.RFC3339Nano)`: UTC, fraction without trailing zeros (none when zero).
 * Years outside 0000–9999 cannot be written in RFC 3339.
 *
 * @example
 * ```ts
 * checkers.formatTime(Date.parse('2030-01-01T00:00:00.500Z')); // '2030-01-01T00:00:00.5Z'
 * ```
 */
export function formatTime(t: Date | number): string {
  const date = typeof t === 'number' ? new Date(t) : t;
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new InvalidArgumentError('time-before needs a valid time');
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ, or ±YYYYYY-… outside 0–9999
  if (iso.length !== 24) throw new InvalidArgumentError('time-before needs a year between 0 and 9999');
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`;
}
