/**
 * Where the verified-token cache files a token: a 30-bit number computed from a sample of its text, so
 * that a lookup costs the same whatever the token's length. A lookup then compares the whole text with
 * `===`, so the index only chooses where to look: two tokens never share an entry unless their texts are
 * equal, byte for byte.
 *
 * Why not a `Map` keyed by the token text: each request brings a new string, and hashing it walks every
 * character one at a time (about 1 µs for a 600-character W1 bundle on a 2020s server core, most of
 * what a hit would cost); a sample plus one `memcmp`-speed comparison costs a tenth of that.
 *
 * The sample is the last 8 characters (every bundle format ends with the last macaroon's signature, or
 * a field right after it: 8 base64 characters are 48 bits of it) and 16 more spread evenly over the
 * rest from an offset chosen at random per process (for a W1 bundle of ~570 characters, one every ~35,
 * so no signature, 43 characters or more, escapes them), mixed with the length and a random seed. A token that differs from another only outside
 * its sample (the same macaroons written with other whitespace, say) files under the same number: the
 * cache bounds how many entries share one (see MAX_CHAIN in verified-token-cache.ts), so such tokens
 * cost a few comparisons at most and never reach anyone else's entries, whose numbers an attacker
 * cannot predict without the token, the seed and the offset.
 */

import { randomBytes } from '../random.js';

const TAIL = 8;
const SPREAD = 16;
const M = 0x01000193;

/** A sampling of token texts with its own random seed and offset. */
export class TokenIndex {
  readonly #seed: number;
  readonly #offset: number;

  constructor() {
    const random = new DataView(randomBytes(8).buffer);
    this.#seed = random.getInt32(0);
    this.#offset = random.getUint32(4);
  }

  /** The number `token` files under (a small integer, so that maps keyed by it hash it for free). */
  of(token: string): number {
    const n = token.length;
    // Four independent lanes: the multiplications of one do not wait for another's.
    let a = this.#seed ^ n;
    let b = a ^ 0x5bd1e995;
    let c = a ^ 0x27d4eb2f;
    let d = a ^ 0x165667b1;
    if (n < TAIL + SPREAD) {
      for (let i = 0; i < n; i++) a = Math.imul(a ^ token.charCodeAt(i), M);
    } else {
      for (let i = n - TAIL; i < n; i += 4) {
        a = Math.imul(a ^ token.charCodeAt(i), M);
        b = Math.imul(b ^ token.charCodeAt(i + 1), M);
        c = Math.imul(c ^ token.charCodeAt(i + 2), M);
        d = Math.imul(d ^ token.charCodeAt(i + 3), M);
      }
      const rest = n - TAIL;
      const step = Math.floor(rest / SPREAD);
      for (let i = this.#offset % step; i + 3 * step < rest; i += 4 * step) {
        a = Math.imul(a ^ token.charCodeAt(i), M);
        b = Math.imul(b ^ token.charCodeAt(i + step), M);
        c = Math.imul(c ^ token.charCodeAt(i + 2 * step), M);
        d = Math.imul(d ^ token.charCodeAt(i + 3 * step), M);
      }
    }
    // Finalizer (murmur3's): every sampled character moves every output bit.
    let h = a ^ Math.imul(b, 0x85ebca6b) ^ Math.imul(c, 0xc2b2ae35) ^ Math.imul(d, 0x27d4eb2f);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h & 0x3fffffff;
  }
}
