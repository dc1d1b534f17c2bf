/**
 * resset.Action: a 16-bit mask of r (read), w (write), c (create), d (delete), C (control). Its JSON form
 * is the letters; "*" means every bit (0xffff), and unknown letters are ignored (resset/action.go).
 */
import { InvalidArgumentError } from '../errors.js';

export const ACTION_READ = 1;
export const ACTION_WRITE = 2;
export const ACTION_CREATE = 4;
export const ACTION_DELETE = 8;
export const ACTION_CONTROL = 16;
export const ACTION_ALL = 31;

const LETTERS: readonly [string, number][] = [
  ['r', ACTION_READ],
  ['w', ACTION_WRITE],
  ['c', ACTION_CREATE],
  ['d', ACTION_DELETE],
  ['C', ACTION_CONTROL],
];

/**
 * ActionFromString: "*" is 0xffff; other characters than r, w, c, d, C are ignored.
 *
 * @example
 * ```ts
 * parseAction('rw'); // 3
 * ```
 */
export function parseAction(text: string): number {
  if (text === '*') return 0xffff;
  let mask = 0;
  for (const ch of text) for (const [letter, bit] of LETTERS) if (ch === letter) mask |= bit;
  return mask;
}

/**
 * Action.String(): the letters of the five known bits, in the order r, w, c, d, C.
 *
 * @example
 * ```ts
 * formatAction(31); // 'rwcdC'
 * ```
 */
export function formatAction(mask: number): string {
  let out = '';
  for (const [letter, bit] of LETTERS) if (mask & bit) out += letter;
  return out;
}

/** An action given as letters or as a number (0–65535). */
export function actionFromInput(value: unknown, name: string): number {
  if (typeof value === 'string') return parseAction(value);
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffff) return value;
  throw new InvalidArgumentError(`${name} must be action letters (r, w, c, d, C or *) or a 16-bit number`);
}

/** IsSubsetOf(a, b): every bit of a is in b. */
export function isSubset(a: number, b: number): boolean {
  return (a & b) === a;
}
