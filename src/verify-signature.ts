/**
 * The chain only: verifies the signatures of a macaroon and its discharges (every discharge bound and
 * used, as `Verifier.verify` requires) without judging any first-party caveat, and returns the
 * predicates of every macaroon walked, for callers who apply their own policy (go-macaroon's
 * `VerifySignature`).
 */
import { describeType } from './bytes.js';
import { InvalidArgumentError } from './errors.js';
import type { Limits } from './limits.js';
import { Macaroon } from './macaroon.js';
import { type MacaroonInput, Verifier } from './verifier.js';

/**
 * Options of {@link verifySignature}.
 *
 * @example
 * ```ts
 * const options: VerifySignatureOptions = { limits: { maxDischarges: 4 } };
 * verifySignature(macaroon, rootKey, discharges, options);
 * ```
 */
export interface VerifySignatureOptions {
  /** Resource limits; any not given keeps its default (see DEFAULT_LIMITS). */
  readonly limits?: Partial<Limits> | undefined;
}

/**
 * Checks the signature chain of `macaroon` and its `discharges` under `rootKey` (third-party caveats
 * discharged, each discharge bound to the root and used once), accepting every first-party caveat, and
 * returns the first-party predicates of the root and of each discharge, in that order: as text where
 * UTF-8, as bytes otherwise. Throws NotAuthorizedError when the chain does not hold, and DecodeError,
 * LimitExceededError or InvalidArgumentError for bad input, as `verify` does.
 *
 * @example
 * ```ts
 * const root = Macaroon.create('https://api.example/', rootKey, 'id').addFirstPartyCaveat('account = 42');
 * const predicates = verifySignature(root.serialize(), rootKey); // ['account = 42']
 * if (!predicates.every((p) => p === 'account = 42')) throw new Error('denied'); // the caller's own policy
 * ```
 */
export function verifySignature(
  macaroon: MacaroonInput,
  rootKey: string | Uint8Array,
  discharges: readonly MacaroonInput[] = [],
  options: VerifySignatureOptions = {},
): (string | Uint8Array)[] {
  if (!Array.isArray(discharges)) {
    throw new InvalidArgumentError(`discharges must be an array, got ${describeType(discharges)}`);
  }
  const deserialize = (m: MacaroonInput): Macaroon => {
    if (m instanceof Macaroon) return m;
    if (typeof m === 'string' || m instanceof Uint8Array) return Macaroon.deserialize(m, options);
    throw new InvalidArgumentError(
      `a macaroon must be a Macaroon, string or Uint8Array, got ${describeType(m)}`,
    );
  };
  const all = [macaroon, ...discharges].map(deserialize);
  const firstParty = all.flatMap((m) => m.caveats.filter((c) => c.verificationId === undefined));
  // Text predicates pass the general check; the others are declared satisfied as they are.
  const binary = firstParty.filter((c) => c.predicate === undefined).map((c) => c.identifier);
  const verifier = new Verifier({ limits: options.limits }).satisfyGeneral(() => true);
  const [root, ...rest] = all;
  verifier.verify(root as Macaroon, rootKey, rest, { exact: binary });
  return firstParty.map((c) => c.predicate ?? c.identifier);
}
