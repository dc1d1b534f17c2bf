import { createHash, createHmac, randomBytes } from 'node:crypto';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { describe, expect, it, vi } from 'vitest';
import { base64DecodeInto } from '../src/codec/base64.js';
import { selectEngine, setWasmEngine, setWasmLoadError, wasmEngineLoaded } from '../src/engine/registry.js';
import { verifyMacaroons } from '../src/engine/ts.js';
import type { ChainMacaroon, EngineItem, WalkPolicy } from '../src/engine/types.js';
import { CHUNK_BYTES, createWasmEngine, type WasmEngine } from '../src/engine/wasm.js';
import * as builds from '../src/engine/wasm-bytes.js';
import { initWasm } from '../src/engine/wasm-init.js';
import { compileBestEngineModule, preferredBuild } from '../src/engine/wasm-modules.js';
import { base64Decode, EngineError, Macaroon, ready, Verifier } from '../src/index.js';
import { macaroonData } from '../src/macaroon.js';

const POLICY: WalkPolicy = { allowUnusedDischarges: false, maxDischargeDepth: 16 };
const scalarModule = new WebAssembly.Module(Buffer.from(builds.scalar, 'base64'));
const simdModule = new WebAssembly.Module(Buffer.from(builds.simd, 'base64'));
/** Both builds; every suite below runs against each (SIMD needs a CPU with SSE4.1 or NEON, as CI has). */
const BUILDS = [
  ['wasm-scalar', scalarModule],
  ['wasm-simd', simdModule],
] as const;
/** An engine item of decoded macaroons and a byte key. */
type Job = EngineItem & { readonly rootKey: Uint8Array; readonly macaroons: readonly ChainMacaroon[] };
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function jobOf(rootKey: string | Uint8Array, m: Macaroon, discharges: Macaroon[] = []): Job {
  const key = typeof rootKey === 'string' ? new TextEncoder().encode(rootKey) : rootKey;
  return { rootKey: key, macaroons: [m, ...discharges].map(macaroonData) };
}

// This file runs in its own module graph: nothing has called ready() before the first test.
describe('loading', () => {
  it("refuses engine: 'wasm' before ready() and uses TS for 'auto'", () => {
    const m = Macaroon.create('', 'k', 'id');
    expect(() => new Verifier({ engine: 'wasm' }).verify(m, 'k')).toThrow(EngineError);
    expect(new Verifier().engine).toBe('js');
  });

  it('ready() loads the build this runtime supports, and calling it again returns the same engine', async () => {
    const first = await ready();
    expect(first.engine).toBe(`wasm-${preferredBuild()}`);
    const engine = wasmEngineLoaded();
    expect(await ready()).toEqual(first);
    expect(wasmEngineLoaded()).toBe(engine);
    expect(new Verifier().engine).toBe(first.engine);
    expect(selectEngine('auto')).toBe(engine);
  });

  it("says why engine: 'wasm' is unavailable when the module could not be loaded", async () => {
    await ready();
    const before = wasmEngineLoaded();
    try {
      setWasmEngine(undefined);
      setWasmLoadError(new WebAssembly.CompileError('Wasm code generation disallowed by embedder'));
      let error: unknown;
      try {
        selectEngine('wasm');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EngineError);
      expect((error as Error).message).toContain('disallowed by embedder');
      expect(selectEngine('auto').name).toBe('js');
    } finally {
      setWasmEngine(before);
    }
    expect(selectEngine('wasm')).toBe(before);
  });

  it('initWasm installs an engine from a precompiled module of either build (the workerd path)', async () => {
    await ready();
    const before = wasmEngineLoaded();
    try {
      for (const [name, module] of BUILDS) {
        expect(initWasm(module)).toEqual({ engine: name });
        expect(wasmEngineLoaded()?.name).toBe(name);
        const m = Macaroon.create('', 'k', 'id').addFirstPartyCaveat('a = 1');
        expect(new Verifier({ engine: 'wasm' }).satisfyExact('a = 1').verifyUnsafe(m, 'k')).toBe(true);
      }
    } finally {
      setWasmEngine(before);
    }
  });
});

describe('choosing a build', () => {
  it('decodes embedded base64 of every length, as Buffer does', () => {
    for (let n = 0; n <= 70; n++) {
      const bytes = randomBytes(n);
      expect(hex(base64Decode(bytes.toString('base64')))).toBe(bytes.toString('hex'));
    }
    // The embedded builds decode to the very bytes of the build output.
    expect(base64Decode(builds.scalar)).toEqual(new Uint8Array(Buffer.from(builds.scalar, 'base64')));
    expect(base64Decode(builds.simd)).toEqual(new Uint8Array(Buffer.from(builds.simd, 'base64')));
  });

  it('detects SIMD with a probe module, as validating the whole SIMD build does', () => {
    expect(preferredBuild() === 'simd').toBe(WebAssembly.validate(Buffer.from(builds.simd, 'base64')));
  });

  // Meaningful only where SIMD validates (the first compile attempted is then the SIMD one).
  it.runIf(WebAssembly.validate(Buffer.from(builds.simd, 'base64')))(
    'falls back to the scalar build when the SIMD one validates but does not compile',
    async () => {
      // What V8 does on an x64 CPU without SSE4.1: "CompileError: Wasm SIMD unsupported".
      const compile = vi
        .spyOn(WebAssembly, 'compile')
        .mockRejectedValueOnce(new WebAssembly.CompileError('Wasm SIMD unsupported'));
      try {
        const module = await compileBestEngineModule();
        expect(createWasmEngine(module).name).toBe('wasm-scalar');
        expect(compile).toHaveBeenCalledTimes(2);
      } finally {
        compile.mockRestore();
      }
      expect(createWasmEngine(await compileBestEngineModule()).name).toBe(`wasm-${preferredBuild()}`);
    },
  );
});

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
    expect(e.verifyBatch(1_000_000, size - 8, base + 4096, 4096, 0, 16, 0)).toBe(-1);
    expect(e.verifyBatch(1, base, 16, 4096, 0, 16, 0)).toBe(-1);
    const u32 = new Uint32Array(e.memory.buffer);
    const job = base >>> 2;
    const mac = job + 8;
    u32.set([base + 512, 32, 1, mac * 4, base + 1024], job);
    u32.set([size - 4, 64, 0, base + 1536, base + 600, 32], mac);
    expect(e.verifyBatch(1, base, base + 4096, 4096, 0, 16, 0)).toBe(-2);
    u32.set([base + 700, 5, 1, base + 1536, base + 600, 32], mac);
    u32.set([base, 4, size - 10, 72], (base + 1536) >>> 2);
    expect(e.verifyBatch(1, base, base + 4096, 4096, 0, 16, 0)).toBe(-2);
    // The same job with its fields in bounds verifies (and fails only on its signature).
    u32.set([base + 700, 5, 0xffffffff, 0], (base + 1536) >>> 2);
    expect(e.verifyBatch(1, base, base + 4096, 4096, 0, 16, 0)).toBe(0);
    expect(Array.from(new Int32Array(e.memory.buffer, base + 1024, 5))).toEqual([1, 0, -1, 1, 0]);
    // Two jobs (the SIMD build's lanes): the second one's macaroon table lies outside memory.
    u32.set([base + 512, 32, 1, mac * 4, base + 1024, base + 512, 32, 1, size - 8, base + 1100], job);
    u32.set([base + 700, 5, 0, base + 1536, base + 600, 32], job + 10);
    expect(e.verifyBatch(2, base, base + 4096, 4096, 0, 16, 0)).toBe(-2);
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

describe.each(BUILDS)(
  '%s: the serialized batch path (verifyBatch on token strings and bytes)',
  (_name, module) => {
    /** Runs `body` with a fresh engine of this build installed for engine: 'wasm'. */
    function withEngine<T>(body: (engine: WasmEngine) => T): T {
      const before = wasmEngineLoaded();
      const engine = createWasmEngine(module);
      setWasmEngine(engine);
      try {
        return body(engine);
      } finally {
        setWasmEngine(before);
      }
    }

    it('decodes base64 in place exactly as base64Decode, and declines what it does not take', () => {
      withEngine((engine) => {
        const samples: string[] = [];
        for (let n = 0; n < 70; n++) {
          const bytes = randomBytes(n);
          const std = bytes.toString('base64');
          const url = bytes.toString('base64url');
          samples.push(std, std.replace(/=+$/, ''), url, `${url}${'='.repeat((4 - (url.length % 4)) % 4)}`);
          // Forms left to the general decoder (some of which it accepts, some it refuses).
          samples.push(
            ` ${url}`,
            `${url}\n`,
            `${url}=`,
            `${url}==`,
            `${url}A`,
            `${url.slice(0, 3)}=${url.slice(3)}`,
          );
          samples.push(`${url}é`, `${url}*`, `${url}====`, url.slice(1));
        }
        const at = engine.tablesStart();
        for (const text of samples) {
          let expected: Uint8Array | undefined;
          try {
            expected = base64Decode(text);
          } catch {
            expected = undefined;
          }
          const { u8 } = engine.reserve(at + text.length * 4 + 16);
          const plain = /^[A-Za-z0-9+/_-]*=*$/.test(text) && !(text.endsWith('=') && text.length % 4 !== 0);
          // The JS decoder of the same forms (for modules without the export).
          const js = base64DecodeInto(text, u8, at);
          if (js >= 0) expect(hex(u8.subarray(at, at + js))).toBe(hex(expected as Uint8Array));
          const { written } = new TextEncoder().encodeInto(text, u8.subarray(at));
          const n = engine.decodeBase64InPlace(at, written);
          if (n >= 0) expect(hex(u8.subarray(at, at + n))).toBe(hex(expected as Uint8Array));
          // Every plain form that base64Decode accepts is taken; nothing else is.
          const taken = plain && expected !== undefined;
          expect(n >= 0).toBe(taken);
          expect(js >= 0).toBe(taken);
        }
        expect(engine.decodeBase64InPlace(engine.exports.memory.buffer.byteLength - 2, 4)).toBe(-1);
        expect(engine.decodeBase64InPlace(0, 4)).toBe(-1); // the module's own data
      });
    });

    it('stays at a fixed size and wipes root keys over many batches', () => {
      withEngine((engine) => {
        const rootKey = randomBytes(32);
        const caveatKey = randomBytes(32);
        const m = Macaroon.create('', rootKey, 'id')
          .addFirstPartyCaveat('a = 1')
          .addThirdPartyCaveat('tp', caveatKey, 'cid');
        const d = m.prepareForRequest(Macaroon.create('tp', caveatKey, 'cid').addFirstPartyCaveat('b = 2'));
        const v = new Verifier({ engine: 'wasm' }).satisfyExact('a = 1').satisfyGeneral((p) => p === 'b = 2');
        const items = Array.from({ length: 3000 }, (_, i) => ({
          macaroon: i % 2 ? m.serialize() : m.toBytes('v2'),
          rootKey: i % 1000 === 999 ? randomBytes(32) : rootKey,
          discharges: [d.serialize()],
        }));
        const sizes: number[] = [];
        for (let batch = 0; batch < 30; batch++) {
          const results = v.verifyBatch(items);
          expect(results.filter((r) => !r.ok).length).toBe(3);
          sizes.push(engine.exports.memory.buffer.byteLength);
        }
        expect(new Set(sizes.slice(1)).size).toBe(1);
        const memory = Buffer.from(engine.exports.memory.buffer);
        const derive = (k: Uint8Array) => createHmac('sha256', 'macaroons-key-generator').update(k).digest();
        for (const secret of [rootKey, derive(rootKey), caveatKey, derive(caveatKey)]) {
          expect(memory.indexOf(secret)).toBe(-1);
        }
      });
    });

    it('grows memory by about the size of the text for a request at the limits, not a multiple of it', () => {
      withEngine((engine) => {
        const text = 'A'.repeat(64 * 1024); // decodes to zero bytes: not a V2 token
        const item = { macaroon: text, rootKey: 'k', discharges: Array<string>(64).fill(text) };
        const [result] = new Verifier({ engine: 'wasm' }).verifyBatch([item]);
        expect(result?.error?.code).toBe('ERR_DECODE');
        // 65 texts of 64 KiB; tables bounded by maxCaveats per token, not by the text length.
        expect(engine.exports.memory.buffer.byteLength).toBeLessThan(65 * 64 * 1024 + 2 * 1024 * 1024);
      });
    });

    it('survives a general check that verifies in turn (which reuses the same memory)', () => {
      withEngine(() => {
        const inner = Macaroon.create('', 'inner key', 'inner').addFirstPartyCaveat('z = 1');
        const innerVerifier = new Verifier({ engine: 'wasm' }).satisfyExact('z = 1');
        const make = (engine: 'js' | 'wasm') =>
          new Verifier({ engine }).satisfyExact('a = 1').satisfyGeneral((p) => {
            // Verify other tokens from inside the check, then answer from the predicate.
            const nested = innerVerifier.verifyBatch([
              { macaroon: inner.serialize(), rootKey: 'inner key' },
              { macaroon: inner.serialize(), rootKey: 'wrong' },
            ]);
            return nested[0]?.ok === true && nested[1]?.ok === false && p.startsWith('ok');
          });
        const items = Array.from({ length: 40 }, (_, i) => {
          let m = Macaroon.create('', `key ${i}`, `id ${i}`).addFirstPartyCaveat('a = 1');
          m = m.addFirstPartyCaveat(i % 3 === 0 ? 'nope' : `ok ${i}`).addFirstPartyCaveat(`ok again ${i}`);
          return { macaroon: m.serialize(), rootKey: `key ${i}` };
        });
        const outcome = (results: { ok: boolean; error?: Error }[]) =>
          results.map((r) => (r.ok ? 'ok' : (r.error?.message ?? 'no error')));
        const expected = outcome(make('js').verifyBatch(items));
        expect(expected.filter((r) => r === 'ok').length).toBe(26);
        expect(outcome(make('wasm').verifyBatch(items))).toEqual(expected);
      });
    });

    it('splits a batch larger than its chunk bound without changing any result', () => {
      withEngine(() => {
        let m = Macaroon.create('', 'big', 'big');
        for (let i = 0; i < 40; i++) m = m.addFirstPartyCaveat(`${i}${'c'.repeat(300)}`);
        const token = m.serialize();
        const count = Math.ceil((1.5 * CHUNK_BYTES) / token.length);
        const items = Array.from({ length: count }, (_, i) => ({
          macaroon: i % 5 === 4 ? m.toBytes('v2') : token,
          rootKey: i % 7 === 3 ? 'wrong' : 'big',
        }));
        const make = (engine: 'js' | 'wasm') =>
          new Verifier({ engine }).satisfyGeneral((p) => p.endsWith('c'));
        const ok = (results: { ok: boolean }[]) => results.map((r) => r.ok);
        const expected = ok(make('js').verifyBatch(items));
        expect(expected.filter((r) => !r).length).toBe(Math.floor((count + 3) / 7));
        expect(ok(make('wasm').verifyBatch(items))).toEqual(expected);
      });
    });
  },
);
