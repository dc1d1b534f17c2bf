/**
 * The engines every engine-independent suite runs against. One suite, every engine, as noble runs one
 * suite against each of its builds. The WASM engine joins this list when it exists.
 */
import { ready } from '../src/index.js';

export const ENGINES = ['js'] as const;
export type EngineName = (typeof ENGINES)[number];

export async function loadEngines(): Promise<void> {
  await ready();
}
