// Fly.io tokens: the two headers superfly/macaroon's own benchmark verified (vectors/fly/bench-go.json,
// with its Go figures: the Go program, outside this repository, runs Go's testing.Benchmark on them and
// writes that file), verified here with the same key, access and clock on each path:
//   js            verifyFly, one header per call, HMAC chains on the TS engine;
//   wasm, single  verifyFly, one header per call, chains on the WASM engine (its best build);
//   wasm-simd / wasm-scalar batch   verifyFlyBatch of --batch headers per call (default 256), the chains
//                 of the whole batch through the engine's batched chain entry.
// `npm run build && node bench/fly.js [--clock=cpu|wall] [--seconds=1] [--rounds=5] [--batch=256] [--json]`.
// Every path is warmed up first, then measured for --seconds in each of --rounds rounds (paths
// interleaved, so a change in the machine's load touches them alike); the median round is reported.
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
const seconds = Number(arg('seconds', '1'));
const rounds = Number(arg('rounds', '5'));
const batchSize = Number(arg('batch', '256'));
if (!['cpu', 'wall'].includes(clock) || !(seconds > 0) || !(rounds >= 1) || !(batchSize >= 1)) {
  console.error(
    'usage: node bench/fly.js [--clock=cpu|wall] [--seconds=1] [--rounds=5] [--batch=256] [--json]',
  );
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

/** Checks that every header verifies (a benchmark of failures would be meaningless), then warms up. */
function prepare(run) {
  if (!run().every((r) => r.ok))
    throw new Error('a header does not verify: the benchmark would measure failures');
  const warm = performance.now();
  while (performance.now() - warm < 500) run();
}

/** One round of `run` (which verifies `perCall` headers per call): microseconds per token. */
function round(run, perCall) {
  let tokens = 0;
  const t0 = now();
  const wall0 = performance.now();
  while (performance.now() - wall0 < seconds * 1000) {
    run();
    tokens += perCall;
  }
  return ((now() - t0) * 1000) / tokens;
}

/** Each path: which build is installed as the 'wasm' engine, and a run of one call. */
function pathsFor(h) {
  const headers = new Array(batchSize).fill(h);
  return {
    js: { build: undefined, perCall: 1, run: () => [verifyFly(h, { ...options, engine: 'js' })] },
    'wasm, single': { build: 'simd', perCall: 1, run: () => [verifyFly(h, { ...options, engine: 'wasm' })] },
    'wasm-simd, batch': {
      build: 'simd',
      perCall: batchSize,
      run: () => verifyFlyBatch(headers, { ...options, engine: 'wasm' }),
    },
    'wasm-scalar, batch': {
      build: 'scalar',
      perCall: batchSize,
      run: () => verifyFlyBatch(headers, { ...options, engine: 'wasm' }),
    },
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = {};
const env = { ...machine(), clock, seconds, rounds, batch: batchSize, go: go.go };
for (const token of ['plain', 'thirdParty']) {
  const paths = pathsFor(go.tokens[token]);
  const samples = Object.fromEntries(Object.keys(paths).map((name) => [name, []]));
  for (const p of Object.values(paths)) {
    if (p.build) setWasmEngine(builds[p.build]);
    prepare(p.run);
  }
  for (let r = 0; r < rounds; r++) {
    for (const [name, p] of Object.entries(paths)) {
      if (p.build) setWasmEngine(builds[p.build]);
      samples[name].push(round(p.run, p.perCall));
    }
  }
  results[token] = {};
  for (const [name, us] of Object.entries(samples)) {
    const m = median(us);
    results[token][name] = {
      tokensPerSec: 1e6 / m,
      usPerToken: m,
      rounds: us.map((u) => Number(u.toFixed(2))),
    };
  }
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
