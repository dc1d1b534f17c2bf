/**
 * Declarations inferred from a slice (bakery's `InferDeclaredFromConditions`): every first-party
 * condition `declared <key> <value>` of every macaroon in the slice; a key declared with two different
 * values is dropped, so a `declared` check on it fails. The condition name is `prefix + "declared"`
 * with no colon, as both Go and Python build it; with the standard empty prefix that is `declared`.
 */
import { STD_NAMESPACE } from './caveat.js';
import type { Namespace } from './namespace.js';

/**
 * The declarations of a slice's first-party conditions.
 *
 * @example
 * ```ts
 * inferDeclared(['declared user alice', 'declared group admins', 'declared user bob']);
 * // Map { 'group' => 'admins' }: 'user' conflicts and is dropped
 * ```
 */
export function inferDeclared(conditions: Iterable<string>, namespace?: Namespace): Map<string, string> {
  const prefix = namespace?.resolve(STD_NAMESPACE) ?? '';
  const name = `${prefix}declared `;
  const info = new Map<string, string>();
  const conflicts: string[] = [];
  for (const cond of conditions) {
    if (!cond.startsWith(name)) continue;
    const rest = cond.slice(name.length);
    const space = rest.indexOf(' ');
    if (space < 0) continue;
    const key = rest.slice(0, space);
    const value = rest.slice(space + 1);
    const old = info.get(key);
    if (old !== undefined && old !== value) {
      conflicts.push(key);
      continue;
    }
    info.set(key, value);
  }
  for (const key of conflicts) info.delete(key);
  return info;
}
