// `npm run bench` (full, writes bench/results/full.json, BENCHMARKS.md and docs/bench.svg) and
// `npm run bench -- --quick` or BENCH_QUICK=1 (under a minute, writes bench/results/quick.json only).
// Every contender runs in this one process on the same tokens, except libmacaroons (a C harness).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cacheHitBench } from './cache-hit.js';
import { coldStart } from './coldstart.js';
import { jsMacaroonContender } from './contenders/js-macaroon.js';
import { libmacaroonsContender } from './contenders/libmacaroons.js';
import { libraryContenders, parseFloor } from './contenders/library.js';
import { macaroonsJsContender } from './contenders/macaroons-js.js';
import { nodeCryptoContender } from './contenders/node-crypto.js';
import { measureFailures } from './failures.js';
import { loadNow, machine } from './machine.js';
import { assertVerdictCheckCanFail, measure } from './measure.js';
import { writeOutputs } from './render.js';
import { failuresTable, mainTable, problems, renderText, seriesTable } from './tables.js';
import { evaluateTargets } from './targets.js';
import { buildWorkload, SHAPES, scalingShape } from './workloads.js';

const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const MODE = quick
  ? {
      name: 'quick',
      requests: 256,
      main: { time: 200, warmupTime: 40, warmupTokens: 1500, rounds: 1 },
      series: { time: 100, warmupTime: 20, warmupTokens: 500, rounds: 1 },
      seriesRequests: 128,
      caveats: [0, 8, 64],
      batchSizes: [1, 64, 1024],
      failures: { count: 1024, rounds: 3, timeMs: 150, warmupTokens: 2048 },
      coldSamples: 3,
    }
  : {
      name: 'full',
      requests: 1024,
      // Seven short rounds rather than three long ones: on a machine whose speed drifts over seconds (a
      // shared host), the median of more rounds, each contender's spread over the run, moves far less.
      main: { time: 700, warmupTime: 150, warmupTokens: 16000, rounds: 7 },
      series: { time: 500, warmupTime: 100, warmupTokens: 4000, rounds: 2 },
      seriesRequests: 256,
      caveats: [0, 1, 2, 4, 8, 16, 32, 64],
      batchSizes: [1, 4, 16, 64, 256, 1024, 4096],
      failures: { count: 1024, rounds: 7, timeMs: 500, warmupTokens: 16000 },
      coldSamples: 7,
    };
// Set by whoever runs the suite on a busy machine, so the report says its figures are preliminary.
const preliminary = process.env.BENCH_PRELIMINARY === '1';
// 'wall' (default) times passes with performance.now(); 'cpu' with the process's CPU time, which stays
// meaningful when other work competes for the cores (and charges V8's GC threads to the contender).
const clockArg = process.argv.find((a) => a.startsWith('--clock='))?.slice('--clock='.length);
const clock = clockArg ?? process.env.BENCH_CLOCK ?? 'wall';
if (clock !== 'wall' && clock !== 'cpu') throw new Error(`--clock must be wall or cpu, got ${clock}`);
for (const phase of [MODE.main, MODE.series]) phase.clock = clock;

const started = Date.now();
const log = (s) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${s}\n`);

const library = await libraryContenders();
// --only=wasm,js-macaroon keeps the contenders whose id starts with one of the prefixes (for iterating on
// an engine); such a partial run writes bench/results/partial.json and leaves BENCHMARKS.md alone.
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',')
  .filter(Boolean);
const contenders = [
  ...library.contenders,
  nodeCryptoContender(),
  libmacaroonsContender(),
  macaroonsJsContender(),
  jsMacaroonContender(),
  parseFloor(),
].filter((c) => !only || only.some((prefix) => c.id.startsWith(prefix)));
if (contenders.length === 0) throw new Error(`--only=${only?.join(',')} matches no contender`);
log(`bench (${MODE.name}): ready() -> engine '${library.info.engine}'`);

const report = {
  mode: MODE.name,
  preliminary,
  date: new Date().toISOString(),
  command: [
    ...(preliminary ? ['BENCH_PRELIMINARY=1'] : []),
    'npm run bench',
    ...(quick || clock !== 'wall' || only ? ['--'] : []),
    ...(quick ? ['--quick'] : []),
    ...(clock !== 'wall' ? [`--clock=${clock}`] : []),
    ...(only ? [`--only=${only.join(',')}`] : []),
  ].join(' '),
  clock,
  machine: machine(),
  library: {
    readyEngine: library.info.engine,
    wasmBuilds: library.builds.map(({ build, via, bytes, unavailable }) => ({
      build,
      via,
      bytes,
      unavailable,
    })),
  },
  contenders: contenders.map(({ id, label, format, batch, external, diagnostic, unavailable }) => ({
    id,
    label,
    format,
    batch: Boolean(batch),
    external: Boolean(external),
    diagnostic: Boolean(diagnostic),
    ...(unavailable ? { unavailable } : {}),
  })),
  workloads: [],
  series: { caveats: [], batchSizes: [], keys: [] },
};

const plain = (results) => Object.fromEntries(results);
const workloads = {};

for (const [id, shape] of Object.entries(SHAPES)) {
  const workload = buildWorkload(id, shape, { count: MODE.requests, seed: 1 });
  assertVerdictCheckCanFail(workload);
  workloads[id] = workload;
  log(`${id}: ${workload.requests.length} requests, ${workload.compressions.minimum} compressions each`);
  const results = await measure(workload, contenders, MODE.main);
  report.workloads.push({
    id,
    title: workload.title,
    shortTitle: workload.shortTitle,
    requests: workload.requests.length,
    keys: workload.keys,
    tokenChars: workload.tokenBytes,
    compressions: workload.compressions,
    results: plain(results),
  });
}

for (const n of MODE.caveats) {
  const workload = buildWorkload(`C${n}`, scalingShape(n), { count: MODE.seriesRequests, seed: 2 });
  log(`scaling: ${n} caveats`);
  const results = await measure(workload, contenders, MODE.series);
  report.series.caveats.push({ caveats: n, compressions: workload.compressions, results: plain(results) });
}

const batchContenders = contenders.filter((c) => c.batch);
const pool = buildWorkload('W1', SHAPES.W1, { count: Math.max(...MODE.batchSizes), seed: 3 });
for (const size of MODE.batchSizes) {
  log(`batch size ${size}`);
  const results = await measure(pool, batchContenders, { ...MODE.series, batchSize: size });
  report.series.batchSizes.push({ batchSize: size, requests: pool.requests.length, results: plain(results) });
}

const w1 = report.workloads.find((w) => w.id === 'W1');
report.series.keys.push({ keys: 'distinct', results: w1.results });
const shared = buildWorkload('W1', SHAPES.W1, { count: MODE.requests, keys: 'shared', seed: 4 });
log('W1 with one shared root key');
const sharedResults = await measure(shared, contenders, quick ? MODE.series : MODE.main);
report.series.keys.push({ keys: 'shared', results: plain(sharedResults) });

log('W1 batch: all passing, all failing on their last caveat');
report.failures = await measureFailures(batchContenders, { ...MODE.failures, clock });

log('cold start');
report.coldStart = coldStart(MODE.coldSamples, workloads.W1);
if (!only) {
  log('verified-token cache: a W1 cache hit, jose and node:crypto HS256 JWTs');
  report.cacheHit = await cacheHitBench(quick ? { ms: 200, rounds: 1 } : { ms: 1000, rounds: 3 });
}
report.machine.loadAverageAtEnd = loadNow();
report.seconds = Math.round((Date.now() - started) / 1000);
report.targets = evaluateTargets(report);

const print = (title, table) => console.log(`\n${title}\n${renderText(table)}`);
print(
  `Tokens/s, serialized tokens to verdict, one core (ratio to js-macaroon in parentheses); ${MODE.name} mode`,
  mainTable(report),
);
print(
  'Scaling: first-party caveats per token',
  seriesTable(report.series.caveats, contenders, 'caveats', 'caveats'),
);
print(
  'W1 batch size (verifyBatch calls of this many tokens)',
  seriesTable(report.series.batchSizes, batchContenders, 'batchSize', 'batch'),
);
print(
  'W1 root keys: every token its own, or all one',
  seriesTable(report.series.keys, contenders, 'keys', 'keys'),
);
print(
  `W1 batch of ${report.failures.count}: all passing, all failing on their last caveat (tokens/s)`,
  failuresTable(report),
);
const cold = report.coldStart;
console.log(
  cold.error
    ? `\nCold start: error: ${cold.error}`
    : `\nCold start (median of ${cold.samples} fresh processes): import ${cold.importMs.toFixed(1)} ms, ready() ${cold.readyMs.toFixed(2)} ms (engine ${cold.engine}); first verifyBatch of ${cold.batch} W1 tokens ${cold.firstBatchMs.toFixed(1)} ms, second ${cold.secondBatchMs.toFixed(1)} ms; ${cold.wasm.map((f) => `${f.file} ${f.bytes} B`).join(', ') || 'no .wasm files in dist/wasm'}`,
);
if (report.cacheHit) {
  console.log(`\nVerified-token cache (${report.cacheHit.measured}): per CPU-second, per wall second`);
  for (const r of report.cacheHit.rows) {
    console.log(`  ${String(r.perCpuSecond).padStart(10)} ${String(r.perSecond).padStart(10)}  ${r.label}`);
  }
}
console.log('\nTargets');
for (const t of report.targets)
  console.log(`  ${t.status.padEnd(4)}  ${t.name}: ${t.value} (goal ${t.goal})`);
const issues = problems(report);
if (issues.length > 0) console.log(`\nWithout figures:\n${issues.map((l) => `  ${l}`).join('\n')}`);

const resultsDir = new URL('./results/', import.meta.url);
mkdirSync(resultsDir, { recursive: true });
const resultsName = only ? 'partial' : MODE.name;
writeFileSync(new URL(`${resultsName}.json`, resultsDir), `${JSON.stringify(report, null, 2)}\n`);
const publish = !quick && !only;
if (publish) writeOutputs(report);
log(
  `done in ${report.seconds} s: bench/results/${resultsName}.json${publish ? ', BENCHMARKS.md, docs/bench.svg' : ''}`,
);

// A wrong verdict from this library's own engines is a bug in this repository: fail the run.
const ours = report.contenders.filter((c) => c.id.startsWith('ts-') || c.id.startsWith('wasm-'));
const wrongOurs = [
  ...report.workloads,
  ...report.series.caveats,
  ...report.series.batchSizes,
  ...report.series.keys,
].flatMap((p) => ours.filter((c) => p.results[c.id]?.wrong));
if (wrongOurs.length > 0) process.exitCode = 1;
