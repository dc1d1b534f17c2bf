/**
 * Format detection: one entry point that accepts every form a peer writes. Binary forms are recognised by
 * their first byte (0x02 for V2, a hex length digit for V1 packets), text by its first character (`{`
 * JSON, otherwise base64 of a binary form). See docs/wire-formats.md#detecting-the-format.
 */
import { describeType, utf8DecodeStrict } from '../bytes.js';
import { DecodeError } from '../errors.js';
import { checkTokenSize, DEFAULT_LIMITS, type Limits } from '../limits.js';
import type { MacaroonData } from '../model.js';
import { base64Decode } from './base64.js';
import { fromJsonObject, parseJson } from './json.js';
import { decodeV1, looksLikeV1 } from './v1.js';
import { decodeV2 } from './v2.js';

/**
 * The wire format of one macaroon: `v1` and `v2` binary (serialized as base64url), `v1j` and `v2j` JSON.
 *
 * @example
 * ```ts
 * const formats: Format[] = ['v1', 'v2', 'v1j', 'v2j'];
 * for (const f of formats) Macaroon.deserialize(macaroon.serialize(f)); // each read back, format detected
 * ```
 */
export type Format = 'v1' | 'v2' | 'v1j' | 'v2j';

/** Decodes one binary macaroon (V1 packets or V2) at `start`; returns it and where it ended. */
export function decodeBinaryAt(
  bytes: Uint8Array,
  start: number,
  limits: Limits = DEFAULT_LIMITS,
): { macaroon: MacaroonData; end: number } {
  if (bytes[start] === 2) return decodeV2(bytes, start, limits);
  if (looksLikeV1(bytes.subarray(start))) return decodeV1(bytes, start, limits);
  throw new DecodeError(`no binary macaroon at offset ${start} (neither V2 nor V1 packets)`);
}

function decodeWholeBinary(bytes: Uint8Array, limits: Limits): MacaroonData {
  const { macaroon, end } = decodeBinaryAt(bytes, 0, limits);
  if (end !== bytes.length) {
    throw new DecodeError(
      `${bytes.length - end} unexpected bytes after the macaroon (a bundle? use deserializeBundle)`,
    );
  }
  return macaroon;
}

function firstNonSpace(text: string): string {
  return text.trimStart().charAt(0);
}

/** Decodes a single macaroon in any supported format. */
export function decodeAny(data: string | Uint8Array, limits: Limits = DEFAULT_LIMITS): MacaroonData {
  if (typeof data === 'string') {
    checkTokenSize(data.length, limits);
    const first = firstNonSpace(data);
    if (first === '{') return fromJsonObject(parseJson(data), limits);
    if (first === '[') throw new DecodeError('this is a JSON array of macaroons; use deserializeBundle');
    if (first === '') throw new DecodeError('empty macaroon');
    return decodeWholeBinary(base64Decode(data, 'macaroon base64'), limits);
  }
  if (!(data instanceof Uint8Array)) {
    throw new DecodeError(`a macaroon must be a string or a Uint8Array, got ${describeType(data)}`);
  }
  checkTokenSize(data.length, limits);
  if (data.length === 0) throw new DecodeError('empty macaroon');
  if (data[0] === 2 || looksLikeV1(data)) return decodeWholeBinary(data, limits);
  // Bytes may also hold the text forms (a file or an HTTP body read as bytes).
  const text = utf8DecodeStrict(data);
  if (text === undefined) throw new DecodeError('not a macaroon: unrecognised binary data');
  return decodeAny(text, limits);
}
