/**
 * The checkers namespace of `macaroon-engine/bakery` (bakery's `checkers` package).
 *
 * @example
 * ```ts
 * import { checkers } from 'macaroon-engine/bakery';
 * const checker = checkers.std();
 * checker.check('time-before 2030-01-01T00:00:00Z', { now: Date.now() }); // undefined: satisfied
 * ```
 *
 * @packageDocumentation
 */
export {
  allowCaveat,
  type Caveat,
  COND_ALLOW,
  COND_DECLARED,
  COND_DENY,
  COND_ERROR,
  COND_NEED_DECLARED,
  COND_TIME_BEFORE,
  condition,
  declaredCaveat,
  denyCaveat,
  errorCaveat,
  needDeclaredCaveat,
  parseCaveat,
  STD_NAMESPACE,
  timeBeforeCaveat,
} from './caveat.js';
export {
  type CheckContext,
  Checker,
  type CheckerInfo,
  type CheckerOptions,
  type CheckFunction,
  std,
} from './checker.js';
export { inferDeclared } from './declared.js';
export { conditionWithPrefix, Namespace } from './namespace.js';
export { formatTime, type Instant, parseTime } from './time.js';
