/**
 * A canonical key for a token: one string per token content, whatever text carried it. Token text is
 * malleable (base64 with whitespace, either alphabet, padding or not; JSON with any spacing and key
 * order; V1 or V2; other locations) without any change to what the token authorizes, so a replay list,
 * revocation list, cache or log keyed on the text is bypassed by rewriting it. Key those on this.
 *
 * The key is SHA-256 over, for the root macaroon and then each discharge in the order given: the
 * identifier, each caveat's identifier and verification id (empty for a first-party caveat), and the
 * signature, each field prefixed by its length, so that no two different contents encode alike.
 * Locations and the wire version are left out: no signature covers them and they never change a
 * verdict (Macaroon.equals ignores them too). Everything a verdict depends on is in, so two tokens with
 * the same key get the same verdict from the same verifier, key and request.
 */

import { describeType } from './bytes.js';
import { base64UrlEncode } from './codec/base64.js';
import { finish, initState, wordsToBytes } from './crypto/sha256.js';
import { InvalidArgumentError } from './errors.js';
import { Macaroon, macaroonData } from './macaroon.js';
import type { MacaroonData } from './model.js';

/** Names the encoding, so that a later version of it never collides with this one. */
const DOMAIN = new TextEncoder().encode('macaroon-engine canonical token key v1\0');

function encodedLength(m: MacaroonData): number {
  let n = 4 + m.identifier.length + 4 + 4 + m.signature.length;
  for (const c of m.caveats) n += 4 + c.identifier.length + 4 + (c.verificationId?.length ?? 0);
  return n;
}

/**
 * The canonical key of a root macaroon and its discharges: 43 characters of base64url (a SHA-256).
 * Give the discharges exactly as they are sent (bound); leave them out to key the root alone.
 *
 * Same key: the same macaroons, however serialized. Different key: any change to an identifier, a
 * caveat, a signature, the discharges or their order. A token attenuated by its holder (one more
 * caveat) has a new signature and so a new key: to revoke every token descending from one macaroon,
 * key the revocation on its identifier instead.
 *
 * @example
 * ```ts
 * import { canonicalTokenKey, Macaroon } from 'macaroon-engine';
 *
 * const seen = new Set<string>();
 * const m = Macaroon.deserialize(token);
 * if (seen.has(canonicalTokenKey(m))) throw new Error('replayed');
 * seen.add(canonicalTokenKey(m));
 * ```
 */
export function canonicalTokenKey(macaroon: Macaroon, discharges: readonly Macaroon[] = []): string {
  if (!(macaroon instanceof Macaroon)) {
    throw new InvalidArgumentError(`macaroon must be a Macaroon, got ${describeType(macaroon)}`);
  }
  if (!Array.isArray(discharges) || discharges.some((d) => !(d instanceof Macaroon))) {
    throw new InvalidArgumentError('discharges must be an array of Macaroon');
  }
  const list = [macaroon, ...discharges].map(macaroonData);
  const out = new Uint8Array(DOMAIN.length + 4 + list.reduce((n, m) => n + encodedLength(m), 0));
  const view = new DataView(out.buffer);
  out.set(DOMAIN, 0);
  let pos = DOMAIN.length;
  const u32 = (n: number): void => {
    view.setUint32(pos, n);
    pos += 4;
  };
  const field = (bytes: Uint8Array): void => {
    u32(bytes.length);
    out.set(bytes, pos);
    pos += bytes.length;
  };
  u32(list.length);
  for (const m of list) {
    field(m.identifier);
    u32(m.caveats.length);
    for (const c of m.caveats) {
      field(c.identifier);
      field(c.verificationId ?? EMPTY);
    }
    field(m.signature);
  }
  const state = new Int32Array(8);
  initState(state);
  finish(state, out, 0);
  const digest = new Uint8Array(32);
  wordsToBytes(state, digest, 0);
  return base64UrlEncode(digest);
}

const EMPTY = new Uint8Array(0);
