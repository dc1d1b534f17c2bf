/**
 * Loading the WASM engine (ready(), initWasm, a failed load) and choosing the build a runtime runs.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  selectEngine,
  setWasmEngine,
  setWasmLoadError,
  wasmEngineLoaded,
} from '../../src/engine/registry.js';
import { createWasmEngine } from '../../src/engine/wasm.js';
import * as builds from '../../src/engine/wasm-bytes.js';
import { initWasm } from '../../src/engine/wasm-init.js';
import { compileBestEngineModule, preferredBuild } from '../../src/engine/wasm-modules.js';
import { base64Decode, EngineError, Macaroon, ready, Verifier } from '../../src/index.js';
import { BUILDS, hex } from './fixtures.js';

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
