/**
 * The engine's memory on both builds: a fixed size over many batches, key material wiped after each,
 * chunking that changes no verdict.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyMacaroons } from '../../src/engine/ts.js';
import type { ChainMacaroon } from '../../src/engine/types.js';
import { CHUNK_BYTES, createWasmEngine } from '../../src/engine/wasm.js';
import { Macaroon } from '../../src/index.js';
import { BUILDS, jobOf, POLICY } from './fixtures.js';

describe.each(BUILDS)('%s: memory', (_name, module) => {
  it('stays at a fixed size over 1,000,000 tokens in 200 batches of 5000', () => {
    const engine = createWasmEngine(module);
    const tokens = Array.from({ length: 5000 }, (_, i) => {
      const key = `root key ${i}`;
      return { key, m: Macaroon.create('', key, `token ${i}`) };
    });
    const jobs = tokens.map(({ key, m }) => jobOf(key, m));
    jobs[4321] = jobOf('not the key', (tokens[4321] as (typeof tokens)[number]).m);
    const sizes: number[] = [];
    let last: number[] = [];
    for (let batch = 0; batch < 200; batch++) {
      last = engine.verify(jobs, POLICY).map((v) => v.status);
      sizes.push(engine.exports.memory.buffer.byteLength);
    }
    expect(new Set(sizes.slice(1)).size).toBe(1);
    expect(last.filter((s) => s !== 0)).toEqual([1]);
    expect(last[4321]).toBe(1);
  });

  it('wipes root keys, derived keys and walk state from memory after each batch', () => {
    const engine = createWasmEngine(module);
    const rootKey = randomBytes(32);
    const caveatKey = randomBytes(32);
    const m = Macaroon.create('', rootKey, 'id').addThirdPartyCaveat('tp', caveatKey, 'cid');
    const d = m.prepareForRequest(Macaroon.create('tp', caveatKey, 'cid').addFirstPartyCaveat('x'));
    // Three jobs, so the SIMD build runs its lanes rather than the single-job path.
    const job = jobOf(rootKey, m, [d]);
    expect(engine.verify([job, job, job], POLICY).map((v) => v.status)).toEqual([0, 0, 0]);
    const memory = Buffer.from(engine.exports.memory.buffer);
    const derive = (k: Uint8Array) => createHmac('sha256', 'macaroons-key-generator').update(k).digest();
    const derived = derive(rootKey);
    const sig0 = createHmac('sha256', derived).update('id').digest();
    const dischargeSig0 = createHmac('sha256', derive(caveatKey)).update('cid').digest();
    for (const secret of [rootKey, derived, sig0, derive(caveatKey), dischargeSig0]) {
      expect(memory.indexOf(secret)).toBe(-1);
    }
  });

  it('splits a batch larger than its chunk bound without changing any verdict', () => {
    const engine = createWasmEngine(module);
    const caveat = 'c'.repeat(300);
    let m = Macaroon.create('', 'big', 'big');
    for (let i = 0; i < 40; i++) m = m.addFirstPartyCaveat(`${i}${caveat}`);
    const perJob = 40 * 300;
    const count = Math.ceil((1.5 * CHUNK_BYTES) / perJob);
    const jobs = Array.from({ length: count }, (_, i) => jobOf(i % 7 === 3 ? 'wrong' : 'big', m));
    expect(engine.verify(jobs, POLICY)).toEqual(
      jobs.map((j) => verifyMacaroons(j.macaroons as ChainMacaroon[], j.rootKey as Uint8Array, POLICY)),
    );
  });
});
