/**
 * The serialized path inside the module (assembly/items.ts, assembly/base64.ts, assembly/exact.ts):
 * base64 decoded by character class sixteen at a time (SIMD build) and one by one (scalar build), the
 * V2 framing read in place within the room JS gives an item, and exact predicates matched through the
 * module's hash table. Every check runs on both builds; the verdicts are compared with the TS engine.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ByteSet } from '../../src/bytes.js';
import {
  EXACT_HEADER_WORDS,
  EXACT_OFF,
  EXACT_SLOT_WORDS,
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
} from '../../src/engine/layout.js';
import { setWasmEngine, wasmEngineLoaded } from '../../src/engine/registry.js';
import { createWasmEngine } from '../../src/engine/wasm.js';
import * as builds from '../../src/engine/wasm-bytes.js';
import { exactHash, exactTableBytes, writeExactTable } from '../../src/engine/wasm-exact.js';
import { Macaroon, Verifier } from '../../src/index.js';

const BUILDS = [
  ['wasm-scalar', new WebAssembly.Module(Buffer.from(builds.scalar, 'base64'))],
  ['wasm-simd', new WebAssembly.Module(Buffer.from(builds.simd, 'base64'))],
] as const;
const ALPHABET = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_');
const utf8 = (s: string) => new TextEncoder().encode(s);

describe.each(BUILDS)('%s: the serialized path in the module', (_name, module) => {
  it('decodes base64 of either alphabet and declines any other byte, at every position of a text', () => {
    const engine = createWasmEngine(module);
    const at = engine.tablesStart();
    const bytes = randomBytes(48);
    for (const alphabet of ['base64', 'base64url'] as const) {
      const text = bytes.toString(alphabet);
      for (let pos = 0; pos < text.length; pos += 5) {
        for (let c = 0; c < 256; c++) {
          const { u8 } = engine.reserve(at + 128);
          u8.set(utf8(text).subarray(0, pos), at);
          u8[at + pos] = c;
          u8.set(utf8(text).subarray(pos + 1), at + pos + 1);
          const n = engine.decodeBase64InPlace(at, text.length);
          const ch = String.fromCharCode(c);
          if (!ALPHABET.has(ch)) {
            expect(n, `byte ${c} at ${pos}`).toBe(-1);
            continue;
          }
          const changed = text.slice(0, pos) + ch + text.slice(pos + 1);
          const expected = Buffer.from(changed.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
          expect(n).toBe(expected.length);
          expect(Buffer.from(u8.subarray(at, at + n)).equals(expected)).toBe(true);
        }
      }
    }
  });

  it('never writes outside the room of an item, and declines tokens that do not fit it', () => {
    const engine = createWasmEngine(module);
    const e = engine.exports;
    const m = Macaroon.create('https://svc/', 'k'.repeat(32), 'id-1')
      .addFirstPartyCaveat('account = 42')
      .addThirdPartyCaveat('https://tp/', 'c'.repeat(32), 'tp-1');
    const text = m.serialize();
    const base = engine.tablesStart();
    const pack = base;
    const token = base + PACK_WORDS * 4;
    const data = base + 256;
    const run = (room: number) => {
      const { u8, u32 } = engine.reserve(data + 4096);
      u8.fill(0xee, base, data + 4096);
      u32.set([data, data + room, 1, token, 0, 0], pack >>> 2);
      u8.set(utf8(text), data);
      u32.set([data, text.length, 0], token >>> 2);
      const after = u8.slice(data + room, data + 4096);
      expect(e.parseItems(1, pack, 16384, 256)).toBe(0);
      // Nothing past the room changed.
      const view = engine.reserve(0).u8;
      expect(Buffer.from(view.subarray(data + room, data + 4096)).equals(after)).toBe(true);
      return engine.reserve(0).u32[(pack >>> 2) + PACK_MAC_TABLE];
    };
    const decoded = m.toBytes('v2').length;
    // Decoded bytes, a macaroon entry, two caveat entries, the output with its unmatched list.
    const needed = ((decoded + 3) & ~3) + 24 + 2 * 16 + 16 + 4 + 4 + 2 * 8;
    expect(run(needed)).not.toBe(PACK_DECLINED);
    for (const room of [needed - 1, needed - 8, needed - 20, decoded, text.length - 1, 0]) {
      expect(run(room)).toBe(PACK_DECLINED);
    }
  });

  it('declines pack and token entries that point outside memory or into the module data', () => {
    const engine = createWasmEngine(module);
    const e = engine.exports;
    const size = e.memory.buffer.byteLength;
    const base = engine.tablesStart();
    const { u32 } = engine.reserve(base + 4096);
    const pack = base >>> 2;
    const token = pack + PACK_WORDS;
    expect(e.parseItems(1_000_000, size - 8, 100, 10)).toBe(-1);
    expect(e.parseItems(1, 16, 100, 10)).toBe(-1);
    const cases: [number[], number[]][] = [
      [
        [base + 512, base + 1024, 1, token * 4],
        [size - 4, 8, 0],
      ], // text outside memory
      [
        [16, 1024, 1, token * 4],
        [16, 8, 0],
      ], // room in the module's data
      [
        [base + 512, size + 64, 1, token * 4],
        [base + 512, 8, 0],
      ], // room past memory
      [
        [base + 512, base + 1024, 1, size - 4],
        [base + 512, 8, 0],
      ], // token entries outside memory
      [
        [base + 512, base + 1024, 1, token * 4],
        [base + 400, 8, 0],
      ], // text before the room
      [
        [base + 512, base + 1024, 1, token * 4],
        [base + 1020, 8, 1],
      ], // text past the room
      [
        [base + 512, base + 1024, 0, token * 4],
        [base + 512, 8, 0],
      ], // no token
    ];
    for (const [p, t] of cases) {
      u32.set([...p, 0, 0], pack);
      u32.set(t, token);
      expect(e.parseItems(1, base, 100, 10)).toBe(0);
      expect([u32[pack + PACK_MAC_TABLE], u32[pack + PACK_OUT]]).toEqual([PACK_DECLINED, PACK_DECLINED]);
    }
    expect([PACK_DATA, PACK_END, PACK_TOKEN_COUNT, PACK_TOKENS]).toEqual([0, 1, 2, 3]);
    expect([TOKEN_OFF, TOKEN_LEN, TOKEN_BINARY, TOKEN_WORDS]).toEqual([0, 1, 2, 3]);
  });

  it('refuses an exact table outside memory, without a free slot, or naming bytes outside memory', () => {
    const engine = createWasmEngine(module);
    const e = engine.exports;
    const size = e.memory.buffer.byteLength;
    const base = engine.tablesStart();
    const set = new ByteSet();
    for (const p of ['a = 1', 'b = 2', 'c = 3']) set.add(utf8(p));
    const at = base + 4096;
    const { u8, u32 } = engine.reserve(at + exactTableBytes(set) + 16);
    const scratch = base + 8192;
    engine.reserve(scratch + 4096);
    writeExactTable(set, u8, u32, at);
    // An empty batch with a sound table is fine; the broken tables are refused before any job.
    expect(e.verifyBatch(0, base, scratch, 4096, 0, 16, at, 0)).toBe(0);
    expect(e.verifyBatch(0, base, scratch, 4096, 0, 16, size - 2, 0)).toBe(-1);
    // Clocks (an f64 per job) only with a table, and only inside memory.
    expect(e.verifyBatch(2, base, scratch, 4096, 0, 16, at, size - 8)).toBe(-1);
    expect(e.verifyBatch(0, base, scratch, 4096, 0, 16, 0, base)).toBe(-1);
    expect(e.verifyBatch(0, base, scratch, 4096, 0, 16, at, size - 8)).toBe(0);
    const slots = u32[at >>> 2] as number;
    u32[at >>> 2] = 6; // not a power of two
    expect(e.verifyBatch(0, base, scratch, 4096, 0, 16, at, 0)).toBe(-1);
    u32[at >>> 2] = slots;
    const first = (at >>> 2) + EXACT_HEADER_WORDS;
    const used = Array.from({ length: slots }, (_, i) => first + i * EXACT_SLOT_WORDS + EXACT_OFF).find(
      (w) => u32[w] !== 0xffffffff,
    ) as number;
    const saved = u32[used] as number;
    u32[used] = size - 2;
    expect(e.verifyBatch(0, base, scratch, 4096, 0, 16, at, 0)).toBe(-1);
    u32[used] = saved;
    for (let i = 0; i < slots; i++) u32[first + i * EXACT_SLOT_WORDS + EXACT_OFF] = saved;
    expect(e.verifyBatch(0, base, scratch, 4096, 0, 16, at, 0)).toBe(-1);
  });

  it('matches exact predicates through its hash table as the TS engine does, for large sets', () => {
    const before = wasmEngineLoaded();
    setWasmEngine(createWasmEngine(module));
    try {
      const predicates = Array.from({ length: 600 }, (_, i) => `p${i} = ${'x'.repeat(i % 37)}`);
      const key = 'k'.repeat(32);
      const items = Array.from({ length: 200 }, (_, t) => {
        let m = Macaroon.create('https://svc/', key, `tok-${t}`);
        for (let c = 0; c < 1 + (t % 9); c++) {
          const i = (t * 7 + c * 13) % 700; // some beyond the set
          m = m.addFirstPartyCaveat(i < 600 ? (predicates[i] as string) : `p${i} = none`);
        }
        if (t % 5 === 0) m = m.addFirstPartyCaveat(''); // an empty caveat
        return { macaroon: m.serialize(), rootKey: key, discharges: [] };
      });
      const make = (engine: 'js' | 'wasm', exact: number) => {
        const v = new Verifier({ engine });
        for (const p of predicates.slice(0, exact)) v.satisfyExact(p);
        return v;
      };
      for (const exact of [0, 1, 7, 600]) {
        const outcome = (r: { ok: boolean; error?: Error }) => (r.ok ? 'ok' : r.error?.message);
        const expected = make('js', exact).verifyBatch(items).map(outcome);
        expect(make('wasm', exact).verifyBatch(items).map(outcome)).toEqual(expected);
        if (exact === 600) expect(expected.filter((o) => o === 'ok').length).toBeGreaterThan(10);
      }
    } finally {
      setWasmEngine(before);
    }
  });
});

describe('the exact table hash', () => {
  it('is FNV-1a over little-endian words, then the last bytes, started from the length', () => {
    const reference = (b: Uint8Array) => {
      let h = (0x811c9dc5 ^ b.length) >>> 0;
      let i = 0;
      for (; i + 4 <= b.length; i += 4) {
        h = Math.imul(h ^ new DataView(b.buffer, b.byteOffset + i, 4).getUint32(0, true), 0x01000193) >>> 0;
      }
      for (; i < b.length; i++) h = Math.imul(h ^ (b[i] as number), 0x01000193) >>> 0;
      return h;
    };
    for (let n = 0; n < 40; n++) {
      const b = randomBytes(n);
      expect(exactHash(b)).toBe(reference(b));
    }
  });
});
