/**
 * The module's primitives (SHA-256, HMAC, the derived key, secretbox) against node:crypto and noble, and
 * the batch walk across SHA-256 block edges, on both builds.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { describe, expect, it } from 'vitest';
import type { ChainMacaroon } from '../../src/engine/types.js';
import { createWasmEngine } from '../../src/engine/wasm.js';
import { Macaroon } from '../../src/index.js';
import { BUILDS, hex, jobOf, POLICY } from './fixtures.js';

describe.each(BUILDS)('%s: primitives against node:crypto and noble', (_name, module) => {
  const engine = createWasmEngine(module);
  const e = engine.exports;
  const mem = () => new Uint8Array(e.memory.buffer);
  const base = (e.heapBase() + 15) & ~15;
  const [OUT, KEY, MSG] = [base, base + 64, base + 128];

  // Every length 0..300 crosses the padding edges (55/56, 63/64/65, 119/120, 127/128).
  it('SHA-256 agrees for every length 0..300', () => {
    for (let n = 0; n <= 300; n++) {
      const msg = randomBytes(n);
      mem().set(msg, MSG);
      expect(e.sha256(MSG, n, OUT)).toBe(0);
      expect(hex(mem().subarray(OUT, OUT + 32))).toBe(createHash('sha256').update(msg).digest('hex'));
    }
  });

  it('HMAC-SHA256 under a 32-byte key agrees for every length 0..300', () => {
    for (let n = 0; n <= 300; n++) {
      const key = randomBytes(32);
      const msg = randomBytes(n);
      mem().set(key, KEY);
      mem().set(msg, MSG);
      expect(e.hmacSha256(KEY, MSG, n, OUT)).toBe(0);
      expect(hex(mem().subarray(OUT, OUT + 32))).toBe(createHmac('sha256', key).update(msg).digest('hex'));
    }
  });

  it('the derived key (fixed "macaroons-key-generator" pad midstates) agrees for key lengths 0..300', () => {
    for (let n = 0; n <= 300; n++) {
      const key = randomBytes(n);
      mem().set(key, MSG);
      expect(e.deriveRootKey(MSG, n, OUT)).toBe(0);
      const expected = createHmac('sha256', 'macaroons-key-generator').update(key).digest('hex');
      expect(hex(mem().subarray(OUT, OUT + 32))).toBe(expected);
    }
  });

  it('secretbox open agrees with noble for authentic and tampered verification ids', () => {
    for (let t = 0; t < 400; t++) {
      const key = randomBytes(32);
      const nonce = randomBytes(24);
      const plain = randomBytes(32);
      const vid = new Uint8Array(72);
      vid.set(nonce);
      vid.set(xsalsa20poly1305(key, nonce).encrypt(plain), 24);
      const tampered = t % 2 === 1;
      if (tampered) vid[t % 72] = (vid[t % 72] as number) ^ (1 << (t % 8));
      mem().set(key, KEY);
      mem().set(vid, MSG);
      const opened = e.openVerificationId(KEY, MSG, OUT);
      expect(opened).toBe(tampered ? 0 : 1);
      if (!tampered) expect(hex(mem().subarray(OUT, OUT + 32))).toBe(hex(plain));
    }
  });
});

describe.each(BUILDS)('%s: the batch walk across SHA-256 block edges', (_name, module) => {
  // Lengths 0..300 of every hashed field, in one batch (so the SIMD build runs them in its lanes, whose
  // padding is its own code): the macaroons are minted by the TS side, so OK means identical chains.
  const lengths = Array.from({ length: 301 }, (_, n) => n);
  const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);

  it('verifies keys, identifiers and first-party caveats of every length', () => {
    const jobs = lengths.map((n) => {
      const key = bytes(n, 1);
      const m = Macaroon.create('', key, bytes(n, 2))
        .addFirstPartyCaveat(bytes(n, 3))
        .addFirstPartyCaveat(bytes(300 - n, 4));
      return jobOf(key, m);
    });
    const verdicts = createWasmEngine(module).verify(jobs, POLICY);
    expect(verdicts.map((v) => v.status)).toEqual(lengths.map(() => 0));
  });

  it('verifies third-party caveat identifiers and discharge caveats of every length', () => {
    const jobs = lengths.map((n) => {
      const m = Macaroon.create('', 'root', 'id').addThirdPartyCaveat('tp', 'caveat key', bytes(n, 5));
      const d = Macaroon.create('tp', 'caveat key', bytes(n, 5)).addFirstPartyCaveat(bytes(n, 6));
      return jobOf('root', m, [m.prepareForRequest(d)]);
    });
    const engine = createWasmEngine(module);
    expect(engine.verify(jobs, POLICY).map((v) => v.status)).toEqual(lengths.map(() => 0));
    // The same with each discharge's last signature byte flipped: every one is a mismatch in discharge 1.
    const flipped = jobs.map((j) => {
      const d = j.macaroons[1] as ChainMacaroon;
      const signature = d.signature.slice();
      signature[31] = (signature[31] as number) ^ 1;
      return {
        rootKey: j.rootKey,
        macaroons: [j.macaroons[0] as (typeof j.macaroons)[number], { ...d, signature }],
      };
    });
    expect(engine.verify(flipped, POLICY).map((v) => [v.status, v.macaroon])).toEqual(
      lengths.map(() => [1, 1]),
    );
  });
});
