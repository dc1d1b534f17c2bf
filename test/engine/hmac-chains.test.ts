// The batched HMAC-chain entry (Engine.hmacChains) on the TS engine and both WASM builds, against
// node:crypto's HMAC: random chains (keys of every length class, messages across block boundaries, every
// tag or the last), chunking, bad arguments, and the module refusing tables that point outside memory.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { tsEngine } from '../../src/engine/ts.js';
import type { HmacChain } from '../../src/engine/types.js';
import { CHUNK_BYTES, createWasmEngine, type WasmEngine } from '../../src/engine/wasm.js';
import { compileEngineModule } from '../../src/engine/wasm-modules.js';
import { InvalidArgumentError } from '../../src/errors.js';

const BUILDS: { name: 'scalar' | 'simd'; engine?: WasmEngine }[] = [{ name: 'scalar' }, { name: 'simd' }];
beforeAll(async () => {
  for (const b of BUILDS) b.engine = createWasmEngine(await compileEngineModule(b.name));
});

function expected(c: HmacChain): Uint8Array {
  const tags: Buffer[] = [];
  let key: Uint8Array = c.key;
  for (const m of c.messages) {
    const tag = createHmac('sha256', key).update(m).digest();
    tags.push(tag);
    key = tag;
  }
  return new Uint8Array(Buffer.concat(c.keepAll ? tags : [tags[tags.length - 1] as Buffer]));
}

const chain: fc.Arbitrary<HmacChain> = fc.record({
  key: fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ minLength: 65, maxLength: 200 })),
  messages: fc.array(fc.uint8Array({ maxLength: 200 }), { minLength: 1, maxLength: 8 }),
  keepAll: fc.boolean(),
});

function engines(): { name: string; run: (c: readonly HmacChain[]) => Uint8Array[] }[] {
  return [
    { name: 'js', run: (c) => tsEngine.hmacChains?.(c) ?? [] },
    ...BUILDS.map((b) => ({
      name: `wasm-${b.name}`,
      run: (c: readonly HmacChain[]) => (b.engine as WasmEngine).hmacChains(c),
    })),
  ];
}

describe('Engine.hmacChains', () => {
  it('gives HMAC-SHA256 chains on every engine, one chain or many', () => {
    fc.assert(
      fc.property(fc.array(chain, { minLength: 1, maxLength: 11 }), (chains) => {
        const want = chains.map(expected);
        for (const e of engines()) {
          const got = e.run(chains);
          expect(
            got.map((t) => Buffer.from(t).toString('hex')),
            e.name,
          ).toEqual(want.map((t) => Buffer.from(t).toString('hex')));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('covers messages at the padding boundaries (55, 56, 63, 64, 119, 120 bytes)', () => {
    const chains = [0, 55, 56, 63, 64, 65, 119, 120, 128].map((n, i) => ({
      key: new Uint8Array(32).fill(i),
      messages: [new Uint8Array(n).fill(7), new Uint8Array(n + 1).fill(9)],
      keepAll: true,
    }));
    for (const e of engines()) expect(e.run(chains), e.name).toEqual(chains.map(expected));
  });

  it('cuts batches larger than a chunk and still returns every chain in order', () => {
    const big = new Uint8Array(CHUNK_BYTES / 3).fill(1);
    const chains = [0, 1, 2, 3, 4].map((i) => ({
      key: new Uint8Array([i]),
      messages: [big, new Uint8Array([i])],
    }));
    for (const b of BUILDS) expect((b.engine as WasmEngine).hmacChains(chains)).toEqual(chains.map(expected));
  });

  it('leaves no key, tag or intermediate value in the module memory', () => {
    const contains = (hay: Uint8Array, needle: Uint8Array) =>
      Buffer.from(hay).indexOf(Buffer.from(needle)) >= 0;
    for (const b of BUILDS) {
      const engine = b.engine as WasmEngine;
      const chains = [0, 1, 2, 3, 4].map((i) => ({
        key: new Uint8Array(32).map((_, j) => (j * 7 + i * 13 + 1) & 0xff),
        messages: [new Uint8Array(70).fill(i), new Uint8Array(10).fill(i + 1), new Uint8Array(3)],
        keepAll: true,
      }));
      const tags = engine.hmacChains(chains);
      const memory = new Uint8Array(engine.exports.memory.buffer);
      for (let i = 0; i < chains.length; i++) {
        const chain = chains[i] as HmacChain;
        expect(contains(memory, chain.key), `${b.name}: key ${i}`).toBe(false);
        const t = tags[i] as Uint8Array;
        for (let at = 0; at < t.length; at += 32)
          expect(contains(memory, t.subarray(at, at + 16)), `${b.name}: tag ${i}.${at / 32}`).toBe(false);
      }
    }
  });

  it('refuses chains without messages or with bad types, on every engine', () => {
    for (const e of engines()) {
      expect(() => e.run([{ key: new Uint8Array(32), messages: [] }])).toThrow(InvalidArgumentError);
      expect(() => e.run([{ key: 'k' as unknown as Uint8Array, messages: [new Uint8Array(1)] }])).toThrow(
        InvalidArgumentError,
      );
      expect(e.run([])).toEqual([]);
    }
  });

  it('the module refuses a table, key, message or output outside memory, and computes nothing', () => {
    for (const b of BUILDS) {
      const engine = b.engine as WasmEngine;
      const x = engine.exports;
      const fn = x.hmacChains as (n: number, t: number) => number;
      const table = engine.tablesStart();
      const { u32 } = engine.reserve(table + 4096);
      const size = x.memory.buffer.byteLength;
      const good = () => {
        const w = table >>> 2;
        u32.fill(0, w, w + 64);
        u32[w] = table + 256; // key
        u32[w + 1] = 32;
        u32[w + 2] = 1; // one message
        u32[w + 3] = table + 128; // message table
        u32[w + 4] = table + 512; // out
        u32[w + 5] = 0;
        u32[(table + 128) >>> 2] = table + 300;
        u32[((table + 128) >>> 2) + 1] = 10;
      };
      good();
      expect(fn(1, table)).toBe(0);
      const w = table >>> 2;
      for (const [field, value] of [
        [0, size - 8], // key runs past the end
        [2, 0], // no message
        [3, size - 4], // message table past the end
        [4, 0], // output into the module's own data
        [4, size - 16], // output past the end
      ] as const) {
        good();
        u32[w + field] = value;
        expect(fn(1, table), `field ${field}`).toBe(-1);
      }
      good();
      u32[((table + 128) >>> 2) + 1] = size; // message past the end
      expect(fn(1, table)).toBe(-1);
      expect(fn(0x7fffffff, table)).toBe(-1);
    }
  });
});
