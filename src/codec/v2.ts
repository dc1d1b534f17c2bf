/**
 * V2 binary: version byte 2, then sections of fields (varint type, varint length, bytes), each section
 * ended by a 0 byte. See shared/spec/reference-details.md §4.2 and libmacaroons doc/format.txt.
 */
import { utf8DecodeStrict, utf8Encode } from '../bytes.js';
import { DecodeError } from '../errors.js';
import { checkCaveatCount, checkFieldSize, DEFAULT_LIMITS, type Limits } from '../limits.js';
import { type CaveatData, type MacaroonData, SIGNATURE_LENGTH } from '../model.js';

const VERSION_BYTE = 2;
const FIELD_EOS = 0;
const FIELD_LOCATION = 1;
const FIELD_IDENTIFIER = 2;
const FIELD_VID = 4;
const FIELD_SIGNATURE = 6;
/** go-macaroon's bound: lengths above 2^31-1 are refused before any allocation. */
const MAX_VARINT = 0x7fffffff;

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
}

class Reader {
  pos: number;
  constructor(
    readonly data: Uint8Array,
    start: number,
    readonly limits: Limits,
  ) {
    this.pos = start;
  }

  varint(what: string): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.data.length) throw new DecodeError(`V2 macaroon truncated in ${what}`);
      const b = this.data[this.pos++] as number;
      result += (b & 0x7f) * scale;
      if (result > MAX_VARINT) throw new DecodeError(`V2 ${what} is too large`);
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new DecodeError(`V2 ${what} is too large`);
  }

  /** Reads one section: fields with strictly increasing types, up to and including the end marker. */
  section(what: string): Field[] {
    const fields: Field[] = [];
    let last = 0;
    for (;;) {
      const type = this.varint(`${what} field type`);
      if (type === FIELD_EOS) return fields;
      if (type <= last) throw new DecodeError(`V2 ${what} has fields out of order`);
      last = type;
      const length = this.varint(`${what} field length`);
      if (length > this.data.length - this.pos) throw new DecodeError(`V2 ${what} field is truncated`);
      checkFieldSize(length, this.limits, `V2 ${what} field`);
      fields.push({ type, value: this.data.subarray(this.pos, this.pos + length) });
      this.pos += length;
    }
  }
}

function location(value: Uint8Array, what: string): string {
  const s = utf8DecodeStrict(value);
  if (s === undefined) throw new DecodeError(`V2 ${what} location is not valid UTF-8`);
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
  if (data[start] !== VERSION_BYTE) throw new DecodeError('not a V2 binary macaroon (bad version byte)');
  const r = new Reader(data, start + 1, limits);

  let loc = '';
  let identifier: Uint8Array | undefined;
  for (const f of r.section('header')) {
    if (f.type === FIELD_LOCATION) loc = location(f.value, 'macaroon');
    else if (f.type === FIELD_IDENTIFIER) identifier = f.value.slice();
    else throw new DecodeError(`V2 header has an unexpected field type ${f.type}`);
  }
  if (!identifier) throw new DecodeError('V2 header has no identifier');

  const caveats: CaveatData[] = [];
  for (;;) {
    const fields = r.section('caveat');
    if (fields.length === 0) break;
    checkCaveatCount(caveats.length + 1, limits);
    let cl: string | undefined;
    let cid: Uint8Array | undefined;
    let vid: Uint8Array | undefined;
    for (const f of fields) {
      if (f.type === FIELD_LOCATION) cl = location(f.value, 'caveat');
      else if (f.type === FIELD_IDENTIFIER) cid = f.value.slice();
      else if (f.type === FIELD_VID) vid = f.value.slice();
      else throw new DecodeError(`V2 caveat has an unexpected field type ${f.type}`);
    }
    if (!cid) throw new DecodeError('V2 caveat has no identifier');
    if (vid && vid.length > 0) caveats.push({ identifier: cid, verificationId: vid, location: cl ?? '' });
    else if (cl) throw new DecodeError('V2 first-party caveat has a location');
    else caveats.push({ identifier: cid });
  }

  const type = r.varint('signature field type');
  if (type !== FIELD_SIGNATURE) throw new DecodeError('V2 macaroon has no signature field');
  const length = r.varint('signature length');
  if (length !== SIGNATURE_LENGTH) throw new DecodeError(`V2 signature has ${length} bytes, expected 32`);
  if (r.pos + length > data.length) throw new DecodeError('V2 signature is truncated');
  const signature = data.slice(r.pos, r.pos + length);
  return {
    macaroon: { version: 2, location: loc, identifier, caveats, signature },
    end: r.pos + length,
  };
}
