/**
 * Bakery versions (bakery/version.go). 1: third-party caveat ids are base64 JSON and macaroons are V1;
 * 2: binary ids and V2 macaroons; 3: namespaces in caveats and the caveat payload kept outside the
 * macaroon (caveat data) under a short id. Version 0 behaves as 1 here (it only changes an HTTP status).
 */
import { InvalidArgumentError } from '../errors.js';

/**
 * A bakery version: 0 to 3 (see the version table in the README).
 *
 * @example
 * ```ts
 * BakeryMacaroon.create({ rootKey, id: 'x', version: 2 satisfies BakeryVersion });
 * ```
 */
export type BakeryVersion = 0 | 1 | 2 | 3;

/**
 * The newest version this library writes.
 *
 * @example
 * ```ts
 * BakeryMacaroon.create({ rootKey, id: 'x', version: LATEST_VERSION });
 * ```
 */
export const LATEST_VERSION = 3;

/** @internal */
export function requireBakeryVersion(value: unknown, what = 'bakery version'): BakeryVersion {
  if (value === 0 || value === 1 || value === 2 || value === 3) return value;
  throw new InvalidArgumentError(`${what} must be 0, 1, 2 or 3, got ${String(value)}`);
}

/**
 * The macaroon wire version of a bakery version: V1 up to bakery version 1, V2 after.
 *
 * @example
 * ```ts
 * macaroonVersion(1); // 1 (V1)
 * macaroonVersion(3); // 2 (V2)
 * ```
 */
export function macaroonVersion(version: BakeryVersion): 1 | 2 {
  return version <= 1 ? 1 : 2;
}
