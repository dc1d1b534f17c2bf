/**
 * Installs the WASM engine from a precompiled `WebAssembly.Module`: for runtimes that forbid compiling
 * from bytes (Cloudflare workerd, Vercel Edge), whose entry imports the `.wasm` file as a module and
 * passes it here. Either build (dist/wasm/macaroon-simd.wasm or macaroon-scalar.wasm) may be given.
 */
import { type ReadyInfo, setWasmEngine } from './registry.js';
import { createWasmEngine } from './wasm.js';

/**
 * Installs the WebAssembly engine from a compiled module (either build) and returns the engine 'auto'
 * now uses.
 *
 * @example
 * ```ts
 * import { initWasm } from 'macaroon-engine/wasm';
 * import engineModule from 'macaroon-engine/wasm/macaroon-simd.wasm';
 *
 * initWasm(engineModule); // { engine: 'wasm-simd' }
 * ```
 */
export function initWasm(module: WebAssembly.Module, instance?: WebAssembly.Instance): ReadyInfo {
  const engine = createWasmEngine(module, instance ? { instance } : {});
  setWasmEngine(engine);
  return { engine: engine.name };
}
