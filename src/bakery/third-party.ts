/**
 * Where third parties' public keys come from: a locator maps a location to `{ publicKey, version }`
 * (bakery's `ThirdPartyLocator`); `ThirdPartyStore` is the in-memory one.
 */
import { describeType } from '../bytes.js';
import { InvalidArgumentError } from '../errors.js';
import { ThirdPartyNotFoundError } from './errors.js';
import { PublicKey } from './keys.js';
import { type BakeryVersion, requireBakeryVersion } from './versions.js';

/**
 * A third party's public key and the newest bakery version it understands.
 *
 * @example
 * ```ts
 * const locator = new ThirdPartyStore().add('https://auth.example', { publicKey: KeyPair.generate().public, version: 3 });
 * const info: ThirdPartyInfo = await locator.thirdPartyInfo('https://auth.example');
 * String(info.publicKey); info.version;
 * ```
 */
export interface ThirdPartyInfo {
  /** The third party's public key, which caveats are sealed to. */
  readonly publicKey: PublicKey;
  /** The highest bakery version it understands: the version of the caveats addressed to it. */
  readonly version: BakeryVersion;
}

/**
 * What `add` and locators accept: the key as a PublicKey, base64 text or bytes.
 *
 * @example
 * ```ts
 * new ThirdPartyStore().add('https://auth.example', { publicKey: 'ScEo1pWCyMk7g0yNPGMaJYddOW2EJMFgKTSsZjR9R30=', version: 3 });
 * ```
 */
export interface ThirdPartyInfoInit {
  /** The third party's public key (a PublicKey, its base64, or its 32 bytes). */
  readonly publicKey: PublicKey | string | Uint8Array;
  /** The highest bakery version it understands. */
  readonly version: BakeryVersion;
}

/**
 * Finds a third party's info by location; throws ThirdPartyNotFoundError (or rejects) when unknown.
 *
 * @example
 * ```ts
 * const keys = new Map([['https://auth.example', KeyPair.generate().public]]); // e.g. from configuration
 * const locator: ThirdPartyLocator = {
 *   thirdPartyInfo: async (location) => {
 *     const publicKey = keys.get(location);
 *     if (!publicKey) throw new ThirdPartyNotFoundError(location);
 *     return { publicKey, version: 3 };
 *   },
 * };
 * ```
 */
export interface ThirdPartyLocator {
  /** The third party's public key and bakery version; throws ThirdPartyNotFoundError when unknown. */
  thirdPartyInfo(location: string): ThirdPartyInfo | Promise<ThirdPartyInfo>;
}

/** @internal */
export function toThirdPartyInfo(init: ThirdPartyInfoInit): ThirdPartyInfo {
  if (typeof init !== 'object' || init === null) {
    throw new InvalidArgumentError(`third-party info must be an object, got ${describeType(init)}`);
  }
  return Object.freeze({
    publicKey: PublicKey.from(init.publicKey),
    version: requireBakeryVersion(init.version, 'third-party version'),
  });
}

/** One trailing slash is not significant (Go's `TrimSuffix(loc, "/")`). */
function canonical(location: string): string {
  return location.endsWith('/') ? location.slice(0, -1) : location;
}

/**
 * An in-memory ThirdPartyLocator (bakery's `ThirdPartyStore`).
 *
 * @example
 * ```ts
 * const tp = KeyPair.generate();
 * const locator = new ThirdPartyStore();
 * locator.add('https://auth.example', { publicKey: tp.public, version: 3 });
 * locator.thirdPartyInfo('https://auth.example/'); // the same entry: one trailing slash is ignored
 * ```
 */
export class ThirdPartyStore implements ThirdPartyLocator {
  readonly #entries = new Map<string, ThirdPartyInfo>();

  /** Records (or replaces) the info for a location. */
  add(location: string, info: ThirdPartyInfoInit): this {
    if (typeof location !== 'string') throw new InvalidArgumentError('location must be a string');
    this.#entries.set(canonical(location), toThirdPartyInfo(info));
    return this;
  }

  /** The entry for `location` (one trailing slash ignored); throws ThirdPartyNotFoundError when there is none. */
  thirdPartyInfo(location: string): ThirdPartyInfo {
    const info = this.#entries.get(canonical(String(location)));
    if (!info) throw new ThirdPartyNotFoundError(location);
    return info;
  }
}
