import { createHmac } from 'node:crypto';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { bytesToHex, utf8Encode } from '../src/bytes.js';
import { bindSignature, deriveKey, hash2, hmacSha256 } from '../src/crypto/keys.js';

const nodeHmac = (key: Uint8Array | string, msg: Uint8Array) =>
  createHmac('sha256', key).update(msg).digest('hex');
const data = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 7 + 3) & 255);

describe('HMAC-SHA256 against node:crypto', () => {
  // Every length up to 300 crosses the SHA-256 padding edges (55/56, 63/64/65, 119/120, 127/128).
  it('agrees for every message length 0..300 under a 32-byte key', () => {
    for (let n = 0; n <= 300; n++) {
      const key = data(32, n);
      const msg = data(n, n + 1);
      expect(bytesToHex(hmacSha256(key, msg))).toBe(nodeHmac(key, msg));
    }
  });

  it('agrees with @noble/hashes (an audited implementation) across block edges', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 1000]) {
      const key = data(32, n + 3);
      const msg = data(n, 4);
      expect(bytesToHex(hmacSha256(key, msg))).toBe(bytesToHex(hmac(sha256, key, msg)));
    }
  });

  it('derives keys as HMAC("macaroons-key-generator", key) for any key length', () => {
    for (let n = 0; n <= 200; n += 7) {
      const secret = data(n, 99);
      expect(bytesToHex(deriveKey(secret))).toBe(nodeHmac('macaroons-key-generator', secret));
    }
    expect(bytesToHex(deriveKey(utf8Encode('this is our super secret key; only we should know it')))).toBe(
      'a96173391e6bfa0356bbf095621b8af1510968e770e4d27d62109b7dc374814b',
    );
  });

  it('computes hash2 and binding as HMAC(k, HMAC(k, a) || HMAC(k, b))', () => {
    const k = data(32, 5);
    const a = data(72, 6);
    const b = data(40, 7);
    const inner = Buffer.concat([
      createHmac('sha256', k).update(a).digest(),
      createHmac('sha256', k).update(b).digest(),
    ]);
    expect(bytesToHex(hash2(k, a, b))).toBe(nodeHmac(k, inner));
    const zero = new Uint8Array(32);
    const root = data(32, 8);
    const d = data(32, 9);
    const bound = Buffer.concat([
      createHmac('sha256', zero).update(root).digest(),
      createHmac('sha256', zero).update(d).digest(),
    ]);
    expect(bytesToHex(bindSignature(root, d))).toBe(nodeHmac(zero, bound));
  });
});
