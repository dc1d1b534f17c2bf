/**
 * The Macaroon value: immutable, built by `create` and the `add…` methods, each of which returns a new
 * macaroon. Formats live in ./codec, the chain's cryptography in ./crypto.
 */

import {
  bytesEqual,
  bytesToHex,
  describeType,
  printableText,
  toBytes,
  utf8DecodeStrict,
  utf8Encode,
} from './bytes.js';
import { base64UrlEncode } from './codec/base64.js';
import { type BundleFormat, decodeBundle, encodeBundle } from './codec/bundle.js';
import { decodeAny, type Format } from './codec/detect.js';
import { toJsonV1, toJsonV2 } from './codec/json.js';
import { encodeV1 } from './codec/v1.js';
import { encodeV2 } from './codec/v2.js';
import {
  bindSignature,
  deriveKey,
  hash2,
  hmacSha256,
  NONCE_LENGTH,
  sealVerificationId,
} from './crypto/keys.js';
import { InvalidArgumentError } from './errors.js';
import { type Limits, resolveLimits } from './limits.js';
import type { CaveatData, MacaroonData } from './model.js';
import { randomBytes } from './random.js';

export type { BundleFormat } from './codec/bundle.js';
export type { Format } from './codec/detect.js';

/**
 * libmacaroons' MACAROON_SUGGESTED_SECRET_LENGTH: root and caveat keys should have this many random bytes.
 *
 * @example
 * ```ts
 * const key = crypto.getRandomValues(new Uint8Array(SUGGESTED_SECRET_LENGTH)); // 32 random bytes
 * Macaroon.create('https://api.example/', key, 'user-42');
 * ```
 */
export const SUGGESTED_SECRET_LENGTH = 32;

/**
 * A caveat as `m.caveats` shows it (copies of the bytes). A first-party caveat whose identifier is
 * UTF-8 also has it as `predicate`; a third-party caveat has its `verificationId` and `location`.
 *
 * @example
 * ```ts
 * const m = Macaroon.create('https://api.example/', 'key', 'id').addFirstPartyCaveat('account = 42');
 * m.caveats[0]?.predicate; // 'account = 42'
 * ```
 */
export interface Caveat {
  /** The caveat id: a first-party caveat's predicate bytes, or what the third party recognises. */
  readonly identifier: Uint8Array;
  /** A first-party caveat's predicate as text, when its bytes are valid UTF-8. */
  readonly predicate?: string | undefined;
  /** A third-party caveat's verification id: the caveat key, encrypted with the signature at that point. */
  readonly verificationId?: Uint8Array | undefined;
  /** A third-party caveat's location: where to get its discharge (a hint; not signed). */
  readonly location?: string | undefined;
}

/**
 * Options of `Macaroon.deserialize` and `Macaroon.deserializeBundle`.
 *
 * @example
 * ```ts
 * const options: DeserializeOptions = { limits: { maxCaveats: 16 } };
 * Macaroon.deserialize(token, options); // LimitExceededError over 16 caveats
 * ```
 */
export interface DeserializeOptions {
  /** Resource limits; any not given keeps its default (DEFAULT_LIMITS). */
  readonly limits?: Partial<Limits> | undefined;
}

/**
 * Options of `Macaroon.create`.
 *
 * @example
 * ```ts
 * const options: CreateOptions = { version: 1 };
 * Macaroon.create('https://api.example/', rootKey, 'id', options).serialize(); // V1 binary, base64url
 * ```
 */
export interface CreateOptions {
  /** Wire version: decides the default serialization. 2 (the default) or 1. */
  readonly version?: 1 | 2 | undefined;
}

const DATA = Symbol('macaroonData');

/** @internal Access to a macaroon's data without copies, for the verifier and the engines. */
export function macaroonData(m: Macaroon): MacaroonData {
  return m[DATA];
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string')
    throw new InvalidArgumentError(`${name} must be a string, got ${describeType(value)}`);
  return value;
}

function requireVersion(version: unknown): 1 | 2 {
  if (version === 1 || version === 2) return version;
  throw new InvalidArgumentError('version must be 1 or 2');
}

function copyCaveat(c: CaveatData): Caveat {
  if (!c.verificationId) {
    const predicate = utf8DecodeStrict(c.identifier);
    const identifier = c.identifier.slice();
    return Object.freeze(predicate === undefined ? { identifier } : { identifier, predicate });
  }
  return Object.freeze({
    identifier: c.identifier.slice(),
    verificationId: c.verificationId.slice(),
    location: c.location ?? '',
  });
}

/**
 * A macaroon: immutable; `create` mints one, `addFirstPartyCaveat` and `addThirdPartyCaveat` return a
 * new one, `serialize` and `deserialize` convert in every libmacaroons format.
 *
 * @example
 * ```ts
 * const m = Macaroon.create('https://api.example/', rootKey, 'user-42').addFirstPartyCaveat('account = 42');
 * const copy = Macaroon.deserialize(m.serialize());
 * copy.equals(m); // true
 * copy.caveats.map((c) => c.predicate); // ['account = 42']
 * ```
 */
export class Macaroon {
  /** @internal */
  readonly [DATA]: MacaroonData;

  private constructor(data: MacaroonData) {
    this[DATA] = data;
    Object.freeze(this);
  }

  /** @internal Wraps decoded or computed data, which must not be shared with anyone who could mutate it. */
  static fromData(data: MacaroonData): Macaroon {
    return new Macaroon(data);
  }

  /**
   * Mints a macaroon. The root key is derived (HMAC with "macaroons-key-generator") as every peer does,
   * so any length works; use SUGGESTED_SECRET_LENGTH random bytes.
   */
  static create(
    location: string,
    rootKey: string | Uint8Array,
    identifier: string | Uint8Array,
    options: CreateOptions = {},
  ): Macaroon {
    const loc = requireString(location, 'location');
    const key = toBytes(rootKey, 'rootKey');
    const id = toBytes(identifier, 'identifier');
    const version = requireVersion(options.version ?? 2);
    return new Macaroon({
      version,
      location: loc,
      identifier: id,
      caveats: [],
      signature: hmacSha256(deriveKey(key), id),
    });
  }

  /**
   * Decodes a macaroon in any format (V1, V2, V1 JSON, V2 JSON; text or bytes), detected. Throws
   * DecodeError for anything malformed and LimitExceededError past `options.limits` (or the defaults).
   */
  static deserialize(data: string | Uint8Array, options: DeserializeOptions = {}): Macaroon {
    return new Macaroon(decodeAny(data, resolveLimits(options.limits)));
  }

  /** Decodes a bundle (go's Slice as base64 or bytes, a JSON array, or bakery's base64 JSON array). */
  static deserializeBundle(data: string | Uint8Array, options: DeserializeOptions = {}): Macaroon[] {
    return decodeBundle(data, resolveLimits(options.limits)).map((d) => new Macaroon(d));
  }

  /** Encodes a root macaroon and its (bound) discharges as one bundle. Default: go's binary Slice. */
  static serializeBundle(macaroons: readonly Macaroon[], format: BundleFormat = 'binary'): string {
    if (!Array.isArray(macaroons) || macaroons.some((m) => !(m instanceof Macaroon))) {
      throw new InvalidArgumentError('macaroons must be an array of Macaroon');
    }
    if (format !== 'binary' && format !== 'json' && format !== 'bakery') {
      throw new InvalidArgumentError("bundle format must be 'binary', 'json' or 'bakery'");
    }
    return encodeBundle(
      macaroons.map((m) => m[DATA]),
      format,
    );
  }

  /** The format version it was read from or will be written in (1 or 2). */
  get version(): 1 | 2 {
    return this[DATA].version;
  }

  /** Where the macaroon is used (a hint; not signed). */
  get location(): string {
    return this[DATA].location;
  }

  /** The identifier: what the issuer finds the root key by (a copy). */
  get identifier(): Uint8Array {
    return this[DATA].identifier.slice();
  }

  /** The signature (a copy): the HMAC chain's last link, which makes the token a bearer credential; never log it. */
  get signature(): Uint8Array {
    return this[DATA].signature.slice();
  }

  /** The caveats, oldest first (copies). */
  get caveats(): readonly Caveat[] {
    return Object.freeze(this[DATA].caveats.map(copyCaveat));
  }

  /** Adds a first-party caveat: a predicate the target service checks. Returns a new macaroon. */
  addFirstPartyCaveat(predicate: string | Uint8Array): Macaroon {
    const cid = toBytes(predicate, 'predicate');
    const d = this[DATA];
    return new Macaroon({
      ...d,
      caveats: [...d.caveats, { identifier: cid }],
      signature: hmacSha256(d.signature, cid),
    });
  }

  /**
   * Adds a third-party caveat: the third party at `location`, which knows `caveatKey` and can recognise
   * `identifier`, must issue a discharge macaroon. Returns a new macaroon.
   */
  addThirdPartyCaveat(
    location: string,
    caveatKey: string | Uint8Array,
    identifier: string | Uint8Array,
  ): Macaroon {
    return addThirdPartyCaveatWithNonce(this, location, caveatKey, identifier, randomBytes(NONCE_LENGTH));
  }

  /** The third-party caveats, i.e. the discharges a request with this macaroon needs. */
  thirdPartyCaveats(): {
    /** The third party's location. */
    location: string;
    /** The caveat id its discharge carries. */
    identifier: Uint8Array;
  }[] {
    return this[DATA].caveats
      .filter((c) => c.verificationId)
      .map((c) => ({ location: c.location ?? '', identifier: c.identifier.slice() }));
  }

  /** Binds a discharge to this (root) macaroon, as it must be before being sent with it. */
  prepareForRequest(discharge: Macaroon): Macaroon {
    if (!(discharge instanceof Macaroon)) {
      throw new InvalidArgumentError(`discharge must be a Macaroon, got ${describeType(discharge)}`);
    }
    const d = discharge[DATA];
    return new Macaroon({ ...d, signature: bindSignature(this[DATA].signature, d.signature) });
  }

  /**
   * Serializes in one of the four wire formats. Binary formats are base64url without padding, as the
   * peers write them. Without a format, the macaroon's own version decides ('v2' unless created or
   * decoded as version 1).
   */
  serialize(format?: Format): string {
    const f = format ?? (this[DATA].version === 1 ? 'v1' : 'v2');
    switch (f) {
      case 'v1':
      case 'v2':
        return base64UrlEncode(this.toBytes(f));
      case 'v1j':
        return JSON.stringify(toJsonV1(this[DATA]));
      case 'v2j':
        return JSON.stringify(toJsonV2(this[DATA]));
      default:
        throw new InvalidArgumentError("format must be 'v1', 'v2', 'v1j' or 'v2j'");
    }
  }

  /** The raw binary form (no base64). */
  toBytes(format: 'v1' | 'v2' = this[DATA].version === 1 ? 'v1' : 'v2'): Uint8Array {
    if (format === 'v1') return encodeV1(this[DATA]);
    if (format === 'v2') return encodeV2(this[DATA]);
    throw new InvalidArgumentError("binary format must be 'v1' or 'v2'");
  }

  /** `JSON.stringify(m)` gives the macaroon's JSON form for its version. */
  toJSON(): Record<string, unknown> {
    return this[DATA].version === 1 ? toJsonV1(this[DATA]) : toJsonV2(this[DATA]);
  }

  /**
   * The libmacaroons inspect text: one `key value` line per packet, the vid as base64url and the signature
   * as hex. A field that is not printable UTF-8 is shown as `base64:` and its base64url.
   */
  inspect(): string {
    const d = this[DATA];
    // Locations are strings but as untrusted as any field: a newline in one must not forge lines either.
    const lines = [`location ${printable(utf8Encode(d.location))}`, `identifier ${printable(d.identifier)}`];
    for (const c of d.caveats) {
      lines.push(`cid ${printable(c.identifier)}`);
      if (c.verificationId) {
        lines.push(`vid ${base64UrlEncode(c.verificationId)}`);
        lines.push(`cl ${printable(utf8Encode(c.location ?? ''))}`);
      }
    }
    lines.push(`signature ${bytesToHex(d.signature)}`);
    return `${lines.join('\n')}\n`;
  }

  /**
   * What `console.log(m)` and `util.inspect(m)` show (Node, Deno and Bun call this method): the
   * location, the identifier and the caveats, never the signature, which is as good as the token.
   * Fields that are not printable UTF-8 are shown as `base64:…`.
   *
   * @example
   * ```ts
   * console.log(Macaroon.create('https://api.example/', 'key', 'user-42').addFirstPartyCaveat('account = 42'));
   * // Macaroon { location: 'https://api.example/', identifier: 'user-42', caveats: [ 'account = 42' ] }
   * ```
   */
  [Symbol.for('nodejs.util.inspect.custom')](
    _depth?: number,
    options?: unknown,
    inspect?: (value: unknown, options?: unknown) => string,
  ): string {
    const d = this[DATA];
    const view = {
      location: printable(utf8Encode(d.location)),
      identifier: printable(d.identifier),
      caveats: d.caveats.map((c) =>
        c.verificationId
          ? { thirdParty: printable(utf8Encode(c.location ?? '')), identifier: printable(c.identifier) }
          : printable(c.identifier),
      ),
    };
    // Node hands its own inspect over (no node:util import here, the core runs everywhere).
    const body = inspect ? inspect(view, options) : JSON.stringify(view);
    return `Macaroon ${body}`;
  }

  /**
   * Same identifier, caveats (identifiers and verification ids, in order) and signature. Locations, of
   * the macaroon and of its caveats, are hints that no signature covers, and the version only picks a
   * wire format: neither counts.
   *
   * @example
   * ```ts
   * const key = crypto.getRandomValues(new Uint8Array(32));
   * const a = Macaroon.create('https://a.example/', key, 'id').addFirstPartyCaveat('account = 42');
   * const b = Macaroon.deserialize(JSON.stringify({ ...a.toJSON(), l: 'https://b.example/' }));
   * a.equals(b); // true: only the location differs
   * ```
   */
  equals(other: Macaroon): boolean {
    if (!(other instanceof Macaroon)) return false;
    const a = this[DATA];
    const b = other[DATA];
    if (
      a.caveats.length !== b.caveats.length ||
      !bytesEqual(a.identifier, b.identifier) ||
      !bytesEqual(a.signature, b.signature)
    ) {
      return false;
    }
    return a.caveats.every((c, i) => {
      const d = b.caveats[i] as CaveatData;
      return bytesEqual(c.identifier, d.identifier) && bytesEqual(vidOf(c), vidOf(d));
    });
  }
}

const NO_VID = new Uint8Array(0);

/** A first-party caveat has no verification id; an empty one means the same (the codecs drop it). */
function vidOf(c: CaveatData): Uint8Array {
  return c.verificationId ?? NO_VID;
}

function printable(bytes: Uint8Array): string {
  const text = printableText(bytes);
  if (text !== undefined) return text;
  return `base64:${base64UrlEncode(bytes)}`;
}

/**
 * addThirdPartyCaveat with a caller-chosen nonce. Not exported from the package: a repeated nonce under
 * the same signature would reveal caveat keys. Tests use it to reproduce the zero-nonce vectors of
 * libmacaroons and pymacaroons.
 */
export function addThirdPartyCaveatWithNonce(
  m: Macaroon,
  location: string,
  caveatKey: string | Uint8Array,
  identifier: string | Uint8Array,
  nonce: Uint8Array,
): Macaroon {
  const cl = requireString(location, 'location');
  const key = toBytes(caveatKey, 'caveatKey');
  const cid = toBytes(identifier, 'identifier');
  const d = macaroonData(m);
  const vid = sealVerificationId(d.signature, deriveKey(key), nonce);
  return Macaroon.fromData({
    ...d,
    caveats: [...d.caveats, { identifier: cid, verificationId: vid, location: cl }],
    signature: hash2(d.signature, vid, cid),
  });
}
