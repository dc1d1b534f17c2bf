/**
 * Third-party caveat identifiers encrypted to the third party's public key, byte for byte as
 * macaroon-bakery writes them (bakery/codec.go, macaroonbakery/bakery/_codec.py):
 *
 *   v1 (bakery 0, 1)  std base64 of {"ThirdPartyPublicKey","FirstPartyPublicKey","Nonce","Id"} where Id is
 *                     std base64 of box(json {"RootKey","Condition"})
 *   v2, v3            version(1) || tpPublic[0:4] || fpPublic(32) || nonce(24) || box(secret)
 *   secret v2         0x02 || uvarint(len rootKey) || rootKey || condition
 *   secret v3         0x03 || uvarint(len rootKey) || rootKey || uvarint(len ns) || ns || condition
 *
 * Decoding checks every length as Go does (Python does not): a truncated or tampered caveat is a
 * CaveatDecodeError, never a short key.
 */
import { bytesEqual, describeType, printableText, utf8DecodeStrict, utf8Encode } from '../bytes.js';
import { base64Decode, base64StdEncode, base64UrlEncode } from '../codec/base64.js';
import { InvalidArgumentError } from '../errors.js';
import { randomBytes } from '../random.js';
import { BOX_OVERHEAD, boxOpen, boxSeal, KEY_LENGTH, NONCE_LENGTH } from './box.js';
import { LEGACY_NAMESPACE, Namespace } from './checkers/namespace.js';
import { CaveatDecodeError } from './errors.js';
import { type KeyPair, PublicKey, privateKeyBytes, publicKeyBytes } from './keys.js';
import type { BakeryVersion } from './versions.js';

const PREFIX_LENGTH = 4;
/** version || key prefix || adder's key || nonce || tag: the shortest v2/v3 caveat. */
const V2_MIN_LENGTH = 1 + PREFIX_LENGTH + KEY_LENGTH + NONCE_LENGTH + BOX_OVERHEAD;
/** Shorter than this with the v3 tag: a short caveat id whose payload was not supplied (Go's rule). */
const V3_MIN_LENGTH = V2_MIN_LENGTH + 1;
/** Bakery's caveat root keys are 24 random bytes. */
export const CAVEAT_ROOT_KEY_LENGTH = 24;

/**
 * What the third party learns from a caveat (bakery's `ThirdPartyCaveatInfo`).
 *
 * @example
 * ```ts
 * const svc = KeyPair.generate(); // the service's key pair
 * const tp = KeyPair.generate(); // the third party's
 * const payload = encodeCaveat({ condition: 'is-user alice', rootKey, thirdPartyPublicKey: tp.public, key: svc, version: 3 });
 * const info: ThirdPartyCaveatInfo = decodeCaveat(tp, payload);
 * info.condition; info.rootKey; info.version;
 * ```
 */
export interface ThirdPartyCaveatInfo {
  /** The condition to check, as text (bakery conditions are UTF-8). */
  readonly condition: string;
  /** The public key of whoever added the caveat. */
  readonly firstPartyPublicKey: PublicKey;
  /** The key pair that decrypted it. */
  readonly thirdPartyKeyPair: KeyPair;
  /** The root key the discharge must be minted with. */
  readonly rootKey: Uint8Array;
  /** The encrypted caveat (the id itself for v1 and v2; the caveat data for v3). */
  readonly caveat: Uint8Array;
  /** 1, 2 or 3: the format of the caveat (1 stands for versions 0 and 1). */
  readonly version: 1 | 2 | 3;
  /** The adder's namespace (v3), or the legacy `std:` namespace. */
  readonly namespace: Namespace;
  /** The caveat id in the macaroon (set by `discharge`; equal to `caveat` for v1 and v2). */
  readonly id: Uint8Array;
}

function appendUvarint(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

/** Go's binary.Uvarint: [value, bytes read]; bytes read 0 when truncated, negative on overflow. */
export function readUvarint(data: Uint8Array, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10 && at + i < data.length; i++) {
    const b = data[at + i] as number;
    if (i === 9 && b > 1) return [0, -(i + 1)];
    value += (b & 0x7f) * scale;
    scale *= 128;
    if (b < 0x80) return [value, i + 1];
  }
  return [0, at + 10 <= data.length ? -11 : 0];
}

/**
 * What encodeCaveat needs; the nonce is random unless given (give one only to reproduce a peer's bytes).
 *
 * @example
 * ```ts
 * const svc = KeyPair.generate(); // the service's key pair
 * const tp = KeyPair.generate(); // the third party's
 * const params: EncodeParams = { condition: 'is-user alice', rootKey, thirdPartyPublicKey: tp.public, key: svc, version: 3 };
 * encodeCaveat(params);
 * ```
 */
export interface EncodeParams {
  /** What the third party must check before it discharges. */
  readonly condition: string;
  /** The caveat's root key: the discharge's root key, sealed for the third party. */
  readonly rootKey: Uint8Array;
  /** The third party's public key, which the caveat id is sealed to. */
  readonly thirdPartyPublicKey: PublicKey;
  /** The service's own key pair (its public key goes into the caveat id). */
  readonly key: KeyPair;
  /** The first-party namespace sent along (version 3; default: bakery's std). */
  readonly namespace?: Namespace | undefined;
  /** The bakery version of the caveat (1: JSON, 2 and 3: binary). */
  readonly version: BakeryVersion;
  /** The 24-byte box nonce (default: random; fixed only to reproduce a vector). */
  readonly nonce?: Uint8Array | undefined;
}

/**
 * Encrypts a condition and a caveat root key to a third party: the caveat id (v1, v2) or the caveat
 * data (v3), as bakery's `encodeCaveat` does for `version` (0 and 1 give v1 ids).
 *
 * @example
 * ```ts
 * const svc = KeyPair.generate(); // the service's key pair
 * const tp = KeyPair.generate(); // the third party's
 * const payload = encodeCaveat({ condition: 'is-user alice', rootKey, thirdPartyPublicKey: tp.public, key: svc, version: 3 });
 * decodeCaveat(tp, payload).condition; // 'is-user alice'
 * ```
 */
export function encodeCaveat(params: EncodeParams): Uint8Array {
  const { condition, rootKey, version } = params;
  if (typeof condition !== 'string')
    throw new InvalidArgumentError(`condition must be a string, got ${describeType(condition)}`);
  if (!(rootKey instanceof Uint8Array)) throw new InvalidArgumentError('rootKey must be a Uint8Array');
  const tp = PublicKey.from(params.thirdPartyPublicKey);
  const nonce = params.nonce ?? randomBytes(NONCE_LENGTH);
  if (nonce.length !== NONCE_LENGTH) throw new InvalidArgumentError(`nonce must be ${NONCE_LENGTH} bytes`);
  const seal = (message: Uint8Array): Uint8Array => {
    const sealed = boxSeal(message, nonce, publicKeyBytes(tp), privateKeyBytes(params.key));
    if (!sealed) throw new InvalidArgumentError('the third party public key is not a usable Curve25519 key');
    return sealed;
  };
  if (version <= 1) {
    const record = JSON.stringify({ RootKey: base64StdEncode(rootKey), Condition: condition });
    const wrapper = JSON.stringify({
      ThirdPartyPublicKey: tp.toString(),
      FirstPartyPublicKey: params.key.public.toString(),
      Nonce: base64StdEncode(nonce),
      Id: base64StdEncode(seal(utf8Encode(record))),
    });
    return utf8Encode(base64StdEncode(utf8Encode(wrapper)));
  }
  const secret: number[] = [version];
  appendUvarint(secret, rootKey.length);
  secret.push(...rootKey);
  if (version >= 3) {
    const ns = utf8Encode(params.namespace ? params.namespace.toString() : '');
    appendUvarint(secret, ns.length);
    secret.push(...ns);
  }
  const secretBytes = new Uint8Array([...secret, ...utf8Encode(condition)]);
  const sealed = seal(secretBytes);
  secretBytes.fill(0);
  const out = new Uint8Array(1 + PREFIX_LENGTH + KEY_LENGTH + NONCE_LENGTH + sealed.length);
  out[0] = version;
  out.set(publicKeyBytes(tp).subarray(0, PREFIX_LENGTH), 1);
  out.set(publicKeyBytes(params.key.public), 1 + PREFIX_LENGTH);
  out.set(nonce, 1 + PREFIX_LENGTH + KEY_LENGTH);
  out.set(sealed, 1 + PREFIX_LENGTH + KEY_LENGTH + NONCE_LENGTH);
  return out;
}

function describeId(bytes: Uint8Array): string {
  const text = printableText(bytes);
  return text !== undefined ? JSON.stringify(text) : `base64:${base64UrlEncode(bytes)}`;
}

/**
 * Decrypts a third-party caveat with the third party's key pair: the caveat id of a v1 or v2 caveat, or
 * the caveat data of a v3 one. Throws CaveatDecodeError (with a `reason`) for anything that is not a
 * caveat for this key pair.
 *
 * @example
 * ```ts
 * const svc = KeyPair.generate(); // the service's key pair
 * const tp = KeyPair.generate(); // the third party's
 * const caveatData = encodeCaveat({ condition: 'is-user alice', rootKey, thirdPartyPublicKey: tp.public, key: svc, version: 3 });
 * const info = decodeCaveat(tp, caveatData);
 * info.condition; info.rootKey; info.version; String(info.firstPartyPublicKey);
 * ```
 */
export function decodeCaveat(key: KeyPair, caveat: Uint8Array): ThirdPartyCaveatInfo {
  if (!(caveat instanceof Uint8Array))
    throw new InvalidArgumentError(`caveat must be a Uint8Array, got ${describeType(caveat)}`);
  if (caveat.length === 0) throw new CaveatDecodeError('empty', 'empty third party caveat');
  switch (caveat[0]) {
    case 2:
      return decodeV2V3(2, key, caveat);
    case 3:
      if (caveat.length < V3_MIN_LENGTH) {
        throw new CaveatDecodeError(
          'payload-missing',
          `caveat id payload not provided for caveat id ${describeId(caveat)}`,
        );
      }
      return decodeV2V3(3, key, caveat);
    case 0x65: // 'e': base64 of a JSON object ('{"' encodes as 'eyJ')
      return decodeV1(key, caveat);
    default:
      throw new CaveatDecodeError('unsupported-version', `caveat has unsupported version ${caveat[0]}`);
  }
}

function jsonKey(value: unknown, what: string): PublicKey {
  try {
    return PublicKey.from(value as string);
  } catch (e) {
    throw new CaveatDecodeError('malformed', `${what} is not a public key`, { cause: e });
  }
}

function strictStdBase64(text: unknown, what: string): Uint8Array {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new CaveatDecodeError('malformed', `cannot base64-decode ${what}`);
  }
  return base64Decode(text, what);
}

function decodeV1(key: KeyPair, caveat: Uint8Array): ThirdPartyCaveatInfo {
  const text = utf8DecodeStrict(caveat);
  const data = strictStdBase64(text, 'caveat');
  let wrapper: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(utf8DecodeStrict(data) ?? '');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    wrapper = parsed as Record<string, unknown>;
  } catch (e) {
    throw new CaveatDecodeError('malformed', 'cannot unmarshal caveat JSON', { cause: e });
  }
  if (wrapper.ThirdPartyPublicKey == null)
    throw new CaveatDecodeError('malformed', 'third party public key not specified');
  const tp = jsonKey(wrapper.ThirdPartyPublicKey, 'ThirdPartyPublicKey');
  if (!tp.equals(key.public)) throw new CaveatDecodeError('public-key-mismatch', 'public key mismatch');
  if (wrapper.FirstPartyPublicKey == null) {
    throw new CaveatDecodeError('malformed', 'target service public key not specified');
  }
  const fp = jsonKey(wrapper.FirstPartyPublicKey, 'FirstPartyPublicKey');
  const sealed = strictStdBase64(wrapper.Id, 'encrypted data');
  const nonce = strictStdBase64(wrapper.Nonce ?? '', 'nonce');
  if (nonce.length < NONCE_LENGTH) throw new CaveatDecodeError('malformed', 'nonce too short');
  const plain = boxOpen(sealed, nonce.subarray(0, NONCE_LENGTH), publicKeyBytes(fp), privateKeyBytes(key));
  if (!plain) throw new CaveatDecodeError('decryption-failed', 'cannot decrypt caveat');
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(utf8DecodeStrict(plain) ?? '') as Record<string, unknown>;
    if (typeof record !== 'object' || record === null) throw new Error('not an object');
  } catch (e) {
    throw new CaveatDecodeError('malformed', 'cannot decode third party caveat record', { cause: e });
  }
  if (typeof record.Condition !== 'string' && record.Condition != null) {
    throw new CaveatDecodeError('malformed', 'caveat record condition is not a string');
  }
  const rootKey = record.RootKey == null ? new Uint8Array(0) : strictStdBase64(record.RootKey, 'root key');
  return Object.freeze({
    condition: (record.Condition as string | null) ?? '',
    firstPartyPublicKey: fp,
    thirdPartyKeyPair: key,
    rootKey,
    caveat: caveat.slice(),
    version: 1,
    namespace: LEGACY_NAMESPACE,
    id: caveat.slice(),
  });
}

function decodeV2V3(version: 2 | 3, key: KeyPair, caveat: Uint8Array): ThirdPartyCaveatInfo {
  if (caveat.length < V2_MIN_LENGTH) throw new CaveatDecodeError('too-short', 'caveat id too short');
  let at = 1;
  const prefix = caveat.subarray(at, at + PREFIX_LENGTH);
  at += PREFIX_LENGTH;
  if (!bytesEqual(prefix, publicKeyBytes(key.public).subarray(0, PREFIX_LENGTH))) {
    throw new CaveatDecodeError('public-key-mismatch', 'public key mismatch');
  }
  const fp = PublicKey.from(caveat.slice(at, at + KEY_LENGTH));
  at += KEY_LENGTH;
  const nonce = caveat.subarray(at, at + NONCE_LENGTH);
  at += NONCE_LENGTH;
  const data = boxOpen(caveat.subarray(at), nonce, publicKeyBytes(fp), privateKeyBytes(key));
  if (!data) throw new CaveatDecodeError('decryption-failed', 'cannot decrypt caveat id');
  try {
    return decodeSecret(version, data, key, fp, caveat);
  } finally {
    data.fill(0);
  }
}

function decodeSecret(
  version: 2 | 3,
  data: Uint8Array,
  key: KeyPair,
  fp: PublicKey,
  caveat: Uint8Array,
): ThirdPartyCaveatInfo {
  const bad = (message: string): CaveatDecodeError =>
    new CaveatDecodeError('malformed', `invalid secret part: ${message}`);
  if (data.length < 1) throw bad('secret part too short');
  if (data[0] !== version) throw bad(`unexpected secret part version, got ${data[0]} want ${version}`);
  let at = 1;
  const [keyLength, n] = readUvarint(data, at);
  if (n <= 0 || n + keyLength > data.length - at) throw bad('invalid root key length');
  at += n;
  const rootKey = data.slice(at, at + keyLength);
  at += keyLength;
  let namespace = LEGACY_NAMESPACE;
  if (version === 3) {
    const [nsLength, m] = readUvarint(data, at);
    if (m <= 0 || m + nsLength > data.length - at) throw bad('invalid namespace length');
    at += m;
    const nsText = utf8DecodeStrict(data.subarray(at, at + nsLength));
    if (nsText === undefined) throw bad('namespace is not UTF-8');
    try {
      namespace = Namespace.parse(nsText);
    } catch (e) {
      throw bad(`cannot unmarshal namespace: ${(e as Error).message}`);
    }
    at += nsLength;
  }
  const condition = utf8DecodeStrict(data.subarray(at));
  if (condition === undefined) throw bad('condition is not UTF-8');
  return Object.freeze({
    condition,
    firstPartyPublicKey: fp,
    thirdPartyKeyPair: key,
    rootKey,
    caveat: caveat.slice(),
    version,
    namespace,
    id: caveat.slice(),
  });
}
