// Everything one runtime must pass, against the installed package: ready() and which engine it loaded,
// the walk-through, the peers' vectors and a W1 batch, each with the WASM engine and with the TS engine;
// then each other WASM build, installed through `macaroon-engine/wasm`, on the same checks.
import { EngineError, ready, Verifier } from 'macaroon-engine';
import { initWasm } from 'macaroon-engine/wasm';
import { checkBakery } from './checks/bakery.js';
import { checkFly } from './checks/fly.js';
import { checkHttpBakery } from './checks/httpbakery.js';
import { check, createReport, fail } from './checks/report.js';
import { checkChains, checkVectors } from './checks/vectors.js';
import { checkW1Batch, mintW1Batch } from './checks/w1.js';
import { checkMinting, checkVerifying } from './checks/walkthrough.js';

/**
 * `vectorFiles`: [{ name, data }]. `requireWasm`: a runtime where the WASM engine does not load fails.
 * `now`: a millisecond clock (workerd freezes its clocks while a request runs, so it passes none).
 * `builds`: { simd, scalar } → async () => WebAssembly.Module, each obtained the runtime's own way.
 */
export async function runChecks({ vectorFiles, w1Count = 1000, requireWasm = true, now, builds = {} }) {
  const report = createReport();
  const info = await ready();
  report.engine = info.engine;
  const engines = info.engine === 'js' ? ['js'] : ['wasm', 'js'];
  check(report, 'engine', `ready() loaded the WASM engine (auto is ${info.engine})`, () => {
    return !requireWasm || info.engine.startsWith('wasm');
  });
  if (info.engine === 'js') {
    try {
      new Verifier({ engine: 'wasm' }).verifyUnsafe('', '');
    } catch (e) {
      if (e instanceof EngineError) report.wasmError = e.message;
    }
  }

  checkMinting(report);
  checkFly(report);
  for (const engine of engines) checkVerifying(report, engine);
  report.vectorCases = checkVectors(report, vectorFiles, engines);
  report.chains = checkChains(report, vectorFiles);
  await checkBakery(report, engines);
  await checkHttpBakery(report);
  check(report, 'vectors', 'there are vector cases and published chains to check', () => {
    return Object.values(report.vectorCases).some((n) => n > 0) && report.chains > 0;
  });

  const clock = now ?? (() => Number.NaN);
  const batch = mintW1Batch(w1Count);
  report.w1 = { count: w1Count, batchMs: {} };
  const timeBatch = (engine) => {
    const { engine: name, ms } = checkW1Batch(report, batch, engine, clock);
    report.w1.batchMs[name] = now ? Math.round(ms * 100) / 100 : null;
  };
  for (const engine of engines) timeBatch(engine);

  report.builds = [info.engine];
  for (const [build, load] of Object.entries(builds)) {
    if (`wasm-${build}` === info.engine) continue;
    let module;
    try {
      module = await load();
    } catch (e) {
      fail(report, `build/${build}`, `the module does not load: ${e?.message ?? e}`);
      continue;
    }
    const installed = initWasm(module);
    check(report, `build/${build}`, `initWasm installs it (${installed.engine})`, () => {
      return (
        installed.engine === `wasm-${build}` && new Verifier({ engine: 'wasm' }).engine === installed.engine
      );
    });
    report.builds.push(installed.engine);
    checkVerifying(report, 'wasm');
    checkVectors(report, vectorFiles, ['wasm'], { decoding: false });
    timeBatch('wasm');
  }
  return report;
}
