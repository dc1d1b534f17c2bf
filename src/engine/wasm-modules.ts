/**
 * The engine modules embedded in the package, compiled from bytes (not possible in workerd, whose entry
 * imports dist/wasm/*.wasm instead). The SIMD build is used where the runtime validates and compiles it;
 * the scalar build everywhere else.
 */
import { base64Decode } from '../codec/base64.js';

export type WasmBuild = 'simd' | 'scalar';

/**
 * The smallest module using a SIMD instruction (a function returning `v128.const 0`): validating it
 * tells whether the runtime knows WASM SIMD without decoding the whole SIMD build.
 */
const SIMD_PROBE = Uint8Array.of(
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version
  ...[0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b], // type section: () -> v128
  ...[0x03, 0x02, 0x01, 0x00], // function section: one function of type 0
  ...[0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, ...new Array<number>(16).fill(0), 0x0b], // v128.const 0
);

async function embedded(build: WasmBuild): Promise<Uint8Array<ArrayBuffer>> {
  const builds = await import('./wasm-bytes.js');
  return decodeWithModule(builds.bootstrap, builds[build]) ?? base64Decode(builds[build]);
}

interface BootstrapExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  decodeBase64InPlace(at: number, len: number): number;
}

/**
 * `text` (standard base64) decoded by the small module `bootstrap` (assembly/bootstrap.ts, itself decoded
 * by the TS decoder: it is under a kilobyte, small enough to compile synchronously anywhere), or
 * undefined when that module cannot run here: the TS decoder then decodes the text.
 */
export function decodeWithModule(bootstrap: string, text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(base64Decode(bootstrap)), {});
    const x = instance.exports as unknown as BootstrapExports;
    const at = (x.heapBase() + 15) & ~15;
    const end = at + text.length;
    if (end > x.memory.buffer.byteLength)
      x.memory.grow(Math.ceil((end - x.memory.buffer.byteLength) / 65536));
    const u8 = new Uint8Array(x.memory.buffer);
    const { read, written } = new TextEncoder().encodeInto(text, u8.subarray(at, end));
    if (read !== text.length || written !== text.length) return undefined;
    const n = x.decodeBase64InPlace(at, text.length);
    return n < 0 ? undefined : u8.slice(at, at + n);
  } catch {
    return undefined;
  }
}

/** The build this runtime can run: SIMD when it validates, otherwise scalar. */
export function preferredBuild(): WasmBuild {
  return WebAssembly.validate(SIMD_PROBE) ? 'simd' : 'scalar';
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
  if (preferredBuild() === 'simd') {
    try {
      return await compileEngineModule('simd');
    } catch {
      // Fall through to the scalar build, which needs no CPU feature.
    }
  }
  return compileEngineModule('scalar');
}
