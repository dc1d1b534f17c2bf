// Fly.io tokens: the two headers superfly/macaroon's own benchmark verified (vectors/fly/bench-go.json,
// with its Go figures: the Go program, outside this repository, runs Go's testing.Benchmark on them and
// writes that file), verified here with the same key, access and clock on each path:
//   js            verifyFly, one header per call, HMAC chains on the TS engine;
//   wasm, single  verifyFly, one header per call, chains on the WASM engine (its best build);
//   wasm-simd / wasm-scalar batch   verifyFlyBatch of --batch headers per call (default 256), the chains
//                 of the whole batch through the engine's batched chain entry.
// `npm run build && node bench/fly.js [--clock=cpu|wall] [--seconds=2] [--batch=256] [--json]`.
// --clock=cpu measures this process's CPU time (use it on a shared machine; compare ratios).
import { readFileSync } from 'node:fs';
import { setWasmEngine } from '../dist/engine/registry.js';
import { createWasmEngine } from '../dist/engine/wasm.js';
import { compileEngineModule } from '../dist/engine/wasm-modules.js';
import { verifyFly, verifyFlyBatch } from '../dist/fly/index.js';
import { loadNow, machine } from './machine.js';

const arg = (name, fallback) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const clock = arg('clock', 'wall');
const seconds = Number(arg('seconds', '2'));
const batchSize = Number(arg('batch', '256'));
if (!['cpu', 'wall'].includes(clock) || !(seconds > 0) || !(batchSize >= 1)) {
  console.error('usage: node bench/fly.js [--clock=cpu|wall] [--seconds=2] [--batch=256] [--json]');
  process.exit(2);
}
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const now = clock === 'cpu' ? cpuNow : () => performance.now();

const go = JSON.parse(readFileSync(new URL('../vectors/fly/bench-go.json', import.meta.url), 'utf8'));
const key = Uint8Array.from(go.key.match(/../g), (h) => Number.parseInt(h, 16));
const options = { keys: () => key, access: { action: 'r', orgid: 450825, appid: 9 }, now: 1768000000 * 1000 };
const builds = {};
for (const build of ['simd', 'scalar']) builds[build] = createWasmEngine(await compileEngineModule(build));

/** Tokens per second of `run` (which verifies `perCall` headers and returns their results). */
function measure(run, perCall) {
  const check = run();
  if (!check.every((r) => r.ok))
    throw new Error('a header does not verify: the benchmark would measure failures');
  const warm = performance.now();
  while (performance.now() - warm < Math.min(1000, seconds * 500)) run();
  let tokens = 0;
  const t0 = now();
  const wall0 = performance.now();
  while (performance.now() - wall0 < seconds * 1000) {
    run();
    tokens += perCall;
  }
  const ms = now() - t0;
  return { tokensPerSec: tokens / (ms / 1000), usPerToken: (ms * 1000) / tokens };
}

const paths = {
  js: (h) => measure(() => [verifyFly(h, { ...options, engine: 'js' })], 1),
  'wasm, single': (h) => {
    setWasmEngine(builds.simd);
    return measure(() => [verifyFly(h, { ...options, engine: 'wasm' })], 1);
  },
  'wasm-simd, batch': (h) => {
    setWasmEngine(builds.simd);
    const headers = new Array(batchSize).fill(h);
    return measure(() => verifyFlyBatch(headers, { ...options, engine: 'wasm' }), batchSize);
  },
  'wasm-scalar, batch': (h) => {
    setWasmEngine(builds.scalar);
    const headers = new Array(batchSize).fill(h);
    return measure(() => verifyFlyBatch(headers, { ...options, engine: 'wasm' }), batchSize);
  },
};

const results = {};
const env = { ...machine(), clock, seconds, batch: batchSize, go: go.go };
for (const token of ['plain', 'thirdParty']) {
  results[token] = {};
  for (const [name, run] of Object.entries(paths)) results[token][name] = run(go.tokens[token]);
  const g = go[token];
  results[token]['superfly/macaroon (Go, CPU)'] = {
    tokensPerSec: 1e9 / g.cpuNsPerOp,
    usPerToken: g.cpuNsPerOp / 1000,
  };
  results[token]['superfly/macaroon (Go, wall)'] = {
    tokensPerSec: 1e9 / g.nsPerOp,
    usPerToken: g.nsPerOp / 1000,
  };
}
env.loadAverageAtEnd = loadNow();

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ env, results }, null, 2));
} else {
  console.log(
    `${env.cpu}, ${env.cores} cores, node ${process.versions.node}, ${clock === 'cpu' ? 'CPU time' : 'wall clock'}, load ${env.loadAverageAtStart.join(' ')} → ${env.loadAverageAtEnd.join(' ')}; Go figures from vectors/fly/bench-go.json (${go.go})`,
  );
  const rows = [];
  for (const [token, byPath] of Object.entries(results)) {
    const js = byPath.js.tokensPerSec;
    for (const [path, r] of Object.entries(byPath))
      rows.push({
        token,
        path,
        'tokens/s': Math.round(r.tokensPerSec),
        'µs/token': r.usPerToken.toFixed(1),
        'vs js': (r.tokensPerSec / js).toFixed(2),
      });
  }
  console.table(rows);
}
