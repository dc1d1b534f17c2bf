/**
 * The module's bounds checks (offsets and lengths outside memory or in its own data give an error code)
 * and traps (an EngineError, then a fresh instance), on both builds.
 */
import { describe, expect, it } from 'vitest';
import { createWasmEngine, type WasmEngine } from '../../src/engine/wasm.js';
import { EngineError, Macaroon } from '../../src/index.js';
import { BUILDS, jobOf, POLICY } from './fixtures.js';

describe.each(BUILDS)('%s: bounds and traps', (_name, module) => {
  it('rejects offsets and lengths outside memory with an error code instead of reading them', () => {
    const engine = createWasmEngine(module);
    const e = engine.exports;
    const size = e.memory.buffer.byteLength;
    const base = (e.heapBase() + 15) & ~15;
    expect(e.sha256(size - 10, 11, base)).toBe(-1);
    expect(e.sha256(base, 0xffffffff, base)).toBe(-1);
    expect(e.hmacSha256(size - 31, base, 0, base)).toBe(-1);
    expect(e.openVerificationId(base, size - 71, base)).toBe(-1);
    // Writing a digest over the module's own constants is refused too.
    expect(e.sha256(base, 0, 0)).toBe(-1);
    // A batch table beyond memory, scratch below the heap base, and a job whose fields point outside.
    expect(e.verifyBatch(1_000_000, size - 8, base + 4096, 4096, 0, 16, 0, 0)).toBe(-1);
    expect(e.verifyBatch(1, base, 16, 4096, 0, 16, 0, 0)).toBe(-1);
    const u32 = new Uint32Array(e.memory.buffer);
    const job = base >>> 2;
    const mac = job + 8;
    u32.set([base + 512, 32, 1, mac * 4, base + 1024], job);
    u32.set([size - 4, 64, 0, base + 1536, base + 600, 32], mac);
    expect(e.verifyBatch(1, base, base + 4096, 4096, 0, 16, 0, 0)).toBe(-2);
    u32.set([base + 700, 5, 1, base + 1536, base + 600, 32], mac);
    u32.set([base, 4, size - 10, 72], (base + 1536) >>> 2);
    expect(e.verifyBatch(1, base, base + 4096, 4096, 0, 16, 0, 0)).toBe(-2);
    // The same job with its fields in bounds verifies (and fails only on its signature).
    u32.set([base + 700, 5, 0xffffffff, 0], (base + 1536) >>> 2);
    expect(e.verifyBatch(1, base, base + 4096, 4096, 0, 16, 0, 0)).toBe(0);
    expect(Array.from(new Int32Array(e.memory.buffer, base + 1024, 5))).toEqual([1, 0, -1, 1, 0]);
    // Two jobs (the SIMD build's lanes): the second one's macaroon table lies outside memory.
    u32.set([base + 512, 32, 1, mac * 4, base + 1024, base + 512, 32, 1, size - 8, base + 1100], job);
    u32.set([base + 700, 5, 0, base + 1536, base + 600, 32], job + 10);
    expect(e.verifyBatch(2, base, base + 4096, 4096, 0, 16, 0, 0)).toBe(-2);
  });

  it('turns a trap into an EngineError, then works again on a fresh instance', () => {
    let instances = 0;
    let trapNext = false;
    const engine = createWasmEngine(module, {
      instantiate(module) {
        instances++;
        const instance = new WebAssembly.Instance(module, {});
        const exports = instance.exports as unknown as WasmEngine['exports'];
        const wrapped = {
          ...exports,
          verifyBatch: (...args: Parameters<WasmEngine['exports']['verifyBatch']>) => {
            if (trapNext) {
              trapNext = false;
              throw new WebAssembly.RuntimeError('unreachable');
            }
            return exports.verifyBatch(...args);
          },
        };
        return { exports: wrapped } as unknown as WebAssembly.Instance;
      },
    });
    const m = Macaroon.create('', 'k', 'id').addFirstPartyCaveat('x');
    const job = jobOf('k', m);
    expect(engine.verify([job], POLICY)[0]?.status).toBe(0);
    trapNext = true;
    let error: unknown;
    try {
      engine.verify([job], POLICY);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('ERR_ENGINE');
    expect((error as Error).cause).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(instances).toBe(2);
    expect(engine.verify([job, jobOf('wrong', m)], POLICY).map((v) => v.status)).toEqual([0, 1]);
  });
});
