/**
 * Text forms (format.go): one token is `fm2_` + standard padded base64 of its MessagePack; a header is
 * `FlyV1 tok1,tok2,…`. Reading accepts the legacy labels `fm1r_` and `fm1a_` (no meaning: permission vs
 * discharge is decided by location) and skips Fly OAuth tokens (`fo1_`), as macaroon.Parse does.
 */
import { base64StdEncode } from '../codec/base64.js';
import { DecodeError, LimitExceededError } from '../errors.js';

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) VALUE[STD.charCodeAt(i)] = i;

/**
 * Go's base64.StdEncoding.DecodeString: standard alphabet, padding required, CR and LF ignored anywhere,
 * non-zero trailing bits accepted. Returns undefined for anything else.
 */
export function decodeStdBase64(text: string): Uint8Array | undefined {
  const s = text.includes('\n') || text.includes('\r') ? text.replace(/[\r\n]/g, '') : text;
  if (s.length % 4 !== 0) return undefined;
  let pad = 0;
  if (s.endsWith('==')) pad = 2;
  else if (s.endsWith('=')) pad = 1;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  // Every quad but the last: four table lookups, one check (any invalid character makes the OR negative).
  const full = s.length - 4;
  let o = 0;
  for (let i = 0; i < full; i += 4) {
    const a = s.charCodeAt(i);
    const b = s.charCodeAt(i + 1);
    const c = s.charCodeAt(i + 2);
    const d = s.charCodeAt(i + 3);
    const va = a < 128 ? (VALUE[a] as number) : -1;
    const vb = b < 128 ? (VALUE[b] as number) : -1;
    const vc = c < 128 ? (VALUE[c] as number) : -1;
    const vd = d < 128 ? (VALUE[d] as number) : -1;
    if ((va | vb | vc | vd) < 0) return undefined;
    const acc = (va << 18) | (vb << 12) | (vc << 6) | vd;
    out[o] = acc >> 16;
    out[o + 1] = (acc >> 8) & 0xff;
    out[o + 2] = acc & 0xff;
    o += 3;
  }
  if (s.length === 0) return out;
  // The last quad, with its padding.
  const n = 4 - pad;
  let acc = 0;
  for (let j = 0; j < 4; j++) {
    let v = 0;
    if (j < n) {
      const c = s.charCodeAt(full + j);
      v = c < 128 ? (VALUE[c] as number) : -1;
      if (v < 0) return undefined;
    }
    acc = (acc << 6) | v;
  }
  out[o++] = (acc >> 16) & 0xff;
  if (n > 2) out[o++] = (acc >> 8) & 0xff;
  if (n > 3) out[o++] = acc & 0xff;
  return out;
}

/** Labels macaroon.Parse accepts, and the one it writes. */
export const TOKEN_LABELS = Object.freeze(['fm2', 'fm1r', 'fm1a'] as const);
export const OAUTH_LABEL = 'fo1';

/**
 * `fm2_` + standard padded base64.
 *
 * @example
 * ```ts
 * const m = FlyMacaroon.create({ key: rootKey, kid: new Uint8Array([1]), location: FLY_PERMISSION_LOCATION });
 * encodeFlyToken(m.toBytes()) === m.encode(); // true
 * ```
 */
export function encodeFlyToken(bytes: Uint8Array): string {
  return `fm2_${base64StdEncode(bytes)}`;
}

/** StripAuthorizationScheme: trims spaces, removes leading `FlyV1` / `Bearer` schemes (any case), repeatedly. */
export function stripFlyScheme(header: string): string {
  let h = header.trim();
  for (;;) {
    const space = h.indexOf(' ');
    if (space < 0) return h;
    const scheme = h.slice(0, space).trim().toLowerCase();
    if (scheme !== 'flyv1' && scheme !== 'bearer') return h;
    h = h.slice(space + 1).trim();
  }
}

/**
 * True when `text` looks like a Fly token or header (a label this library reads, optionally after a scheme).
 *
 * @example
 * ```ts
 * looksLikeFly('FlyV1 fm2_lJPE…'); // true
 * ```
 */
export function looksLikeFly(text: string): boolean {
  const t = stripFlyScheme(text);
  return /^(fm2|fm1r|fm1a|fo1)_/.test(t);
}

/**
 * macaroon.Parse: the raw bytes of every token in a header or comma-separated list, skipping `fo1_`
 * OAuth tokens. Items are not trimmed (superfly refuses `", fm2_…"`). Throws DecodeError.
 */
export function splitFlyHeader(header: string, maxItems: number, maxBytes: number): Uint8Array[] {
  if (typeof header !== 'string') throw new DecodeError('fly header must be a string');
  if (header.length > maxBytes) {
    throw new LimitExceededError(
      `fly header of ${header.length} characters is over the limit of ${maxBytes}`,
    );
  }
  const items = stripFlyScheme(header).split(',');
  if (items.length > maxItems) {
    throw new LimitExceededError(`fly header has ${items.length} tokens, over the limit of ${maxItems}`);
  }
  const out: Uint8Array[] = [];
  items.forEach((item, i) => {
    const cut = item.indexOf('_');
    if (cut < 0) throw new DecodeError(`fly token ${i + 1} is malformed (no label)`);
    const label = item.slice(0, cut);
    if (label === OAUTH_LABEL) return;
    if (!(TOKEN_LABELS as readonly string[]).includes(label)) {
      throw new DecodeError(`fly token ${i + 1} has an unknown label (expected fm2_, fm1r_ or fm1a_)`);
    }
    const raw = decodeStdBase64(item.slice(cut + 1));
    if (raw === undefined) throw new DecodeError(`fly token ${i + 1} is not standard padded base64`);
    if (raw.length === 0) throw new DecodeError(`fly token ${i + 1} is blank`);
    out.push(raw);
  });
  if (out.length === 0) throw new DecodeError('no fly tokens found');
  return out;
}
