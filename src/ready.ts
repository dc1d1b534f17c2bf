/**
 * `ready()` loads the WebAssembly engine. Until the WASM engine exists (issue 3) it resolves at once and
 * the 'auto' engine is the TS one.
 */
import { wasmEngineLoaded } from './engine/registry.js';

export interface ReadyInfo {
  /** The engine 'auto' now uses. */
  readonly engine: string;
}

export async function ready(): Promise<ReadyInfo> {
  return { engine: wasmEngineLoaded()?.name ?? 'js' };
}
