/**
 * `--time-before-now`: satisfies `time < T` while T, an ISO 8601 date or date-time, is in the future.
 * libmacaroons' example writes `time < 2020-01-01T00:00` with no zone; a time without a zone is read as
 * UTC so that a verdict never depends on the machine's time zone.
 */
const TIME_CAVEAT =
  /^time < (\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?(Z|[+-]\d{2}:\d{2})?$/;

/** The instant T of a `time < T` predicate, in ms since the epoch, or undefined if it is not one. */
export function timeCaveatDeadline(predicate: string): number | undefined {
  const match = TIME_CAVEAT.exec(predicate);
  if (!match) return undefined;
  const [, date, time = '00:00', zone = 'Z'] = match;
  // Date.parse takes at most millisecond precision; finer digits cannot change a comparison with now.
  const ms = Date.parse(`${date}T${time.replace(/(\.\d{3})\d+$/, '$1')}${zone}`);
  return Number.isNaN(ms) ? undefined : ms;
}

export function timeBeforeNow(predicate: string): boolean {
  const deadline = timeCaveatDeadline(predicate);
  return deadline !== undefined && Date.now() < deadline;
}
