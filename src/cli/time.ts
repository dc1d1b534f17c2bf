/**
 * `--time-before-now`: satisfies `time < T` while T is in the future, read by the library's one parser
 * of time caveats (the gateway's `timeBefore` reads the same forms).
 */
import { timeCaveatDeadline } from '../time-caveat.js';

export { timeCaveatDeadline };

export function timeBeforeNow(predicate: string): boolean {
  const deadline = timeCaveatDeadline(predicate);
  return deadline !== undefined && Date.now() < deadline;
}
