/**
 * What the verifier satisfies, from the page's settings: exact predicates and the standard checkers
 * with an adjustable clock. The same settings build the library's Verifier (which gives the verdict)
 * and the per-caveat marks of the chain view.
 */
import { checkers } from '../../src/bakery/index.js';
import { timeBefore } from '../../src/gateway/checks.js';
import { Verifier } from '../../src/index.js';

export interface CheckSettings {
  readonly exact: readonly string[];
  /** Satisfy `time < T` while "now" is before T. */
  readonly timeBefore: boolean;
  /** Bakery's standard checkers (`time-before`, `declared`, `error`, `allow`, `deny`). */
  readonly bakeryStd: boolean;
  /** The request's operations, for bakery's `allow` and `deny`. */
  readonly operations: readonly string[];
  /** Milliseconds since the epoch. */
  readonly now: number;
  readonly allowUnusedDischarges: boolean;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function generalChecks(settings: CheckSettings): ((predicate: string) => boolean)[] {
  const checks: ((predicate: string) => boolean)[] = [];
  if (settings.timeBefore) checks.push((p) => timeBefore(p, { now: settings.now }));
  return checks;
}

/** What the checkers see: the clock and the operations. */
export function checkContext(settings: CheckSettings): { now: number; operations: readonly string[] } {
  return { now: settings.now, operations: settings.operations };
}

export function makeVerifier(settings: CheckSettings): Verifier {
  const v = new Verifier({ allowUnusedDischarges: settings.allowUnusedDischarges });
  for (const p of settings.exact) v.satisfyExact(p);
  for (const check of generalChecks(settings)) v.satisfyGeneral(check);
  if (settings.bakeryStd) v.satisfyChecker(checkers.std());
  return v;
}

/**
 * Whether the settings satisfy one first-party predicate, as the Verifier above decides it. `slice` is
 * every first-party condition of the macaroons verified (bakery's `declared` reads them all).
 */
export function makeSatisfies(
  settings: CheckSettings,
  slice: readonly string[],
): (predicate: Uint8Array) => boolean {
  const exact = new Set(settings.exact);
  const checks = generalChecks(settings);
  if (settings.bakeryStd) checks.push(checkers.std().forSlice(slice, checkContext(settings)));
  return (bytes) => {
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      return false; // a predicate that is not UTF-8 can only match exactly, and exact entries are text
    }
    if (exact.has(text)) return true;
    return checks.some((check) => {
      try {
        return check(text) === true;
      } catch {
        return false;
      }
    });
  };
}
