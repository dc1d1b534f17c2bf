// This library's engines through its public API (dist/, as a user imports it): one token at a time with
// `verify`, and many per call with `verifyBatch`. The WASM engine joins when `ready()` reports it loaded.
// The time caveats are checked by the library's own `timeBefore`, as the README has users do (the
// WASM engine judges the ones it satisfies in the module); the other contenders check the same
// deadline with ../checks.js or the C harness's text comparison.
import { readdirSync, readFileSync } from 'node:fs';
import { timeBefore } from '../../dist/gateway/index.js';
import * as lib from '../../dist/index.js';

const { Macaroon, Verifier } = lib;
const WASM_DIR = new URL('../../dist/wasm/', import.meta.url);

function makeVerifier(engine, exact) {
  const v = new Verifier({ engine });
  for (const p of exact) v.satisfyExact(p);
  return v.satisfyGeneral(timeBefore);
}

function oneAtATime(id, label, engine) {
  return {
    id,
    label,
    format: 'v2',
    batch: false,
    verifier(checks) {
      const v = makeVerifier(engine, checks.exact);
      return (req) =>
        v.verifyUnsafe(
          Macaroon.deserialize(req.v2.token),
          req.rootKeyBytes,
          req.v2.discharges.map((d) => Macaroon.deserialize(d)),
        );
    },
  };
}

function batched(id, label, engine) {
  return {
    id,
    label,
    format: 'v2',
    batch: true,
    verifier(checks) {
      const v = makeVerifier(engine, checks.exact);
      return {
        items: (requests) =>
          requests.map((r) => ({
            macaroon: r.v2.token,
            rootKey: r.rootKeyBytes,
            discharges: r.v2.discharges,
          })),
        verify: (items) => v.verifyBatch(items).map((r) => r.ok),
      };
    },
  };
}

/**
 * `initWasm` installs a build from a compiled module. The package may not export it (the main entry loads
 * its build with `ready()`); dist/engine/wasm-init.js is the same module either way, sharing the engine
 * registry with the public API.
 */
async function findInitWasm() {
  if (typeof lib.initWasm === 'function') return lib.initWasm;
  try {
    return (await import('../../dist/engine/wasm-init.js')).initWasm;
  } catch {
    return undefined;
  }
}

/**
 * The WASM builds shipped in dist/wasm/ (macaroon-<build>.wasm). Each is installed with `initWasm` before
 * its contenders run, so the SIMD and the scalar builds are measured side by side in one process.
 */
async function wasmBuilds() {
  const initWasm = await findInitWasm();
  if (typeof initWasm !== 'function') return [];
  let files;
  try {
    files = readdirSync(WASM_DIR).filter((f) => /^macaroon-[a-z0-9]+\.wasm$/.test(f));
  } catch {
    return [];
  }
  const builds = [];
  for (const file of files.sort().reverse()) {
    const build = file.slice('macaroon-'.length, -'.wasm'.length);
    const bytes = readFileSync(new URL(file, WASM_DIR));
    if (!WebAssembly.validate(bytes)) {
      builds.push({ build, via: 'initWasm', unavailable: `this runtime or CPU rejects ${file}` });
      continue;
    }
    const module = await WebAssembly.compile(bytes);
    const instance = await WebAssembly.instantiate(module, {});
    builds.push({ build, via: 'initWasm', bytes: bytes.length, activate: () => initWasm(module, instance) });
  }
  return builds;
}

function wasmContenders({ build, unavailable, activate }) {
  const list = [
    batched(`wasm-${build}-batch`, `this library, WASM ${build}, verifyBatch`, 'wasm'),
    oneAtATime(`wasm-${build}-one`, `this library, WASM ${build}, one at a time`, 'wasm'),
  ];
  for (const c of list) {
    if (unavailable) c.unavailable = unavailable;
    if (activate) c.activate = activate;
  }
  return list;
}

/**
 * Not a contender: the cost of `Macaroon.deserialize` for the root and its discharges alone, the floor
 * under every figure of this library's one-at-a-time path. It verifies nothing, so it skips the verdict
 * check and stays out of the charts and targets.
 */
export function parseFloor() {
  return {
    id: 'parse-only',
    label: 'floor: Macaroon.deserialize only, no verification',
    format: 'v2',
    batch: false,
    diagnostic: true,
    verifier: () => (req) => {
      Macaroon.deserialize(req.v2.token);
      for (const d of req.v2.discharges) Macaroon.deserialize(d);
      return true;
    },
  };
}

/** The library's contenders, what `ready()` said, and the WASM builds found. */
export async function libraryContenders() {
  const t0 = performance.now();
  const info = await lib.ready();
  const readyMs = performance.now() - t0;
  const ts = [
    batched('ts-batch', 'this library, TS engine, verifyBatch', 'js'),
    oneAtATime('ts-one', 'this library, TS engine, one at a time', 'js'),
  ];
  const loaded = typeof info.engine === 'string' && info.engine.startsWith('wasm');
  if (!loaded) {
    // What a user gets: without a WASM engine from ready(), there is no WASM figure to publish.
    let why = `ready() reports engine '${info.engine}'`;
    try {
      new lib.Verifier({ engine: 'wasm' }).engine;
    } catch (e) {
      why += `: ${e instanceof Error ? e.message : String(e)}`;
    }
    const build = { build: 'engine', via: 'ready()', unavailable: why };
    return { contenders: [...wasmContenders(build), ...ts], info, readyMs, builds: [build] };
  }
  const builds = await wasmBuilds();
  if (builds.length > 0) {
    return { contenders: [...builds.flatMap(wasmContenders), ...ts], info, readyMs, builds };
  }
  // No build files to switch between: measure the build ready() loaded.
  const build = { build: info.engine.replace(/^wasm-/, ''), via: 'ready()' };
  return { contenders: [...wasmContenders(build), ...ts], info, readyMs, builds: [build] };
}
