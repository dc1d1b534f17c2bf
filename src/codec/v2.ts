/**
 * V2 binary: version byte 2, then sections of fields (varint type, varint length, bytes), each section
 * ended by a 0 byte (docs/wire-formats.md#v2-binary, libmacaroons' doc/format.txt). The framing is read
 * by ./v2-framing.ts, as everywhere else.
 */
import { utf8DecodeStrict, utf8Encode } from '../bytes.js';
import { DecodeError } from '../errors.js';
import { checkCaveatCount, checkFieldSize, DEFAULT_LIMITS, type Limits } from '../limits.js';
import { type CaveatData, type MacaroonData, SIGNATURE_LENGTH } from '../model.js';
import { FIELD_IDENTIFIER, FIELD_LOCATION, FIELD_SIGNATURE, FIELD_VID, V2Framing } from './v2-framing.js';

const VERSION_BYTE = 2;
const FIELD_EOS = 0;

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

class Writer {
  readonly bytes: Uint8Array;
  pos = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
  }
  byte(b: number): void {
    this.bytes[this.pos++] = b;
  }
  varint(n: number): void {
    while (n >= 0x80) {
      this.byte((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    this.byte(n);
  }
  field(type: number, value: Uint8Array): void {
    this.byte(type);
    this.varint(value.length);
    this.bytes.set(value, this.pos);
    this.pos += value.length;
  }
}

function fieldSize(value: Uint8Array): number {
  return 1 + varintSize(value.length) + value.length;
}

export function encodeV2(m: MacaroonData): Uint8Array {
  // Empty locations and vids are omitted, as libmacaroons, go-macaroon and js-macaroon do.
  const location = m.location ? utf8Encode(m.location) : undefined;
  const caveatLocations = m.caveats.map((c) => (c.location ? utf8Encode(c.location) : undefined));
  let size = 1 + (location ? fieldSize(location) : 0) + fieldSize(m.identifier) + 1;
  m.caveats.forEach((c, i) => {
    const cl = caveatLocations[i];
    size += (cl ? fieldSize(cl) : 0) + fieldSize(c.identifier) + 1;
    if (c.verificationId && c.verificationId.length > 0) size += fieldSize(c.verificationId);
  });
  size += 1 + fieldSize(m.signature);

  const w = new Writer(size);
  w.byte(VERSION_BYTE);
  if (location) w.field(FIELD_LOCATION, location);
  w.field(FIELD_IDENTIFIER, m.identifier);
  w.byte(FIELD_EOS);
  m.caveats.forEach((c, i) => {
    const cl = caveatLocations[i];
    if (cl) w.field(FIELD_LOCATION, cl);
    w.field(FIELD_IDENTIFIER, c.identifier);
    if (c.verificationId && c.verificationId.length > 0) w.field(FIELD_VID, c.verificationId);
    w.byte(FIELD_EOS);
  });
  w.byte(FIELD_EOS);
  w.field(FIELD_SIGNATURE, m.signature);
  return w.bytes;
}

interface Field {
  type: number;
  value: Uint8Array;
  /** Where the field's header starts in the input. */
  offset: number;
}

/**
 * The decoder's error for a framing read that failed (`what`: the section, or the varint read alone).
 * `at` is the byte offset where the failed read started, named in the message so that a person (or the
 * playground) can find the broken byte.
 */
function framingError(f: V2Framing, what: string, limits: Limits, at: number): never {
  const varint = f.part === undefined ? what : `${what} field ${f.part}`;
  switch (f.error) {
    case 'truncated':
      throw new DecodeError(`V2 macaroon truncated in ${varint} at offset ${at}`);
    case 'too-large':
      throw new DecodeError(`V2 ${varint} is too large at offset ${at}`);
    case 'out-of-order':
      throw new DecodeError(`V2 ${what} has fields out of order at offset ${at}`);
    case 'value-truncated':
      throw new DecodeError(`V2 ${what} field is truncated at offset ${at}`);
    default:
      checkFieldSize(f.length, limits, `V2 ${what} field`);
      throw new DecodeError(`V2 ${what} field is malformed at offset ${at}`);
  }
}

/** Reads one section: fields with strictly increasing types, up to and including the end marker. */
function section(f: V2Framing, what: string, limits: Limits): Field[] {
  const fields: Field[] = [];
  let last = 0;
  for (;;) {
    const offset = f.pos;
    if (!f.field(last, limits.maxFieldBytes)) framingError(f, what, limits, offset);
    if (f.type === FIELD_EOS) return fields;
    last = f.type;
    fields.push({ type: f.type, value: f.bytes.subarray(f.pos, f.pos + f.length), offset });
    f.pos += f.length;
  }
}

/** One varint read alone (the signature's header), named `what` in errors. */
function varint(f: V2Framing, what: string, limits: Limits): number {
  const at = f.pos;
  const n = f.varint();
  if (n < 0) {
    f.part = undefined;
    framingError(f, what, limits, at);
  }
  return n;
}

function location(field: Field, what: string): string {
  const s = utf8DecodeStrict(field.value);
  if (s === undefined)
    throw new DecodeError(`V2 ${what} location is not valid UTF-8 at offset ${field.offset}`);
  return s;
}

/**
 * Decodes one V2 macaroon starting at `start`; returns it and where it ended, so that a bundle (go's
 * Slice) can hold several. Rules as go-macaroon's reader, which is the strictest of the peers.
 */
export function decodeV2(
  data: Uint8Array,
  start = 0,
  limits: Limits = DEFAULT_LIMITS,
): { macaroon: MacaroonData; end: number } {
  if (data[start] !== VERSION_BYTE) {
    throw new DecodeError(`not a V2 binary macaroon (bad version byte at offset ${start})`);
  }
  const f = new V2Framing(data).reset(data, start + 1, data.length);

  let loc = '';
  let identifier: Uint8Array | undefined;
  const headerAt = f.pos;
  for (const field of section(f, 'header', limits)) {
    if (field.type === FIELD_LOCATION) loc = location(field, 'macaroon');
    else if (field.type === FIELD_IDENTIFIER) identifier = field.value.slice();
    else
      throw new DecodeError(`V2 header has an unexpected field type ${field.type} at offset ${field.offset}`);
  }
  if (!identifier) throw new DecodeError(`V2 header has no identifier (header at offset ${headerAt})`);

  const caveats: CaveatData[] = [];
  for (;;) {
    const caveatAt = f.pos;
    const fields = section(f, 'caveat', limits);
    if (fields.length === 0) break;
    checkCaveatCount(caveats.length + 1, limits);
    let cl: string | undefined;
    let cid: Uint8Array | undefined;
    let vid: Uint8Array | undefined;
    for (const field of fields) {
      if (field.type === FIELD_LOCATION) cl = location(field, 'caveat');
      else if (field.type === FIELD_IDENTIFIER) cid = field.value.slice();
      else if (field.type === FIELD_VID) vid = field.value.slice();
      else
        throw new DecodeError(
          `V2 caveat has an unexpected field type ${field.type} at offset ${field.offset}`,
        );
    }
    if (!cid) throw new DecodeError(`V2 caveat has no identifier (caveat at offset ${caveatAt})`);
    if (vid && vid.length > 0) caveats.push({ identifier: cid, verificationId: vid, location: cl ?? '' });
    else if (cl) throw new DecodeError(`V2 first-party caveat has a location (caveat at offset ${caveatAt})`);
    else caveats.push({ identifier: cid });
  }

  const signatureAt = f.pos;
  const type = varint(f, 'signature field type', limits);
  if (type !== FIELD_SIGNATURE)
    throw new DecodeError(`V2 macaroon has no signature field at offset ${signatureAt}`);
  const length = varint(f, 'signature length', limits);
  if (length !== SIGNATURE_LENGTH) {
    throw new DecodeError(`V2 signature has ${length} bytes, expected 32 (at offset ${signatureAt})`);
  }
  if (f.pos + length > data.length)
    throw new DecodeError(`V2 signature is truncated at offset ${signatureAt}`);
  const signature = data.slice(f.pos, f.pos + length);
  return {
    macaroon: { version: 2, location: loc, identifier, caveats, signature },
    end: f.pos + length,
  };
}
