/**
 * V1 and V2 JSON. We write the field order and string-or-base64 choices of js-macaroon (a field is a
 * string when its bytes are valid UTF-8, otherwise `…64` base64url), so our output equals its output.
 * We read what every peer writes. See docs/wire-formats.md#json and docs/peers.md.
 */
import { bytesToHex, describeType, hexToBytes, utf8DecodeStrict, utf8Encode } from '../bytes.js';
import { DecodeError, EncodeError } from '../errors.js';
import {
  checkCaveatCount,
  checkFieldSize,
  checkLocationSize,
  DEFAULT_LIMITS,
  type Limits,
} from '../limits.js';
import { type CaveatData, type MacaroonData, SIGNATURE_LENGTH } from '../model.js';
import { base64Decode, base64UrlEncode } from './base64.js';

type JsonObject = Record<string, unknown>;

function setBinaryField(obj: JsonObject, key: string, value: Uint8Array): void {
  const text = utf8DecodeStrict(value);
  if (text !== undefined) obj[key] = text;
  else obj[`${key}64`] = base64UrlEncode(value);
}

export function toJsonV2(m: MacaroonData): JsonObject {
  const obj: JsonObject = { v: 2 };
  setBinaryField(obj, 's', m.signature);
  setBinaryField(obj, 'i', m.identifier);
  if (m.location) obj.l = m.location;
  if (m.caveats.length > 0) {
    obj.c = m.caveats.map((c) => {
      const cav: JsonObject = {};
      setBinaryField(cav, 'i', c.identifier);
      if (c.verificationId) {
        setBinaryField(cav, 'v', c.verificationId);
        cav.l = c.location ?? '';
      }
      return cav;
    });
  }
  return obj;
}

function utf8Field(bytes: Uint8Array, name: string): string {
  const s = utf8DecodeStrict(bytes);
  if (s === undefined)
    throw new EncodeError(`${name} is not valid UTF-8, which V1 JSON cannot carry; use V2`);
  return s;
}

export function toJsonV1(m: MacaroonData): JsonObject {
  const obj: JsonObject = {
    identifier: utf8Field(m.identifier, 'the identifier'),
    signature: bytesToHex(m.signature),
  };
  if (m.location) obj.location = m.location;
  if (m.caveats.length > 0) {
    obj.caveats = m.caveats.map((c, i) => {
      const cav: JsonObject = { cid: utf8Field(c.identifier, `caveat ${i} identifier`) };
      if (c.verificationId) {
        cav.vid = base64UrlEncode(c.verificationId);
        cav.cl = c.location ?? '';
      }
      return cav;
    });
  }
  return obj;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(obj: JsonObject, key: string, what: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new DecodeError(`${what} "${key}" must be a string, got ${describeType(value)}`);
  return value;
}

/** Reads `key` (text) or `key64` (base64) as bytes; both at once is ambiguous and refused, as go does. */
function binaryField(
  obj: JsonObject,
  key: string,
  what: string,
  required: boolean,
  limits: Limits,
): Uint8Array | undefined {
  const text = optionalString(obj, key, what);
  const b64 = optionalString(obj, `${key}64`, what);
  if (text !== undefined && b64 !== undefined) {
    throw new DecodeError(`${what} has both "${key}" and "${key}64"`);
  }
  let bytes: Uint8Array | undefined;
  if (text !== undefined) bytes = utf8Encode(text);
  else if (b64 !== undefined) bytes = base64Decode(b64, `${what} "${key}64"`);
  else if (required) throw new DecodeError(`${what} has no "${key}" or "${key}64" field`);
  if (bytes) checkFieldSize(bytes.length, limits, `${what} "${key}"`);
  return bytes;
}

/** A location (`l`, `location`, `cl`): text, bounded like every other field by its UTF-8 length. */
function locationField(obj: JsonObject, key: string, what: string, limits: Limits): string | undefined {
  const value = optionalString(obj, key, what);
  if (value !== undefined) checkLocationSize(value, limits, `${what} "${key}"`);
  return value;
}

function caveatsArray(obj: JsonObject, key: string, limits: Limits): unknown[] {
  const list = obj[key];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list))
    throw new DecodeError(`macaroon JSON "${key}" must be an array, got ${describeType(list)}`);
  checkCaveatCount(list.length, limits);
  return list;
}

function textField(obj: JsonObject, key: string, what: string, limits: Limits): Uint8Array {
  const bytes = utf8Encode(requiredString(obj, key, what));
  checkFieldSize(bytes.length, limits, `${what} "${key}"`);
  return bytes;
}

function signature(bytes: Uint8Array): Uint8Array {
  if (bytes.length !== SIGNATURE_LENGTH) {
    throw new DecodeError(`JSON signature has ${bytes.length} bytes, expected ${SIGNATURE_LENGTH}`);
  }
  return bytes;
}

function thirdOrFirstParty(
  identifier: Uint8Array,
  vid: Uint8Array | undefined,
  location: string | undefined,
  i: number,
): CaveatData {
  if (vid && vid.length > 0) return { identifier, verificationId: vid, location: location ?? '' };
  if (location) throw new DecodeError(`caveat ${i} has a location but no verification id`);
  return { identifier };
}

export function fromJsonV2(obj: JsonObject, limits: Limits = DEFAULT_LIMITS): MacaroonData {
  const v = obj.v;
  // js-macaroon and libmacaroons insist on 2 when present; go and pymacaroons ignore it.
  if (v !== undefined && v !== 2) throw new DecodeError('macaroon JSON "v" must be 2 when present');
  const identifier = binaryField(obj, 'i', 'macaroon JSON', true, limits) as Uint8Array;
  const sig = signature(binaryField(obj, 's', 'macaroon JSON', true, limits) as Uint8Array);
  const location = locationField(obj, 'l', 'macaroon JSON', limits) ?? '';
  const caveats = caveatsArray(obj, 'c', limits).map((c, i) => {
    if (!isObject(c)) throw new DecodeError(`caveat ${i} must be an object, got ${describeType(c)}`);
    const what = `caveat ${i}`;
    // go-macaroon and pymacaroons omit an empty caveat identifier (`"c":[{}]`); go reads that back as empty.
    const cid = binaryField(c, 'i', what, false, limits) ?? new Uint8Array(0);
    const vid = binaryField(c, 'v', what, false, limits);
    return thirdOrFirstParty(cid, vid, locationField(c, 'l', what, limits), i);
  });
  return { version: 2, location, identifier, caveats, signature: sig };
}

function requiredString(obj: JsonObject, key: string, what: string): string {
  const s = optionalString(obj, key, what);
  if (s === undefined) throw new DecodeError(`${what} has no "${key}" field`);
  return s;
}

export function fromJsonV1(obj: JsonObject, limits: Limits = DEFAULT_LIMITS): MacaroonData {
  const identifier = textField(obj, 'identifier', 'macaroon JSON', limits);
  const sigHex = requiredString(obj, 'signature', 'macaroon JSON');
  const sigBytes = hexToBytes(sigHex);
  if (!sigBytes) throw new DecodeError('macaroon JSON "signature" is not hex');
  const location = locationField(obj, 'location', 'macaroon JSON', limits) ?? '';
  const caveats = caveatsArray(obj, 'caveats', limits).map((c, i) => {
    if (!isObject(c)) throw new DecodeError(`caveat ${i} must be an object, got ${describeType(c)}`);
    const what = `caveat ${i}`;
    // pymacaroons omits an empty "cid"; go-macaroon reads a missing one as empty.
    const cid = c.cid === undefined ? new Uint8Array(0) : textField(c, 'cid', what, limits);
    const vidText = optionalString(c, 'vid', what);
    const vid = vidText === undefined ? undefined : base64Decode(vidText, `${what} "vid"`);
    if (vid) checkFieldSize(vid.length, limits, `${what} "vid"`);
    return thirdOrFirstParty(cid, vid, locationField(c, 'cl', what, limits), i);
  });
  return { version: 1, location, identifier, caveats, signature: signature(sigBytes) };
}

const V1_KEYS = ['identifier', 'signature', 'location', 'caveats'];
const V2_KEYS = ['i', 'i64', 's', 's64', 'l', 'c', 'v'];

/** Decides V1 or V2 JSON by which field names appear, as go-macaroon does, and decodes. */
export function fromJsonObject(value: unknown, limits: Limits = DEFAULT_LIMITS): MacaroonData {
  if (!isObject(value)) throw new DecodeError(`macaroon JSON must be an object, got ${describeType(value)}`);
  const v1 = V1_KEYS.some((k) => k in value);
  const v2 = V2_KEYS.some((k) => k in value);
  if (v1 && v2) throw new DecodeError('macaroon JSON mixes V1 and V2 field names');
  if (v1) return fromJsonV1(value, limits);
  if (v2) return fromJsonV2(value, limits);
  throw new DecodeError('macaroon JSON has none of the fields of a macaroon');
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new DecodeError('malformed JSON');
  }
}
