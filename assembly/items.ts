// Serialized items turned into jobs where they lie (layout: src/engine/layout.ts, pack and token
// entries): each token's base64 text decoded back to back from the item's data offset, then its V2
// framing read into the macaroon and caveat tables after the decoded bytes, then the output placed after
// the tables. It takes exactly the V2 tokens src/codec/v2.ts decodes when they fill the whole buffer,
// within the same limits, except that it also declines non-ASCII locations (their UTF-8 check is left
// to the codec); anything it declines, JS hands to the codec, which decodes it or names the error. The
// module never writes outside an item's [data, end), which JS sized for the worst case.
import {
  CAVEAT_CID_LEN,
  CAVEAT_CID_OFF,
  CAVEAT_VID_LEN,
  CAVEAT_VID_OFF,
  MAC_CAVEAT_COUNT,
  MAC_CAVEAT_TABLE,
  MAC_ID_LEN,
  MAC_ID_OFF,
  MAC_SIG_LEN,
  MAC_SIG_OFF,
  PACK_DATA,
  PACK_DECLINED,
  PACK_END,
  PACK_MAC_TABLE,
  PACK_OUT,
  PACK_TOKEN_COUNT,
  PACK_TOKENS,
  PACK_WORDS,
  TOKEN_BINARY,
  TOKEN_LEN,
  TOKEN_OFF,
  TOKEN_WORDS,
  UNMATCHED_WORDS_PER_CAVEAT,
} from '../src/engine/layout';
import { decodeBase64To } from './base64';
import { CAVEAT_SIZE, inBounds, MAC_SIZE, NO_VID, OUT_HEADER } from './chain';

// V2 field types (libmacaroons doc/format.txt, src/codec/v2-framing.ts); 0 ends a section.
const FIELD_LOCATION: i32 = 1;
const FIELD_IDENTIFIER: i32 = 2;
const FIELD_VID: i32 = 4;
const FIELD_SIGNATURE: i32 = 6;
/** go-macaroon's bound on varints (src/codec/v2-framing.ts MAX_VARINT). */
const MAX_VARINT: u64 = 0x7fffffff;

const PACK_SIZE: u32 = PACK_WORDS * 4;
const TOKEN_SIZE: u32 = TOKEN_WORDS * 4;

// The reader's position, the end of the token, and the field read last.
let pos: usize = 0;
let end: usize = 0;
let fieldType: i32 = 0;
let fieldLength: u32 = 0;

/** An unsigned LEB128 varint of at most 5 bytes and MAX_VARINT, as V2Framing.varint; -1 if broken. */
function varint(): i32 {
  let result: u64 = 0;
  for (let i: u64 = 0; i < 5; i++) {
    if (pos >= end) return -1;
    const b = u64(load<u8>(pos++));
    result += (b & 0x7f) << (7 * i);
    if (result > MAX_VARINT) return -1;
    if ((b & 0x80) === 0) return i32(result);
  }
  return -1;
}

/** One field header, as V2Framing.field: false where the framing is broken or a value too long. */
function field(last: i32, maxValue: u32): bool {
  const type = varint();
  if (type < 0) return false;
  fieldType = type;
  if (type === 0) return true;
  if (type <= last) return false;
  const length = varint();
  if (length < 0) return false;
  if (u64(length) > u64(end - pos)) return false;
  if (u32(length) > maxValue) return false;
  fieldLength = u32(length);
  return true;
}

function ascii(at: usize, len: u32): bool {
  let any: u32 = 0;
  for (let i: usize = 0; i < len; i++) any |= load<u8>(at + i);
  return any < 0x80;
}

/**
 * Reads the V2 macaroon in [start, stop) into the macaroon entry at `m` and caveat entries from
 * `caveats` on, none past `limit`. Returns the address after its last caveat entry, or 0 to decline.
 * As src/codec/v2.ts: the header's identifier and optional ASCII location in order, caveat sections
 * (an identifier, a verification id, a location only with one), an empty section, a 32-byte signature
 * that ends the token.
 */
function readV2(
  start: usize,
  stop: usize,
  m: usize,
  caveats: usize,
  limit: usize,
  maxField: u32,
  maxCaveats: u32,
): usize {
  if (start >= stop || load<u8>(start) !== 2) return 0;
  pos = start + 1;
  end = stop;
  let last: i32 = 0;
  let idOff: usize = 0;
  let idLen: u32 = 0;
  let hasId = false;
  while (true) {
    if (!field(last, maxField)) return 0;
    const type = fieldType;
    if (type === 0) break;
    last = type;
    if (type === FIELD_IDENTIFIER) {
      idOff = pos;
      idLen = fieldLength;
      hasId = true;
    } else if (type !== FIELD_LOCATION || !ascii(pos, fieldLength)) {
      return 0;
    }
    pos += fieldLength;
  }
  if (!hasId) return 0;

  const first = caveats;
  let count: u32 = 0;
  while (true) {
    last = 0;
    let locLen: u32 = 0;
    let cidOff: usize = 0;
    let cidLen: u32 = 0;
    let hasCid = false;
    let vidOff: usize = 0;
    let vidLen: u32 = 0;
    while (true) {
      if (!field(last, maxField)) return 0;
      const type = fieldType;
      if (type === 0) break;
      last = type;
      const length = fieldLength;
      if (type === FIELD_IDENTIFIER) {
        cidOff = pos;
        cidLen = length;
        hasCid = true;
      } else if (type === FIELD_VID) {
        vidOff = pos;
        vidLen = length;
      } else if (type === FIELD_LOCATION && ascii(pos, length)) {
        locLen = length;
      } else {
        return 0;
      }
      pos += length;
    }
    if (last === 0) break; // an empty section ends the caveats
    if (++count > maxCaveats || !hasCid) return 0;
    if (caveats + CAVEAT_SIZE > limit) return 0;
    store<u32>(caveats, u32(cidOff), CAVEAT_CID_OFF * 4);
    store<u32>(caveats, cidLen, CAVEAT_CID_LEN * 4);
    if (vidLen > 0) {
      store<u32>(caveats, u32(vidOff), CAVEAT_VID_OFF * 4);
      store<u32>(caveats, vidLen, CAVEAT_VID_LEN * 4);
    } else if (locLen > 0) {
      return 0; // a first-party caveat with a location: the codec refuses it
    } else {
      store<u32>(caveats, NO_VID, CAVEAT_VID_OFF * 4);
      store<u32>(caveats, 0, CAVEAT_VID_LEN * 4);
    }
    caveats += CAVEAT_SIZE;
  }

  if (varint() !== FIELD_SIGNATURE || varint() !== 32) return 0;
  const sigOff = pos;
  if (sigOff + 32 !== stop) return 0;
  store<u32>(m, u32(idOff), MAC_ID_OFF * 4);
  store<u32>(m, idLen, MAC_ID_LEN * 4);
  store<u32>(m, count, MAC_CAVEAT_COUNT * 4);
  store<u32>(m, u32(first), MAC_CAVEAT_TABLE * 4);
  store<u32>(m, u32(sigOff), MAC_SIG_OFF * 4);
  store<u32>(m, 32, MAC_SIG_LEN * 4);
  return caveats;
}

/** Decodes and reads one item; returns false to decline it (JS then hands it to the codec). */
function parseItem(pack: usize, maxField: u32, maxCaveats: u32): bool {
  const data = usize(load<u32>(pack, PACK_DATA * 4));
  const limit = usize(load<u32>(pack, PACK_END * 4));
  const count = load<u32>(pack, PACK_TOKEN_COUNT * 4);
  const tokens = usize(load<u32>(pack, PACK_TOKENS * 4));
  if (count === 0 || limit < data || !inBounds(data, limit - data, true)) return false;
  if (!inBounds(tokens, u64(count) * TOKEN_SIZE, true)) return false;
  // Decode each token to the end of the previous one (never after its own text).
  let at = data;
  for (let t: u32 = 0; t < count; t++) {
    const entry = tokens + t * TOKEN_SIZE;
    const off = usize(load<u32>(entry, TOKEN_OFF * 4));
    const len = load<u32>(entry, TOKEN_LEN * 4);
    if (off < at || u64(off) + len > u64(limit)) return false;
    let n: i32 = i32(len);
    if (load<u32>(entry, TOKEN_BINARY * 4) !== 0) {
      if (off !== at) memory.copy(at, off, len);
    } else {
      n = decodeBase64To(off, len, at);
      if (n < 0) return false;
    }
    // The entry now says where the decoded token lies.
    store<u32>(entry, u32(at), TOKEN_OFF * 4);
    store<u32>(entry, u32(n), TOKEN_LEN * 4);
    at += n;
  }
  const macTable = (at + 3) & ~3;
  let caveats = macTable + count * MAC_SIZE;
  if (caveats > limit) return false;
  for (let t: u32 = 0; t < count; t++) {
    const entry = tokens + t * TOKEN_SIZE;
    const start = usize(load<u32>(entry, TOKEN_OFF * 4));
    const stop = start + load<u32>(entry, TOKEN_LEN * 4);
    caveats = readV2(start, stop, macTable + t * MAC_SIZE, caveats, limit, maxField, maxCaveats);
    if (caveats === 0) return false;
  }
  // The output: its header, the visited list and the room exact matching needs.
  const caveatCount = u64(caveats - (macTable + count * MAC_SIZE)) / CAVEAT_SIZE;
  const outBytes = u64(OUT_HEADER) + u64(count) * 4 + 4 + caveatCount * UNMATCHED_WORDS_PER_CAVEAT * 4;
  if (u64(caveats) + outBytes > u64(limit)) return false;
  store<u32>(pack, u32(macTable), PACK_MAC_TABLE * 4);
  store<u32>(pack, u32(caveats), PACK_OUT * 4);
  return true;
}

/**
 * Decodes and reads the serialized tokens of `count` items whose pack entries start at `packTable`
 * (src/engine/layout.ts); marks each item it declines PACK_DECLINED. Returns 0, or -1 when the pack
 * table does not lie in memory.
 */
export function parseItems(count: u32, packTable: u32, maxField: u32, maxCaveats: u32): i32 {
  if (!inBounds(packTable, u64(count) * PACK_SIZE, true)) return -1;
  for (let i: u32 = 0; i < count; i++) {
    const pack = usize(packTable + i * PACK_SIZE);
    if (!parseItem(pack, maxField, maxCaveats)) {
      store<u32>(pack, PACK_DECLINED, PACK_MAC_TABLE * 4);
      store<u32>(pack, PACK_DECLINED, PACK_OUT * 4);
    }
  }
  return 0;
}
