/**
 * Bakery key pairs: Curve25519 box keys. The text form is standard base64 with padding (44 characters),
 * as Go's `Key.MarshalText` and Python's `serialize()` write it; both base64 alphabets are read, padded
 * or not, as Go's `UnmarshalText` reads them.
 */
import { describeType } from '../bytes.js';
import { base64Decode, base64StdEncode } from '../codec/base64.js';
import { InvalidArgumentError } from '../errors.js';
import { randomBytes } from '../random.js';
import { KEY_LENGTH, publicFromPrivate } from './box.js';

function keyBytes(value: unknown, what: string): Uint8Array {
  let bytes: Uint8Array;
  if (value instanceof Uint8Array) bytes = value.slice();
  else if (typeof value === 'string') {
    try {
      bytes = base64Decode(value, what);
    } catch (e) {
      throw new InvalidArgumentError(`${what} is not base64`, { cause: e });
    }
  } else
    throw new InvalidArgumentError(`${what} must be a base64 string or bytes, got ${describeType(value)}`);
  if (bytes.length !== KEY_LENGTH) {
    throw new InvalidArgumentError(`${what} must be ${KEY_LENGTH} bytes, got ${bytes.length}`);
  }
  return bytes;
}

function allZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (const b of bytes) acc |= b;
  return acc === 0;
}

const BYTES = Symbol('keyBytes');

/**
 * A Curve25519 public key: a third party's identity, or the adder's key inside a caveat.
 *
 * @example
 * ```ts
 * const key = PublicKey.from('ScEo1pWCyMk7g0yNPGMaJYddOW2EJMFgKTSsZjR9R30=');
 * String(key); // the same text
 * ```
 */
export class PublicKey {
  /** @internal */
  readonly [BYTES]: Uint8Array;

  private constructor(bytes: Uint8Array) {
    this[BYTES] = bytes;
    Object.freeze(this);
  }

  /** A key from its text (either base64 alphabet, padded or not), its 32 bytes, or a PublicKey. */
  static from(value: PublicKey | string | Uint8Array): PublicKey {
    if (value instanceof PublicKey) return value;
    return new PublicKey(keyBytes(value, 'public key'));
  }

  /** The 32 bytes (a copy). */
  get bytes(): Uint8Array {
    return this[BYTES].slice();
  }

  /** Standard base64 with padding, as bakery writes keys. */
  toString(): string {
    return base64StdEncode(this[BYTES]);
  }

  /** `JSON.stringify` writes the text form, as bakery does. */
  toJSON(): string {
    return this.toString();
  }

  /** Same 32 bytes. */
  equals(other: PublicKey): boolean {
    if (!(other instanceof PublicKey)) return false;
    const a = this[BYTES];
    const b = other[BYTES];
    let diff = 0;
    for (let i = 0; i < KEY_LENGTH; i++) diff |= (a[i] as number) ^ (b[i] as number);
    return diff === 0;
  }
}

/** @internal The key's bytes without a copy. */
export function publicKeyBytes(key: PublicKey): Uint8Array {
  return key[BYTES];
}

/**
 * The JSON form of a key pair, as bakery writes it (`{"public": …, "private": …}`).
 *
 * @example
 * ```ts
 * const json: KeyPairJSON = KeyPair.generate().toJSON(); // { public: '…=', private: '…=' }
 * ```
 */
export interface KeyPairJSON {
  /** The public key, standard base64. */
  readonly public: string;
  /** The private key, standard base64: keep it secret. */
  readonly private: string;
}

const PRIVATE = Symbol('privateKey');

/**
 * A Curve25519 key pair: a third party's (it decrypts caveats addressed to its public key) or a
 * service's (it encrypts the caveats it adds, and its public key goes into them).
 *
 * @example
 * ```ts
 * const kp = KeyPair.generate();
 * const same = KeyPair.fromJSON(JSON.parse(JSON.stringify(kp)));
 * String(kp.public) === String(same.public); // true
 * ```
 */
export class KeyPair {
  /** The public half, safe to share. */
  readonly public: PublicKey;
  /** @internal */
  readonly [PRIVATE]: Uint8Array;

  private constructor(publicKey: PublicKey, privateKey: Uint8Array) {
    this.public = publicKey;
    this[PRIVATE] = privateKey;
    Object.freeze(this);
  }

  /** A fresh key pair from the platform's secure random source. */
  static generate(): KeyPair {
    const priv = randomBytes(KEY_LENGTH);
    return new KeyPair(PublicKey.from(publicFromPrivate(priv)), priv);
  }

  /**
   * The key pair of a private key (base64 text or 32 bytes); the public half is derived from it, never
   * trusted from elsewhere.
   */
  static fromPrivate(privateKey: string | Uint8Array): KeyPair {
    const priv = keyBytes(privateKey, 'private key');
    if (allZero(priv)) throw new InvalidArgumentError('missing private key (all zeros)');
    return new KeyPair(PublicKey.from(publicFromPrivate(priv)), priv);
  }

  /**
   * Reads bakery's JSON form (`{"public": …, "private": …}`, as `bakery.KeyPair` and Python's
   * `PrivateKey` write it). The public key must be the one the private key gives: Go does not check,
   * but a mismatch would make every caveat this pair adds undecryptable.
   */
  static fromJSON(json: KeyPairJSON | string): KeyPair {
    let value: unknown = json;
    if (typeof json === 'string') {
      try {
        value = JSON.parse(json);
      } catch (e) {
        throw new InvalidArgumentError('key pair JSON does not parse', { cause: e });
      }
    }
    if (typeof value !== 'object' || value === null) {
      throw new InvalidArgumentError(`key pair must be an object, got ${describeType(value)}`);
    }
    const { public: pub, private: priv } = value as Record<string, unknown>;
    if (pub === undefined) throw new InvalidArgumentError('missing public key');
    if (priv === undefined) throw new InvalidArgumentError('missing private key');
    const pair = KeyPair.fromPrivate(priv as string);
    if (!pair.public.equals(PublicKey.from(pub as string))) {
      throw new InvalidArgumentError('the public key is not the one the private key gives');
    }
    return pair;
  }

  /** Bakery's JSON form. Contains the private key: store it as a secret. */
  toJSON(): KeyPairJSON {
    return { public: this.public.toString(), private: base64StdEncode(this[PRIVATE]) };
  }
}

/** @internal The private key's bytes without a copy (never leaves the library). */
export function privateKeyBytes(pair: KeyPair): Uint8Array {
  return pair[PRIVATE];
}

/** @internal */
export function requireKeyPair(value: unknown, what: string): KeyPair {
  if (value instanceof KeyPair) return value;
  throw new InvalidArgumentError(`${what} must be a KeyPair, got ${describeType(value)}`);
}
