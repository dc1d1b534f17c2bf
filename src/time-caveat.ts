/**
 * The one reader of `time < T` caveats, shared by the gateway's `timeBefore` check, the CLI's
 * `--time-before-now` and any checker built on this package, so that they never disagree on a token.
 *
 * Accepted T (the forms the peers write: libmacaroons' README, Python's `isoformat()`, Go's RFC 3339):
 * - a date, `YYYY-MM-DD`: midnight UTC at the start of that day;
 * - a date and time, `YYYY-MM-DDThh:mm`, with optional `:ss` and a fraction of up to 9 digits
 *   (`.123456789`, finer than a millisecond is truncated), `T` or `t`;
 * - an optional zone, `Z`, `z` or `±hh:mm`; without one the time is UTC, so a verdict never depends on
 *   the machine's time zone.
 * Every field is range-checked (no February 31st, no hour 24, no leap second 60); anything else, including
 * surrounding spaces or a second `time <` form, is not a time caveat.
 */

const TIME_PREFIX = 'time < ';
const TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))?)?$/;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The instant a caveat time names, in milliseconds since the epoch, or undefined when `text` is not one
 * of the accepted forms.
 *
 * @example
 * ```ts
 * parseCaveatTime('2030-01-01T00:00:00Z'); // 1893456000000
 * parseCaveatTime('2030-01-01');           // the same instant
 * parseCaveatTime('2030-02-31');           // undefined
 * ```
 */
export function parseCaveatTime(text: string): number | undefined {
  const m = TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  let offset = 0;
  if (m[9] !== undefined) {
    const [zh, zm] = [Number(m[10]), Number(m[11])];
    if (zh > 23 || zm > 59) return undefined;
    offset = (m[9] === '-' ? -1 : 1) * (zh * 60 + zm) * 60_000;
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day); // years 0–99 stay as written (Date.UTC would add 1900)
  utc.setUTCHours(hour, minute, second, ms);
  return utc.getTime() - offset;
}

/**
 * The deadline T of a `time < T` predicate, in milliseconds since the epoch, or undefined when the
 * predicate is not a time caveat in an accepted form.
 *
 * @example
 * ```ts
 * timeCaveatDeadline('time < 2030-01-01T00:00:00Z'); // 1893456000000
 * timeCaveatDeadline('account = 42');                // undefined
 * ```
 */
export function timeCaveatDeadline(predicate: string): number | undefined {
  if (typeof predicate !== 'string' || !predicate.startsWith(TIME_PREFIX)) return undefined;
  return parseCaveatTime(predicate.slice(TIME_PREFIX.length));
}
