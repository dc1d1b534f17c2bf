/**
 * The engine modules embedded in the package, compiled from bytes (not possible in workerd, whose entry
 * imports dist/wasm/*.wasm instead). The SIMD build is used where the runtime validates it (V8 on x64
 * needs SSE4.1 for WASM SIMD); the scalar build everywhere else.
 */
import { base64Decode } from '../codec/base64.js';

export type WasmBuild = 'simd' | 'scalar';

async function embedded(build: WasmBuild): Promise<Uint8Array<ArrayBuffer>> {
  const builds = await import('./wasm-bytes.js');
  return base64Decode(builds[build], 'embedded engine module') as Uint8Array<ArrayBuffer>;
}

/** The build this runtime can run: SIMD when it validates, otherwise scalar. */
export async function preferredBuild(): Promise<WasmBuild> {
  return WebAssembly.validate(await embedded('simd')) ? 'simd' : 'scalar';
}

/** Compiles one embedded build (asynchronously, as browsers require for all but tiny modules). */
export async function compileEngineModule(build: WasmBuild): Promise<WebAssembly.Module> {
  return WebAssembly.compile(await embedded(build));
}
