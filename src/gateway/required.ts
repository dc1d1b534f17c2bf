/**
 * Required caveats: a gateway option that refuses a token unless it restricts the facts the operator
 * names. Macaroon semantics alone authorize a token that has no caveat about a fact for every value of
 * that fact (a token without `account = …` works for every account); most operators expect the
 * opposite, so they name the facts every token must restrict.
 *
 * A fact is named by the start of a predicate, operator included: `'account = '`, `'time < '`. The
 * token restricts it when its root macaroon has a first-party caveat starting with those bytes. Only
 * the root counts: it is what the service (or its issuer) minted, while a discharge's caveats are the
 * third party's choice, and the gateway cannot tell a discharge the walk used from one merely sent
 * along (with `allowUnusedDischarges`). Third-party caveats never count: their identifier is a message
 * to the third party, not a predicate. The check runs after verification, on tokens that authorize, so
 * every caveat it finds has also been satisfied for this request.
 */
import { describeType, utf8Encode } from '../bytes.js';
import { InvalidArgumentError } from '../errors.js';
import { type Macaroon, macaroonData } from '../macaroon.js';
import type { CaveatToCheck } from '../verifier.js';

/** The prefixes as bytes, checked once when the gateway is built. */
export function requiredPrefixes(required: unknown): readonly Uint8Array[] {
  if (required === undefined) return [];
  if (!Array.isArray(required)) {
    throw new InvalidArgumentError(
      `requiredCaveats must be an array of strings, got ${describeType(required)}`,
    );
  }
  return required.map((p: unknown) => {
    if (typeof p !== 'string' || p.trim() === '') {
      throw new InvalidArgumentError(
        'each required caveat must be a non-empty predicate prefix, e.g. "account = "',
      );
    }
    return utf8Encode(p);
  });
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** True when the root macaroon has a first-party caveat starting with each prefix. */
export function restrictsAll(root: Macaroon, prefixes: readonly Uint8Array[]): boolean {
  if (prefixes.length === 0) return true;
  const caveats = macaroonData(root).caveats.filter((c) => c.verificationId === undefined);
  return prefixes.every((prefix) => caveats.some((c) => startsWith(c.identifier, prefix)));
}

/** restrictsAll for a verified token's caveat list (walk order: the root's are those of macaroon 0). */
export function caveatsRestrictAll(
  caveats: readonly CaveatToCheck[],
  prefixes: readonly Uint8Array[],
): boolean {
  return prefixes.every((p) => caveats.some((c) => c.macaroon === 0 && startsWith(c.bytes, p)));
}
