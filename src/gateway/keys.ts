/**
 * Root keys found by macaroon identifier, and an in-memory store with rotation. A service that mints
 * macaroons under several keys (the current one and those still honoured during a rotation) finds the
 * key from the identifier, which the service chose when minting.
 */

import { describeType, hexToBytes, toBytes, utf8DecodeStrict } from '../bytes.js';
import { base64UrlEncode } from '../codec/base64.js';
import { InvalidArgumentError } from '../errors.js';
import { SUGGESTED_SECRET_LENGTH } from '../macaroon.js';
import { randomBytes } from '../random.js';

/**
 * What a resolver may return: the key, or nothing when no key matches.
 *
 * @example
 * ```ts
 * const key: RootKey = rootKeyFromHex('8f3a7c2e9b1d4f6a0c5e8b2d7f1a3c6e9b0d4f7a2c5e8b1d3f6a9c0e2b5d8f1a');
 * new Gateway({ rootKey: key, verifier: new Verifier() });
 * ```
 */
export type RootKey = string | Uint8Array;
/**
 * Finds the root key of a macaroon from its identifier (sync or async); undefined or null when none.
 *
 * @example
 * ```ts
 * const keys = new Map<string, Uint8Array>([['k1', rootKey]]);
 * const resolver: RootKeyResolver = (identifier) => keys.get(new TextDecoder().decode(identifier).split(':')[0] ?? '');
 * new Gateway({ rootKey: resolver, verifier: new Verifier() });
 * ```
 */
export type RootKeyResolver = (
  identifier: Uint8Array,
) => RootKey | undefined | null | Promise<RootKey | undefined | null>;
/**
 * A fixed key for every identifier, or a (sync or async) function of the identifier.
 *
 * @example
 * ```ts
 * const fixed: RootKeySource = rootKey;
 * const looked: RootKeySource = async (identifier) => (identifier.length > 0 ? rootKey : undefined);
 * ```
 */
export type RootKeySource = RootKey | RootKeyResolver;

/**
 * A root key of a KeyStore: its id, bytes and validity window.
 *
 * @example
 * ```ts
 * const keys = new KeyStore();
 * const k: StoredKey = keys.add('k1', rootKey, { expiresAt: Date.now() + 30 * 86_400_000 });
 * k.notBefore <= Date.now(); // true: valid from now on
 * ```
 */
export interface StoredKey {
  /** The key id, written at the start of the identifiers minted with it. */
  readonly id: string;
  /** The root key's bytes. */
  readonly key: Uint8Array;
  /** Milliseconds since the epoch; the key verifies and mints from then on. */
  readonly notBefore: number;
  /** Milliseconds since the epoch; the key is forgotten then. Infinity: never. */
  readonly expiresAt: number;
}

/**
 * When a key added to a KeyStore starts and stops being valid (milliseconds since the epoch).
 *
 * @example
 * ```ts
 * const options: AddKeyOptions = { notBefore: Date.now(), expiresAt: Date.now() + 86_400_000 };
 * new KeyStore().add('k1', rootKey, options);
 * ```
 */
export interface AddKeyOptions {
  /** Milliseconds since the epoch from which the key verifies and mints (default: now). */
  readonly notBefore?: number | undefined;
  /** Milliseconds since the epoch at which the key is forgotten (default: never). */
  readonly expiresAt?: number | undefined;
}

/**
 * Options of a KeyStore: its clock, and how to find a key id in a macaroon identifier.
 *
 * @example
 * ```ts
 * const options: KeyStoreOptions = { keyIdOf: (id) => new TextDecoder().decode(id).split('/')[0] };
 * new KeyStore(options);
 * ```
 */
export interface KeyStoreOptions {
  /** The clock, in milliseconds since the epoch (default Date.now). */
  readonly now?: (() => number) | undefined;
  /**
   * The key id a macaroon identifier names. Default: the identifier's text before its first `:`, the
   * form `newIdentifier()` writes (`<key id>:<random>`).
   */
  readonly keyIdOf?: ((identifier: Uint8Array) => string | undefined) | undefined;
}

/**
 * Options of `KeyStore.rotate`: the new key, and how long the keys it replaces stay valid.
 *
 * @example
 * ```ts
 * const options: RotateOptions = { graceMs: 7 * 86_400_000 }; // tokens live at most a week
 * new KeyStore().rotate(options); // a new current key; the others expire in a week
 * ```
 */
export interface RotateOptions {
  /** The new key's id (default: random). */
  readonly id?: string | undefined;
  /** The new key (default: SUGGESTED_SECRET_LENGTH random bytes). */
  readonly key?: RootKey | undefined;
  /**
   * How long keys live on after being replaced, in milliseconds: at least the lifetime of the tokens
   * they minted, or those tokens stop working early. Required: there is no safe default.
   */
  readonly graceMs: number;
  /** The new key's own expiry, if any. */
  readonly expiresAt?: number | undefined;
}

function keyIdBeforeColon(identifier: Uint8Array): string | undefined {
  const colon = identifier.indexOf(0x3a /* : */);
  if (colon <= 0) return undefined;
  return utf8DecodeStrict(identifier.subarray(0, colon));
}

function checkTime(value: unknown, name: string): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new InvalidArgumentError(`${name} must be a number of milliseconds, got ${describeType(value)}`);
  }
  return value;
}

/**
 * Several live keys at once, each with a validity window; expired keys are dropped from memory.
 *
 * @example
 * ```ts
 * const keys = new KeyStore();
 * keys.rotate({ graceMs: 86_400_000 });
 * const { identifier, key } = keys.newIdentifier(); // '<key id>:<random>' and the current key
 * const token = Macaroon.create('https://api.example/', key, identifier).serialize();
 * new Gateway({ rootKey: keys.resolver, verifier: new Verifier() });
 * ```
 */
export class KeyStore {
  readonly #keys = new Map<string, StoredKey>();
  readonly #now: () => number;
  readonly #keyIdOf: (identifier: Uint8Array) => string | undefined;

  constructor(options: KeyStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#keyIdOf = options.keyIdOf ?? keyIdBeforeColon;
    if (typeof this.#now !== 'function' || typeof this.#keyIdOf !== 'function') {
      throw new InvalidArgumentError('now and keyIdOf must be functions');
    }
  }

  /** Adds (or replaces) key `id`. */
  add(id: string, key: RootKey, options: AddKeyOptions = {}): StoredKey {
    if (typeof id !== 'string' || id.length === 0 || id.includes(':')) {
      throw new InvalidArgumentError('key id must be a non-empty string without ":"');
    }
    const stored: StoredKey = Object.freeze({
      id,
      key: toBytes(key, 'key').slice(),
      notBefore: checkTime(options.notBefore ?? this.#now(), 'notBefore'),
      expiresAt: checkTime(options.expiresAt ?? Number.POSITIVE_INFINITY, 'expiresAt'),
    });
    this.#keys.set(id, stored);
    return stored;
  }

  /** Forgets a key now; true when it was there. */
  remove(id: string): boolean {
    return this.#keys.delete(id);
  }

  /**
   * Makes a new key current; every other live key expires `graceMs` from now (or earlier, if it was
   * due to). Returns the new key.
   */
  rotate(options: RotateOptions): StoredKey {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('rotate options must be an object');
    }
    const graceMs = checkTime(options.graceMs, 'graceMs');
    if (graceMs < 0) throw new InvalidArgumentError('graceMs must not be negative');
    const now = this.#now();
    const retireAt = now + graceMs;
    for (const k of this.#keys.values()) {
      if (k.expiresAt > retireAt) this.#keys.set(k.id, Object.freeze({ ...k, expiresAt: retireAt }));
    }
    const id = options.id ?? base64UrlEncode(randomBytes(9));
    const key = options.key ?? randomBytes(SUGGESTED_SECRET_LENGTH);
    const added = this.add(id, key, {
      notBefore: now,
      ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
    });
    this.#prune(now);
    return added;
  }

  /** The key to mint with: the live key that became valid last. */
  current(): StoredKey | undefined {
    const now = this.#now();
    this.#prune(now);
    let best: StoredKey | undefined;
    for (const k of this.#keys.values()) {
      if (k.notBefore <= now && (!best || k.notBefore >= best.notBefore)) best = k;
    }
    return best;
  }

  /** A fresh identifier naming the current key, for `Macaroon.create`. */
  newIdentifier(): {
    /** A fresh identifier, `<key id>:<random>`. */
    identifier: string;
    /** The current key, to mint the macaroon with. */
    key: Uint8Array;
  } {
    const k = this.current();
    if (!k) throw new InvalidArgumentError('the key store has no live key to mint with');
    return { identifier: `${k.id}:${base64UrlEncode(randomBytes(16))}`, key: k.key };
  }

  /** The live key the identifier names, if any. */
  lookup(identifier: Uint8Array): Uint8Array | undefined {
    const id = this.#keyIdOf(identifier);
    if (id === undefined) return undefined;
    const k = this.#keys.get(id);
    if (!k) return undefined;
    const now = this.#now();
    if (now >= k.expiresAt) {
      this.#keys.delete(id);
      return undefined;
    }
    return now >= k.notBefore ? k.key : undefined;
  }

  /** `lookup` as a RootKeyResolver, to pass as a gateway's `rootKey`. */
  readonly resolver: RootKeyResolver = (identifier) => this.lookup(identifier);

  /** Ids of the keys not yet expired. */
  ids(): string[] {
    this.#prune(this.#now());
    return [...this.#keys.keys()];
  }

  #prune(now: number): void {
    for (const k of this.#keys.values()) if (now >= k.expiresAt) this.#keys.delete(k.id);
  }
}

/**
 * Resolves the root key for `identifier`: synchronously when `source` is a key or a sync resolver (the
 * common case, with no promise on the hot path), else as a promise. `undefined` means no key.
 *
 * @example
 * ```ts
 * const key = await resolveRootKey(rootKey, macaroon.identifier); // the key itself, synchronously here
 * ```
 */
export function resolveRootKey(
  source: RootKeySource,
  identifier: Uint8Array,
): RootKey | undefined | Promise<RootKey | undefined> {
  if (typeof source === 'string' || source instanceof Uint8Array) return source;
  const found = source(identifier);
  if (found instanceof Promise) return found.then((k) => checkResolved(k));
  return checkResolved(found);
}

function checkResolved(value: unknown): RootKey | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' || value instanceof Uint8Array) return value;
  throw new InvalidArgumentError(
    `a root key resolver must return a string, a Uint8Array or undefined, got ${describeType(value)}`,
  );
}

/**
 * Parses a hex root key (as in GATEWAY_ROOT_KEY); throws InvalidArgumentError when it is not hex.
 *
 * @example
 * ```ts
 * const key = rootKeyFromHex(process.env.GATEWAY_ROOT_KEY ?? ''); // InvalidArgumentError unless hex
 * new Gateway({ rootKey: key, verifier: new Verifier() });
 * ```
 */
export function rootKeyFromHex(hex: string): Uint8Array {
  const key = typeof hex === 'string' && hex.length > 0 ? hexToBytes(hex) : undefined;
  if (!key) throw new InvalidArgumentError('root key must be a non-empty, even-length hex string');
  return key;
}
