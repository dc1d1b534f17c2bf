/**
 * Which engines are available. The TS engine always is; the WASM engine becomes available when `ready()`
 * (or `initWasm`) has loaded it.
 */
import { EngineError, InvalidArgumentError } from '../errors.js';
import { tsEngine } from './ts.js';
import type { Engine, EngineName } from './types.js';

/**
 * Which engine a Verifier uses: `auto` (the WebAssembly engine once `ready()` has loaded it, the
 * TypeScript engine before), `wasm` (required; throws EngineError before `ready()`), or `js`.
 *
 * @example
 * ```ts
 * const choice: EngineChoice = 'js';
 * new Verifier({ engine: choice }).engine; // 'js'
 * ```
 */
export type EngineChoice = 'auto' | 'wasm' | 'js';

export type { EngineName } from './types.js';

/**
 * What `ready()` and `initWasm` resolve with.
 *
 * @example
 * ```ts
 * const info: ReadyInfo = await ready();
 * console.log(info.engine); // 'wasm-simd' where SIMD is supported, 'wasm-scalar' else, 'js' without WebAssembly
 * ```
 */
export interface ReadyInfo {
  /** The engine 'auto' now uses. */
  readonly engine: EngineName;
}

let wasmEngine: Engine | undefined;
let wasmLoadError: unknown;

/** @internal Called by the WASM loader once its module is instantiated. */
export function setWasmEngine(engine: Engine | undefined): void {
  wasmEngine = engine;
  if (engine) wasmLoadError = undefined;
}

/** @internal Called by `ready()` when the module could not be loaded, so 'wasm' can say why. */
export function setWasmLoadError(error: unknown): void {
  wasmLoadError = error;
}

export function wasmEngineLoaded(): Engine | undefined {
  return wasmEngine;
}

export function selectEngine(choice: EngineChoice): Engine {
  switch (choice) {
    case 'js':
      return tsEngine;
    case 'auto':
      return wasmEngine ?? tsEngine;
    case 'wasm':
      if (!wasmEngine) {
        if (wasmLoadError !== undefined) {
          throw new EngineError(
            `the WASM engine could not be loaded (${wasmLoadError instanceof Error ? wasmLoadError.message : String(wasmLoadError)}); use engine: 'js' or 'auto'`,
            { cause: wasmLoadError },
          );
        }
        throw new EngineError("the WASM engine is not loaded: await ready() before using engine: 'wasm'");
      }
      return wasmEngine;
    default:
      throw new InvalidArgumentError("engine must be 'auto', 'wasm' or 'js'");
  }
}
