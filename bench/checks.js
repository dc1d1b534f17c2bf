// The checks every contender applies: the workload's exact predicates and one general time check. The
// time check below is the same function for every other JavaScript contender, and the C harness does the
// same comparison on the ISO text; this library's contenders use its own `timeBefore` (the same deadline,
// read by src/time-caveat.ts), as its README tells users to.

const TIME_PREFIX = 'time < ';

/** True for `time < <ISO date>` caveats whose date is still ahead. */
export function timeCheck(predicate) {
  return predicate.startsWith(TIME_PREFIX) && Date.parse(predicate.slice(TIME_PREFIX.length)) > Date.now();
}

/** A predicate check as a user of a callback-style library writes it: a Set, then the time check. */
export function makePredicateCheck(exact) {
  const set = new Set(exact);
  return (predicate) => set.has(predicate) || timeCheck(predicate);
}
