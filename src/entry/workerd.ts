/**
 * The entry for Cloudflare workerd and other Workers runtimes (the `workerd` and `worker` exports
 * conditions). They refuse to compile WebAssembly from bytes ("Wasm code generation disallowed by
 * embedder"), so this entry imports the engine as a `.wasm` module, which the runtime (or wrangler)
 * compiles at deploy time, and `ready()` only instantiates it. Everything else is the main entry.
 * The SIMD build, without probing: Workers support WebAssembly SIMD, and probing would need bytes.
 */
import { type ReadyInfo, setWasmLoadError, wasmEngineLoaded } from '../engine/registry.js';
import { initWasm } from '../engine/wasm-init.js';
import engineModule from '../wasm/macaroon-simd.wasm';

export * from '../index.js';

let installed: Promise<ReadyInfo> | undefined;

/**
 * Installs the WASM engine from the imported module; resolves with the engine 'auto' now uses.
 *
 * @example
 * ```ts
 * import { ready, Verifier } from 'macaroon-engine'; // this entry, under the `workerd` condition
 *
 * await ready(); // { engine: 'wasm-simd' }
 * new Verifier().engine; // 'wasm-simd'
 * ```
 */
export function ready(): Promise<ReadyInfo> {
  installed ??= Promise.resolve().then(install);
  return installed;
}

function install(): ReadyInfo {
  const loaded = wasmEngineLoaded();
  if (loaded) return { engine: loaded.name };
  try {
    return initWasm(engineModule);
  } catch (e) {
    // As in the main entry: 'auto' keeps the TS engine, and engine: 'wasm' reports this cause.
    setWasmLoadError(e);
    return { engine: 'js' };
  }
}
