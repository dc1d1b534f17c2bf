/**
 * The engines every engine-independent suite runs against. One suite, every engine, as noble runs one
 * suite against each of its builds. Importing this module loads the WASM engine (top-level await), so a
 * suite that only iterates ENGINES also gets it; loadEngines() is the explicit form for beforeAll.
 */
import { ready } from '../src/index.js';

export const ENGINES = ['js', 'wasm'] as const;
export type EngineName = (typeof ENGINES)[number];

export async function loadEngines(): Promise<void> {
  const info = await ready();
  if (!info.engine.startsWith('wasm'))
    throw new Error(`the WASM engine did not load (auto is ${info.engine})`);
}

await loadEngines();
