/**
 * What the WASM engine's suites share: both builds compiled from the embedded bytes, a walk policy, and
 * engine items made of decoded macaroons.
 */
import type { ChainMacaroon, EngineItem, WalkPolicy } from '../../src/engine/types.js';
import * as builds from '../../src/engine/wasm-bytes.js';
import type { Macaroon } from '../../src/index.js';
import { macaroonData } from '../../src/macaroon.js';

export const POLICY: WalkPolicy = { allowUnusedDischarges: false, maxDischargeDepth: 16 };
export const scalarModule = new WebAssembly.Module(Buffer.from(builds.scalar, 'base64'));
export const simdModule = new WebAssembly.Module(Buffer.from(builds.simd, 'base64'));
/** Both builds; every suite runs against each (SIMD needs a CPU with SSE4.1 or NEON, as CI has). */
export const BUILDS = [
  ['wasm-scalar', scalarModule],
  ['wasm-simd', simdModule],
] as const;
/** An engine item of decoded macaroons and a byte key. */
export type Job = EngineItem & { readonly rootKey: Uint8Array; readonly macaroons: readonly ChainMacaroon[] };
export const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export function jobOf(rootKey: string | Uint8Array, m: Macaroon, discharges: Macaroon[] = []): Job {
  const key = typeof rootKey === 'string' ? new TextEncoder().encode(rootKey) : rootKey;
  return { rootKey: key, macaroons: [m, ...discharges].map(macaroonData) };
}
