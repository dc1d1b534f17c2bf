/**
 * Caveats as bakery describes them before they are added (`checkers.Caveat`), the condition syntax
 * (`name` or `name arg`, split at the first space) and the standard caveat builders.
 * Reference: bakery/checkers/checkers.go, declared.go, time.go; Python macaroonbakery/checkers.
 */
import { InvalidArgumentError } from '../../errors.js';
import { formatTime } from './time.js';

/**
 * A caveat to add: first-party when `location` is absent or empty (its condition resolved through the
 * macaroon's namespace when `namespace` is set), third-party otherwise.
 *
 * @example
 * ```ts
 * const third: Caveat = { location: 'https://auth.example', condition: 'is-user alice' };
 * const first: Caveat = { condition: 'time-before 2030-01-01T00:00:00Z', namespace: 'std' };
 * ```
 */
export interface Caveat {
  /** The condition: a first-party predicate such as `time-before …`, or what the third party must check. */
  readonly condition: string;
  /** The namespace URI of a first-party condition, e.g. 'std'. Absent: the condition is used as is. */
  readonly namespace?: string | undefined;
  /** The third party's location; absent or empty for a first-party caveat. */
  readonly location?: string | undefined;
}

/**
 * The standard namespace URI. Its prefix is empty, so its conditions are written bare.
 *
 * @example
 * ```ts
 * checkers.timeBeforeCaveat(new Date('2030-01-01T00:00:00Z')).namespace === checkers.STD_NAMESPACE; // true
 * ```
 */
export const STD_NAMESPACE = 'std';

/**
 * The name of the standard `time-before` condition (bakery's `CondTimeBefore`).
 *
 * @example
 * ```ts
 * checkers.parseCaveat('time-before 2030-01-01T00:00:00Z')[0] === checkers.COND_TIME_BEFORE; // true
 * ```
 */
export const COND_TIME_BEFORE = 'time-before';
/**
 * The name of the standard `declared` condition (bakery's `CondDeclared`).
 *
 * @example
 * ```ts
 * checkers.declaredCaveat('user', 'alice').condition.startsWith(checkers.COND_DECLARED); // true
 * ```
 */
export const COND_DECLARED = 'declared';
/**
 * The name of the standard `error` condition (bakery's `CondError`).
 *
 * @example
 * ```ts
 * checkers.errorCaveat('no such user').condition.startsWith(checkers.COND_ERROR); // true
 * ```
 */
export const COND_ERROR = 'error';
/**
 * The name of the standard `need-declared` condition (bakery's `CondNeedDeclared`).
 *
 * @example
 * ```ts
 * checkers.condition(checkers.COND_NEED_DECLARED, 'user is-user'); // 'need-declared user is-user'
 * ```
 */
export const COND_NEED_DECLARED = 'need-declared';
/**
 * The name of the standard `allow` condition (bakery's `CondAllow`).
 *
 * @example
 * ```ts
 * checkers.allowCaveat(['read']).condition; // `${checkers.COND_ALLOW} read`
 * ```
 */
export const COND_ALLOW = 'allow';
/**
 * The name of the standard `deny` condition (bakery's `CondDeny`).
 *
 * @example
 * ```ts
 * checkers.denyCaveat(['delete']).condition; // `${checkers.COND_DENY} delete`
 * ```
 */
export const COND_DENY = 'deny';

/**
 * Splits a condition into its name and argument at the first space. Throws InvalidArgumentError for an
 * empty condition or one that starts with a space (bakery's `ParseCaveat`).
 *
 * @example
 * ```ts
 * parseCaveat('declared user alice'); // ['declared', 'user alice']
 * ```
 */
export function parseCaveat(condition: string): [name: string, arg: string] {
  if (typeof condition !== 'string' || condition === '') throw new InvalidArgumentError('empty caveat');
  const i = condition.indexOf(' ');
  if (i < 0) return [condition, ''];
  if (i === 0) throw new InvalidArgumentError('caveat starts with space character');
  return [condition.slice(0, i), condition.slice(i + 1)];
}

/**
 * `name arg`, or `name` alone when the argument is empty (bakery's `checkers.Condition`).
 *
 * @example
 * ```ts
 * condition('is-user', 'alice'); // 'is-user alice'
 * ```
 */
export function condition(name: string, arg = ''): string {
  return arg === '' ? name : `${name} ${arg}`;
}

function std(name: string, arg: string): Caveat {
  return Object.freeze({ condition: condition(name, arg), namespace: STD_NAMESPACE });
}

/**
 * An `error` caveat: never satisfied. Bakery uses it to stand for a caveat that could not be built.
 *
 * @example
 * ```ts
 * errorCaveat('no such user'); // { condition: 'error no such user', namespace: 'std' }
 * ```
 */
export function errorCaveat(message: string): Caveat {
  return std(COND_ERROR, message);
}

/**
 * `time-before <t>`: satisfied strictly before `t`. Written as Go writes it (UTC, RFC 3339, fraction
 * trimmed of trailing zeros).
 *
 * @example
 * ```ts
 * timeBeforeCaveat(new Date('2030-01-01T00:00:00Z')).condition; // 'time-before 2030-01-01T00:00:00Z'
 * ```
 */
export function timeBeforeCaveat(t: Date | number): Caveat {
  return std(COND_TIME_BEFORE, formatTime(t));
}

/**
 * `declared <key> <value>`: satisfied when the slice declares exactly this value for the key. A key that
 * is empty or contains a space gives an error caveat, as in bakery.
 *
 * @example
 * ```ts
 * declaredCaveat('user', 'alice').condition; // 'declared user alice'
 * ```
 */
export function declaredCaveat(key: string, value: string): Caveat {
  if (key === '' || key.includes(' ')) return errorCaveat(`invalid caveat 'declared' key "${key}"`);
  return std(COND_DECLARED, `${key} ${value}`);
}

/**
 * Wraps a third-party caveat so that its discharge declares `keys` (with an empty value when the third
 * party does not supply one). A first-party caveat gives an error caveat, as in bakery.
 *
 * @example
 * ```ts
 * needDeclaredCaveat({ location: 'https://auth.example', condition: 'is-user' }, 'user');
 * // { location: 'https://auth.example', condition: 'need-declared user is-user' }
 * ```
 */
export function needDeclaredCaveat(caveat: Caveat, ...keys: string[]): Caveat {
  if (!caveat.location) return errorCaveat('need-declared caveat is not third-party');
  return Object.freeze({
    location: caveat.location,
    condition: `${COND_NEED_DECLARED} ${keys.join(',')} ${caveat.condition}`,
  });
}

/**
 * Python bakery's `allow <op…>`: satisfied when every operation of the request is listed.
 *
 * @example
 * ```ts
 * allowCaveat(['read', 'write']).condition; // 'allow read write'
 * ```
 */
export function allowCaveat(operations: readonly string[]): Caveat {
  if (operations.length === 0) return errorCaveat('no operations allowed');
  return std(COND_ALLOW, operations.join(' '));
}

/**
 * Python bakery's `deny <op…>`: satisfied when no operation of the request is listed.
 *
 * @example
 * ```ts
 * denyCaveat(['delete']).condition; // 'deny delete'
 * ```
 */
export function denyCaveat(operations: readonly string[]): Caveat {
  return std(COND_DENY, operations.join(' '));
}
