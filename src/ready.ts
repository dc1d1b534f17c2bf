/**
 * `ready()` loads the WebAssembly engine asynchronously from the bytes embedded in the package (which
 * works in Node, Deno, Bun and browsers): the SIMD build where the runtime supports it, else the scalar one. Runtimes that forbid compiling from bytes (workerd) install it
 * with `initWasm` from a `.wasm` module import instead. Where WebAssembly is unavailable or refuses the
 * module, ready() still resolves and 'auto' keeps using the TS engine; engine: 'wasm' then says why.
 */
import { type ReadyInfo, setWasmLoadError, wasmEngineLoaded } from './engine/registry.js';
import { initWasm } from './engine/wasm-init.js';
import { compileBestEngineModule } from './engine/wasm-modules.js';

export type { ReadyInfo } from './engine/registry.js';

let loading: Promise<ReadyInfo> | undefined;

/**
 * Loads the WebAssembly engine once (later calls return the same promise) and resolves with the
 * engine `auto` now uses; it never rejects: without WebAssembly, `auto` keeps the TypeScript engine.
 *
 * @example
 * ```ts
 * const { engine } = await ready(); // 'wasm-simd', 'wasm-scalar' or 'js'
 * new Verifier().verify(token, rootKey); // on that engine
 * ```
 */
export function ready(): Promise<ReadyInfo> {
  const loaded = wasmEngineLoaded();
  if (loaded) return Promise.resolve({ engine: loaded.name });
  loading ??= load();
  return loading;
}

async function load(): Promise<ReadyInfo> {
  try {
    if (typeof WebAssembly !== 'object') throw new Error('WebAssembly is not available in this runtime');
    const module = await compileBestEngineModule();
    const instance = await WebAssembly.instantiate(module, {});
    // initWasm may have installed an engine while this one compiled; keep the first.
    if (!wasmEngineLoaded()) initWasm(module, instance);
  } catch (e) {
    setWasmLoadError(e);
  }
  return { engine: wasmEngineLoaded()?.name ?? 'js' };
}
