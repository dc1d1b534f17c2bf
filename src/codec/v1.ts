/**
 * V1 binary: libmacaroons packets. Each packet is 4 hex digits giving the whole packet length, the key, a
 * space, the raw value and a newline. See docs/wire-formats.md#v1-binary-packets.
 */
import { bytesEqual, concatBytes, utf8DecodeStrict, utf8Encode } from '../bytes.js';
import { DecodeError, EncodeError } from '../errors.js';
import { checkCaveatCount, checkFieldSize, DEFAULT_LIMITS, type Limits } from '../limits.js';
import { type CaveatData, type MacaroonData, SIGNATURE_LENGTH } from '../model.js';

const MAX_PACKET = 0xffff;
const HEADER = 4;

const KEY_LOCATION = utf8Encode('location');
const KEY_IDENTIFIER = utf8Encode('identifier');
const KEY_CID = utf8Encode('cid');
const KEY_VID = utf8Encode('vid');
const KEY_CL = utf8Encode('cl');
const KEY_SIGNATURE = utf8Encode('signature');

const HEX = '0123456789abcdef';

function packet(key: Uint8Array, value: Uint8Array, name: string): Uint8Array {
  const size = HEADER + key.length + 1 + value.length + 1;
  if (size > MAX_PACKET)
    throw new EncodeError(`${name} is too long for the V1 format (${value.length} bytes)`);
  const out = new Uint8Array(size);
  for (let i = 0; i < HEADER; i++) out[i] = HEX.charCodeAt((size >> (12 - 4 * i)) & 15);
  out.set(key, HEADER);
  out[HEADER + key.length] = 0x20;
  out.set(value, HEADER + key.length + 1);
  out[size - 1] = 0x0a;
  return out;
}

/**
 * V1 carries identifiers as text in its JSON form and in go-macaroon and js-macaroon, which refuse
 * non-UTF-8 V1 identifiers; we refuse to write one rather than emit a token half the peers reject.
 */
function requireUtf8(bytes: Uint8Array, name: string): void {
  if (utf8DecodeStrict(bytes) === undefined) {
    throw new EncodeError(`${name} is not valid UTF-8, which the V1 format cannot carry; use V2`);
  }
}

export function encodeV1(m: MacaroonData): Uint8Array {
  requireUtf8(m.identifier, 'the identifier');
  const packets: Uint8Array[] = [
    // libmacaroons always writes the location packet, even when empty.
    packet(KEY_LOCATION, utf8Encode(m.location), 'the location'),
    packet(KEY_IDENTIFIER, m.identifier, 'the identifier'),
  ];
  m.caveats.forEach((c, i) => {
    requireUtf8(c.identifier, `caveat ${i} identifier`);
    packets.push(packet(KEY_CID, c.identifier, `caveat ${i} identifier`));
    // A third-party caveat gets its vid and always a cl packet, even an empty one (`0008cl \n`), as
    // libmacaroons 0.3 and go-macaroon write it; a first-party caveat gets neither.
    if (c.verificationId && c.verificationId.length > 0) {
      packets.push(packet(KEY_VID, c.verificationId, `caveat ${i} verification id`));
      packets.push(packet(KEY_CL, utf8Encode(c.location ?? ''), `caveat ${i} location`));
    }
  });
  packets.push(packet(KEY_SIGNATURE, m.signature, 'the signature'));
  return concatBytes(...packets);
}

interface Packet {
  key: Uint8Array;
  value: Uint8Array;
  end: number;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function readPacket(data: Uint8Array, start: number): Packet {
  if (start + HEADER > data.length) throw new DecodeError(`V1 packet at offset ${start} is truncated`);
  let size = 0;
  for (let i = 0; i < HEADER; i++) {
    const d = hexDigit(data[start + i] as number);
    if (d < 0) throw new DecodeError(`V1 packet at offset ${start} has a bad length header`);
    size = (size << 4) | d;
  }
  const end = start + size;
  if (size < HEADER + 2 || end > data.length) {
    throw new DecodeError(`V1 packet at offset ${start} has a length (${size}) that does not fit the data`);
  }
  if (data[end - 1] !== 0x0a) throw new DecodeError(`V1 packet at offset ${start} does not end in a newline`);
  const space = data.indexOf(0x20, start + HEADER);
  if (space < 0 || space >= end - 1)
    throw new DecodeError(`V1 packet at offset ${start} has no key separator`);
  return { key: data.subarray(start + HEADER, space), value: data.subarray(space + 1, end - 1), end };
}

/** True when the bytes start like a V1 packet stream (4 hex digits, then `location ` or `identifier `). */
export function looksLikeV1(data: Uint8Array): boolean {
  if (data.length < HEADER + 9) return false;
  for (let i = 0; i < HEADER; i++) if (hexDigit(data[i] as number) < 0) return false;
  const head = data.subarray(HEADER, HEADER + 11);
  return startsWith(head, KEY_LOCATION) || startsWith(head, KEY_IDENTIFIER);
}

function startsWith(data: Uint8Array, prefix: Uint8Array): boolean {
  return (
    data.length > prefix.length &&
    bytesEqual(data.subarray(0, prefix.length), prefix) &&
    data[prefix.length] === 0x20
  );
}

function text(value: Uint8Array, name: string): string {
  const s = utf8DecodeStrict(value);
  if (s === undefined) throw new DecodeError(`V1 ${name} is not valid UTF-8`);
  return s;
}

/**
 * Decodes one V1 macaroon from the start of `data`; returns it and the number of bytes it used, so that
 * a bundle can hold several. Packet order as libmacaroons writes it: location, identifier, caveats
 * (cid [vid] [cl]), signature. Unknown keys are an error: silently dropping one would change meaning.
 */
export function decodeV1(
  data: Uint8Array,
  start = 0,
  limits: Limits = DEFAULT_LIMITS,
): { macaroon: MacaroonData; end: number } {
  let pos = start;
  let p = readPacket(data, pos);
  let location = '';
  if (bytesEqual(p.key, KEY_LOCATION)) {
    checkFieldSize(p.value.length, limits, 'V1 location');
    location = text(p.value, 'location');
    pos = p.end;
    p = readPacket(data, pos);
  }
  if (!bytesEqual(p.key, KEY_IDENTIFIER)) throw new DecodeError('V1 macaroon has no identifier packet');
  checkFieldSize(p.value.length, limits, 'V1 identifier');
  const identifier = p.value.slice();
  pos = p.end;

  const caveats: CaveatData[] = [];
  let current: { identifier: Uint8Array; verificationId?: Uint8Array; location?: string } | undefined;
  const flush = () => {
    if (!current) return;
    // A caveat is third-party exactly when it has a verification id; a location alone is meaningless.
    if (current.verificationId) caveats.push({ ...current, location: current.location ?? '' });
    else if (current.location) throw new DecodeError('V1 caveat has a location but no verification id');
    else caveats.push({ identifier: current.identifier });
    current = undefined;
  };
  for (;;) {
    p = readPacket(data, pos);
    pos = p.end;
    if (bytesEqual(p.key, KEY_SIGNATURE)) {
      flush();
      if (p.value.length !== SIGNATURE_LENGTH) {
        throw new DecodeError(`V1 signature has ${p.value.length} bytes, expected ${SIGNATURE_LENGTH}`);
      }
      return {
        macaroon: { version: 1, location, identifier, caveats, signature: p.value.slice() },
        end: pos,
      };
    }
    checkFieldSize(p.value.length, limits, 'V1 field');
    if (bytesEqual(p.key, KEY_CID)) {
      flush();
      checkCaveatCount(caveats.length + 1, limits);
      current = { identifier: p.value.slice() };
    } else if (bytesEqual(p.key, KEY_VID)) {
      if (!current || current.verificationId || current.location !== undefined) {
        throw new DecodeError('V1 vid packet out of place');
      }
      if (p.value.length > 0) current.verificationId = p.value.slice();
    } else if (bytesEqual(p.key, KEY_CL)) {
      if (!current || current.location !== undefined) throw new DecodeError('V1 cl packet out of place');
      current.location = text(p.value, 'caveat location');
    } else {
      throw new DecodeError('V1 macaroon has an unknown packet key');
    }
  }
}
