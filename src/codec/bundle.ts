/**
 * Bundles: a root macaroon with its discharges, in the forms the peers exchange them.
 * - binary: go-macaroon's Slice, each macaroon's binary form (V1 or V2) concatenated, as base64url;
 * - json: a JSON array of macaroon objects (go, js-macaroon; macaroon-bakery's HTTP form is the standard
 *   padded base64 of that array, in `Macaroons` headers and `macaroon-*` cookies).
 * docs/wire-formats.md#bundles-a-root-with-its-discharges says who writes which.
 */
import { concatBytes, describeType, utf8DecodeStrict, utf8Encode } from '../bytes.js';
import { DecodeError, LimitExceededError } from '../errors.js';
import { checkTokenSize, DEFAULT_LIMITS, type Limits } from '../limits.js';
import { type MacaroonData, SIGNATURE_LENGTH } from '../model.js';
import { base64Decode, base64StdEncode, base64UrlEncode } from './base64.js';
import { decodeBinaryAt } from './detect.js';
import { fromJsonObject, parseJson, toJsonV1, toJsonV2 } from './json.js';
import { encodeV1 } from './v1.js';
import { encodeV2 } from './v2.js';
import { FIELD_SIGNATURE, V2Framing } from './v2-framing.js';

/**
 * How a bundle (a root macaroon and its discharges) is written: `binary` (V2 macaroons back to back,
 * base64url, as go-macaroon's Slice), `json` (a JSON array) or `bakery` (base64 of the JSON array, as
 * httpbakery's `Macaroons` header and cookies).
 *
 * @example
 * ```ts
 * const format: BundleFormat = 'bakery';
 * const header = Macaroon.serializeBundle([macaroon, ...discharges], format);
 * Macaroon.deserializeBundle(header); // [macaroon, ...discharges], whichever format
 * ```
 */
export type BundleFormat = 'binary' | 'json' | 'bakery';

export function encodeBinaryBundle(list: readonly MacaroonData[]): Uint8Array {
  return concatBytes(...list.map((m) => (m.version === 1 ? encodeV1(m) : encodeV2(m))));
}

function jsonArray(list: readonly MacaroonData[]): string {
  return JSON.stringify(list.map((m) => (m.version === 1 ? toJsonV1(m) : toJsonV2(m))));
}

export function encodeBundle(list: readonly MacaroonData[], format: BundleFormat): string {
  switch (format) {
    case 'binary':
      return base64UrlEncode(encodeBinaryBundle(list));
    case 'json':
      return jsonArray(list);
    case 'bakery':
      return base64StdEncode(utf8Encode(jsonArray(list)));
  }
}

function decodeBinaryBundle(bytes: Uint8Array, limits: Limits): MacaroonData[] {
  const out: MacaroonData[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    checkBundleCount(out.length + 1, limits);
    const { macaroon, end } = decodeBinaryAt(bytes, pos, limits);
    out.push(macaroon);
    pos = end;
  }
  return out;
}

function decodeJsonBundle(value: unknown, limits: Limits): MacaroonData[] {
  if (!Array.isArray(value)) return [fromJsonObject(value, limits)];
  checkBundleCount(value.length, limits);
  return value.map((item) => fromJsonObject(item, limits));
}

/** A bundle is a root and its discharges: at most maxDischarges + 1 macaroons. */
function checkBundleCount(count: number, limits: Limits): void {
  if (count > limits.maxDischarges + 1) {
    throw new LimitExceededError(`bundle holds more than ${limits.maxDischarges} discharges`);
  }
}

/** Decodes a bundle in any of the forms above (or a single macaroon, as a bundle of one). */
export function decodeBundle(data: string | Uint8Array, limits: Limits = DEFAULT_LIMITS): MacaroonData[] {
  let bytes: Uint8Array;
  if (typeof data === 'string') {
    checkTokenSize(data.length, limits);
    const first = data.trimStart().charAt(0);
    if (first === '[' || first === '{') return nonEmpty(decodeJsonBundle(parseJson(data), limits));
    if (first === '') throw new DecodeError('empty bundle');
    bytes = base64Decode(data, 'bundle base64');
  } else if (data instanceof Uint8Array) {
    checkTokenSize(data.length, limits);
    bytes = data;
  } else {
    throw new DecodeError(`a bundle must be a string or a Uint8Array, got ${describeType(data)}`);
  }
  if (bytes.length === 0) throw new DecodeError('empty bundle');
  if (bytes[0] === 0x5b /* [ */ || bytes[0] === 0x7b /* { */) {
    const text = utf8DecodeStrict(bytes);
    if (text === undefined) throw new DecodeError('bundle JSON is not valid UTF-8');
    return nonEmpty(decodeJsonBundle(parseJson(text), limits));
  }
  return decodeBinaryBundle(bytes, limits);
}

function nonEmpty(list: MacaroonData[]): MacaroonData[] {
  if (list.length === 0) throw new DecodeError('empty bundle');
  return list;
}

/**
 * Where the V2 macaroon starting at `start` ends, by its framing alone; undefined where the codec would
 * throw on the framing or the limits (field size, caveat count), so the full decoder then says which.
 */
function v2End(f: V2Framing, start: number, limits: Limits): number | undefined {
  const bytes = f.bytes;
  if (bytes[start] !== 2) return undefined;
  f.reset(bytes, start + 1, bytes.length);
  // The header section, then caveat sections up to the empty one that ends them.
  for (let section = 0; ; section++) {
    let last = 0;
    for (;;) {
      if (!f.field(last, limits.maxFieldBytes)) return undefined;
      if (f.type === 0) break;
      last = f.type;
      f.pos += f.length;
    }
    if (last === 0 && section > 0) break;
    if (section > limits.maxCaveats) return undefined;
  }
  if (f.varint() !== FIELD_SIGNATURE || f.varint() !== SIGNATURE_LENGTH || f.pos + 32 > f.end)
    return undefined;
  return f.pos + 32;
}

/**
 * Splits a go-macaroon Slice of V2 macaroons (base64 text or bytes) into each macaroon's bytes, without
 * decoding them, so a batch verifier can take them as serialized tokens. Returns undefined for anything
 * else (JSON, V1, broken framing, over the limits): the caller then decodes it the full way, which
 * reports what is wrong.
 */
export function splitBinaryBundle(
  data: string | Uint8Array,
  limits: Limits = DEFAULT_LIMITS,
): Uint8Array[] | undefined {
  if (data.length === 0 || data.length > limits.maxTokenBytes) return undefined;
  let bytes: Uint8Array;
  if (typeof data === 'string') {
    const first = data.charCodeAt(0);
    if (first === 0x5b /* [ */ || first === 0x7b /* { */) return undefined;
    try {
      bytes = base64Decode(data);
    } catch {
      return undefined;
    }
  } else {
    bytes = data;
  }
  const parts: Uint8Array[] = [];
  const framing = new V2Framing(bytes);
  let pos = 0;
  while (pos < bytes.length) {
    if (parts.length > limits.maxDischarges) return undefined;
    const end = v2End(framing, pos, limits);
    if (end === undefined) return undefined;
    parts.push(bytes.subarray(pos, end));
    pos = end;
  }
  return parts.length > 0 ? parts : undefined;
}
