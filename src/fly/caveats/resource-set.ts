/**
 * resset.ResourceSet: a map from resource id to allowed actions, written with keys sorted (numeric order
 * for integer ids, byte order for strings). Ids are uint64 (apps) or strings; StorageObjects match string
 * prefixes. `null` is Go's nil map (written as MessagePack nil).
 */
import { InvalidArgumentError } from '../../errors.js';
import { ALLOW, type CheckedAccess, deny, type FlyDenial } from '../access.js';
import { actionFromInput, formatAction, isSubset } from '../action.js';
import type { MsgpackReader, MsgpackWriter } from '../msgpack.js';

export type ResourceId = bigint | string;
export type ResourceSet<K extends ResourceId> = ReadonlyMap<K, number> | null;
export type IdKind = 'uint' | 'string' | 'prefix';

const encoder = new TextEncoder();

function compareKeys(a: ResourceId, b: ResourceId): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const x = encoder.encode(String(a));
  const y = encoder.encode(String(b));
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

export function readResourceSet<K extends ResourceId>(
  r: MsgpackReader,
  kind: IdKind,
  what: string,
): ResourceSet<K> {
  const n = r.mapLen(what);
  if (n < 0) return null;
  const out = new Map<K, number>();
  for (let i = 0; i < n; i++) {
    const key = (kind === 'uint' ? r.uint(64, what) : r.str(what)) as K;
    // Later duplicates win, as in a Go map; the canonical re-encoding then no longer matches the MAC.
    out.set(key, Number(r.uint(16, what)));
  }
  return out;
}

export function writeResourceSet(w: MsgpackWriter, rs: ResourceSet<ResourceId>, kind: IdKind): void {
  if (rs === null) {
    w.nil();
    return;
  }
  const keys = [...rs.keys()].sort(compareKeys);
  w.map(keys.length);
  for (const k of keys) {
    if (kind === 'uint') w.uint(k as bigint);
    else w.str(k as string);
    w.uint(rs.get(k) as number);
  }
}

export function resourceSetFromJSON<K extends ResourceId>(
  value: unknown,
  kind: IdKind,
  what: string,
): ResourceSet<K> {
  if (value === undefined || value === null) return null;
  if (value instanceof Map) return resourceSetFromJSON(Object.fromEntries(value), kind, what);
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArgumentError(`${what} must be an object mapping ids to actions`);
  }
  const out = new Map<K, number>();
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    let key: ResourceId = k;
    if (kind === 'uint') {
      if (!/^(0|[1-9][0-9]*)$/.test(k) || BigInt(k) > 0xffffffffffffffffn) {
        throw new InvalidArgumentError(`${what}: ${k} is not a uint64 id`);
      }
      key = BigInt(k);
    }
    out.set(key as K, actionFromInput(v, `${what}[${k}]`));
  }
  return out;
}

/** Go's encoding/json of a map: keys as strings, sorted; actions as letters. */
export function resourceSetToJSON(rs: ResourceSet<ResourceId>): Record<string, string> | null {
  if (rs === null) return null;
  const keys = [...rs.keys()].sort((a, b) => compareKeys(String(a), String(b)));
  const out: Record<string, string> = {};
  for (const k of keys) {
    // Defined, not assigned: an id may be any string, `__proto__` included, and must stay a plain key.
    Object.defineProperty(out, String(k), {
      value: formatAction(rs.get(k) as number),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** ResourceSet.Prohibits(id, action, resourceType). */
export function resourceSetProhibits(
  rs: ResourceSet<ResourceId>,
  id: ResourceId | undefined,
  action: number,
  resourceType: string,
  kind: IdKind,
): FlyDenial[] {
  const zero: ResourceId = kind === 'uint' ? 0n : '';
  const size = rs?.size ?? 0;
  if (rs?.has(zero) && size !== 1)
    return deny('bad-caveat', 'bad caveat: cannot specify zero ID along with other IDs');
  if (id === undefined) return deny('resource-unspecified', `must specify ${resourceType}`);
  let perm = 0xffff;
  let found = false;
  if (rs?.has(zero)) {
    perm &= rs.get(zero) as number;
    found = true;
  }
  for (const [entry, entryPerm] of rs ?? []) {
    const match = entry === id || (kind === 'prefix' && String(id).startsWith(entry as string));
    if (match) {
      perm &= entryPerm;
      found = true;
    }
  }
  if (!found) {
    const only = [...(rs?.keys() ?? [])].map(String).join(' ');
    return deny(
      'unauthorized-for-resource',
      `unauthorized for ${resourceType} ${String(id)} (only [${only}])`,
    );
  }
  if (!isSubset(action, perm)) {
    return deny(
      'unauthorized-for-action',
      `unauthorized for access ${formatAction(action)} on ${resourceType} (${formatAction(action & ~perm)} not allowed)`,
    );
  }
  return ALLOW;
}

export type { CheckedAccess };
