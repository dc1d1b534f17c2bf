/**
 * `macaroon-engine/bakery`: third-party caveats encrypted to the third party's public key, byte for byte
 * as macaroon-bakery (Go v3, Python 1.3) writes and reads them, bakery's macaroon wrapper and JSON, and
 * its first-party checkers. Names mirror bakery's.
 */

export type { Caveat } from './checkers/caveat.js';
/**
 * The first-party checkers and caveat helpers (bakery's `checkers` package): `checkers.std()` checks
 * `time-before`, `declared`, `allow` and `deny` conditions, and is extended with `register`.
 *
 * @example
 * ```ts
 * import { checkers } from 'macaroon-engine/bakery';
 *
 * const checker = checkers.std();
 * checker.check('time-before 2030-01-01T00:00:00Z', { now: Date.now() }); // undefined: satisfied
 * ```
 */
export * as checkers from './checkers/index.js';
export { decodeCaveat, type EncodeParams, encodeCaveat, type ThirdPartyCaveatInfo } from './codec.js';
export {
  type DischargeAllOptions,
  type DischargeParams,
  type DischargeRequest,
  discharge,
  dischargeAll,
  type ThirdPartyCaveatChecker,
} from './discharge.js';
export {
  BakeryFormatError,
  CaveatCheckError,
  CaveatDecodeError,
  type CaveatDecodeReason,
  ThirdPartyNotFoundError,
} from './errors.js';
export { KeyPair, type KeyPairJSON, PublicKey } from './keys.js';
export {
  type AddCaveatOptions,
  BakeryMacaroon,
  type BakeryMacaroonInit,
  type JsonStyle,
  type SerializeOptions,
} from './macaroon.js';
export {
  type ThirdPartyInfo,
  type ThirdPartyInfoInit,
  type ThirdPartyLocator,
  ThirdPartyStore,
} from './third-party.js';
export { type BakeryVersion, LATEST_VERSION, macaroonVersion } from './versions.js';
