/**
 * The engine modules embedded in the package, compiled from bytes (not possible in workerd, whose entry
 * imports dist/wasm/*.wasm instead). The SIMD build is used where the runtime validates and compiles it;
 * the scalar build everywhere else.
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

/**
 * The fastest build this runtime runs. Validation alone is not enough: V8 on an x64 CPU without SSE4.1
 * validates SIMD but refuses to compile it ("Wasm SIMD unsupported", lodestar #7177), so a SIMD build
 * that fails to compile falls back to the scalar one.
 */
export async function compileBestEngineModule(): Promise<WebAssembly.Module> {
  if ((await preferredBuild()) === 'simd') {
    try {
      return await compileEngineModule('simd');
    } catch {
      // Fall through to the scalar build, which needs no CPU feature.
    }
  }
  return compileEngineModule('scalar');
}
