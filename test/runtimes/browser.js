// The page script for Chromium, bundled with the `browser` condition: the driver calls
// runRuntimeChecks(vectorFiles) through the DevTools protocol.
import scalar from 'macaroon-engine/wasm/macaroon-scalar.wasm';
import simd from 'macaroon-engine/wasm/macaroon-simd.wasm';
import { runChecks } from './checks.js';

// The bundler (esbuild's binary loader here) hands each build over as bytes.
globalThis.runRuntimeChecks = async (vectorFiles) => {
  const report = await runChecks({
    vectorFiles,
    now: () => performance.now(),
    builds: { simd: () => WebAssembly.compile(simd), scalar: () => WebAssembly.compile(scalar) },
  });
  report.runtime = navigator.userAgent;
  return report;
};
