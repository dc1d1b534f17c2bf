/**
 * Which engines are available. The TS engine always is; the WASM engine becomes available when `ready()`
 * has loaded it.
 */
import { EngineError, InvalidArgumentError } from '../errors.js';
import { tsEngine } from './ts.js';
import type { Engine } from './types.js';

export type EngineChoice = 'auto' | 'wasm' | 'js';

let wasmEngine: Engine | undefined;

/** @internal Called by the WASM loader once its module is instantiated. */
export function setWasmEngine(engine: Engine | undefined): void {
  wasmEngine = engine;
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
      if (!wasmEngine)
        throw new EngineError("the WASM engine is not loaded: await ready() before using engine: 'wasm'");
      return wasmEngine;
    default:
      throw new InvalidArgumentError("engine must be 'auto', 'wasm' or 'js'");
  }
}
