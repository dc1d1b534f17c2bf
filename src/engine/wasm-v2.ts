/**
 * V2 binary read in place, in the engine's memory, into its macaroon and caveat tables
 * (./layout.ts): the batch fast path's parser, which allocates nothing. It accepts exactly the
 * tokens ../codec/v2.ts decodes when they fill the whole buffer (decodeWholeBinary), within the same
 * limits, except that it also declines non-ASCII locations (their UTF-8 check is left to the codec).
 * Anything it declines, the caller hands to the codec, which then decodes it or throws the error.
 */
import {
  FIELD_IDENTIFIER,
  FIELD_LOCATION,
  FIELD_SIGNATURE,
  FIELD_VID,
  type V2Framing,
} from '../codec/v2-framing.js';
import type { Limits } from '../limits.js';
import {
  CAVEAT_CID_LEN,
  CAVEAT_CID_OFF,
  CAVEAT_VID_LEN,
  CAVEAT_VID_OFF,
  CAVEAT_WORDS,
  MAC_CAVEAT_COUNT,
  MAC_CAVEAT_TABLE,
  MAC_ID_LEN,
  MAC_ID_OFF,
  MAC_SIG_LEN,
  MAC_SIG_OFF,
  MAC_WORDS,
  NO_VID,
} from './layout.js';

const DECLINED = -1;

function ascii(u8: Uint8Array, from: number, length: number): boolean {
  let any = 0;
  for (let i = from; i < from + length; i++) any |= u8[i] as number;
  return any < 0x80;
}

/**
 * Parses the V2 macaroon in u8[start, end) and writes its macaroon entry at word `macWord` and its
 * caveat entries from word `caveatWord` on. Returns the word after its last caveat entry, or -1.
 */
export function writeV2Tables(
  f: V2Framing,
  u8: Uint8Array,
  u32: Uint32Array,
  start: number,
  end: number,
  macWord: number,
  caveatWord: number,
  limits: Limits,
): number {
  if (start >= end || u8[start] !== 2) return DECLINED;
  const maxField = limits.maxFieldBytes;
  f.reset(u8, start + 1, end);
  let last = 0;
  let idOff = -1;
  let idLen = 0;
  for (;;) {
    if (!f.field(last, maxField)) return DECLINED;
    const type = f.type;
    if (type === 0) break;
    last = type;
    if (type === FIELD_IDENTIFIER) {
      idOff = f.pos;
      idLen = f.length;
    } else if (type !== FIELD_LOCATION || !ascii(u8, f.pos, f.length)) {
      return DECLINED;
    }
    f.pos += f.length;
  }
  if (idOff < 0) return DECLINED;

  const firstCaveat = caveatWord;
  let count = 0;
  for (;;) {
    last = 0;
    let locLen = 0;
    let cidOff = -1;
    let cidLen = 0;
    let vidLen = 0;
    let vidOff = 0;
    for (;;) {
      if (!f.field(last, maxField)) return DECLINED;
      const type = f.type;
      if (type === 0) break;
      last = type;
      const length = f.length;
      if (type === FIELD_IDENTIFIER) {
        cidOff = f.pos;
        cidLen = length;
      } else if (type === FIELD_VID) {
        vidOff = f.pos;
        vidLen = length;
      } else if (type === FIELD_LOCATION && ascii(u8, f.pos, length)) {
        locLen = length;
      } else {
        return DECLINED;
      }
      f.pos += length;
    }
    if (last === 0) break; // an empty section ends the caveats
    if (++count > limits.maxCaveats || cidOff < 0) return DECLINED;
    u32[caveatWord + CAVEAT_CID_OFF] = cidOff;
    u32[caveatWord + CAVEAT_CID_LEN] = cidLen;
    if (vidLen > 0) {
      u32[caveatWord + CAVEAT_VID_OFF] = vidOff;
      u32[caveatWord + CAVEAT_VID_LEN] = vidLen;
    } else if (locLen > 0) {
      return DECLINED; // a first-party caveat with a location: the codec refuses it
    } else {
      u32[caveatWord + CAVEAT_VID_OFF] = NO_VID;
      u32[caveatWord + CAVEAT_VID_LEN] = 0;
    }
    caveatWord += CAVEAT_WORDS;
  }

  if (f.varint() !== FIELD_SIGNATURE || f.varint() !== 32) return DECLINED;
  const sigOff = f.pos;
  if (sigOff + 32 !== end) return DECLINED;
  u32[macWord + MAC_ID_OFF] = idOff;
  u32[macWord + MAC_ID_LEN] = idLen;
  u32[macWord + MAC_CAVEAT_COUNT] = count;
  u32[macWord + MAC_CAVEAT_TABLE] = firstCaveat * 4;
  u32[macWord + MAC_SIG_OFF] = sigOff;
  u32[macWord + MAC_SIG_LEN] = 32;
  return caveatWord;
}

/**
 * Table words one token of `bytes` bytes may need at most: its macaroon entry and caveat entries (a
 * caveat section takes at least 3 bytes: a field type, a length, the section end; and the parser
 * declines a token with more than maxCaveats caveats before writing past that many entries).
 */
export function tableWordsBound(bytes: number, limits: Limits): number {
  return MAC_WORDS + Math.min(Math.ceil(bytes / 3), limits.maxCaveats + 1) * CAVEAT_WORDS;
}
