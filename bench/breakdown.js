// Where the time of a token goes in `verifyBatch` on the WASM engine (`node bench/breakdown.js
// [rounds] [W1|W2|W3]`, W1 by default, after `npm run build`), for each build:
//
// - in the module: `parseItems` (base64 and the V2 framing, in place), and `verifyBatch`, split into the
//   SHA-256 compressions (the kernel alone, timed on its own and multiplied by the token's compressions),
//   the rest of the walk (HMAC padding, the lane state machine, secretbox, comparisons), and the exact
//   matching (the same call run again without the exact table: the difference);
// - in TS: copying the token texts into memory, the general time check on the caveats the module hands
//   back (the library's timeBefore, as the benchmark's contender uses it: the module judges the ones it
//   satisfies, so a valid W1 token hands back none), the garbage collector, and everything else (packing keys and tables, reading verdicts, the Verifier's argument
//   checks and results): the crossing into TS;
// - the physical floor: the kernel's ns per compression times the token's compressions, and SHA-256
//   through node:crypto (OpenSSL, SHA-NI where the CPU has it) per 64-byte block and per call.
//
// Timed with process CPU time, so the figures hold on a shared machine (GC pauses: performance entries).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildWorkload, SHAPES } from './workloads.js';

const lib = await import('../dist/index.js');
const { timeBefore } = await import('../dist/gateway/index.js');
const { createWasmEngine } = await import('../dist/engine/wasm.js');
const { setWasmEngine } = await import('../dist/engine/registry.js');

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000; // ms
};

const name = process.argv[3] ?? 'W1';
if (!(name in SHAPES)) throw new Error(`no workload ${name}: W1, W2 or W3`);
const workload = buildWorkload(name, SHAPES[name], { count: 1024, seed: 1 });
const items = workload.requests.map((r) => ({
  macaroon: r.v2.token,
  rootKey: r.rootKeyBytes,
  discharges: r.v2.discharges,
}));
const n = items.length;
const compressions = workload.compressions.minimum;
const rounds = Number(process.argv[2] ?? 60);

/** The kernels alone (assembly/bench/kernels.ts), compiled here: ns per compression, per lane. */
function kernels() {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'kernels-'));
  try {
    const out = join(dir, 'kernels.wasm');
    const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
    execFileSync(
      process.execPath,
      [asc, 'assembly/bench/kernels.ts', '--config', 'asconfig.json', '--target', 'simd', '-o', out],
      { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(out)), {});
    exports.init();
    const time = (run, count, lanes) => {
      run(count / 10); // V8 tiers the kernel up
      let best = Number.POSITIVE_INFINITY;
      for (let r = 0; r < 7; r++) {
        const t = cpu();
        run(count);
        best = Math.min(best, cpu() - t);
      }
      return (best * 1e6) / count / lanes;
    };
    return { simd: time(exports.run4, 200000, 4), scalar: time(exports.run1, 400000, 1) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** µs per item of copying its token texts into memory as the engine does (TextEncoder.encodeInto, room for 3x). */
function copyCost(list) {
  const u8 = new Uint8Array(4 << 20);
  const encoder = new TextEncoder();
  const texts = list.flatMap((item) => [item.macaroon, ...item.discharges]);
  const pass = () => {
    let at = 0;
    for (const t of texts) at += encoder.encodeInto(t, u8.subarray(at, at + t.length * 3)).written;
  };
  for (let i = 0; i < 20; i++) pass();
  const t = cpu();
  for (let i = 0; i < 100; i++) pass();
  return ((cpu() - t) * 1000) / (100 * list.length);
}

/** µs per item of the general check on the caveats it is handed (counted in one pass of the batch). */
function generalCost(calls) {
  const texts = [...calls.keys()];
  const perBatch = [...calls.values()].reduce((a, b) => a + b, 0);
  const t = cpu();
  let k = 0;
  for (let i = 0; i < 200000; i++) if (timeBefore(texts[i % texts.length])) k++;
  const nsPerCall = ((cpu() - t) * 1e6) / 200000;
  if (k === 0 && texts.length > 0) throw new Error('the time check refused every caveat');
  return { callsPerItem: perBatch / n, us: (perBatch / n) * (nsPerCall / 1000) };
}

/** Runs `body` while summing GC pause time (ms). */
function withGc(body) {
  let gc = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gc += e.duration;
  });
  obs.observe({ entryTypes: ['gc'] });
  const result = body();
  // Entries arrive asynchronously.
  return new Promise((resolve) =>
    setTimeout(() => {
      obs.disconnect();
      resolve({ result, gcMs: gc });
    }, 100),
  );
}

const kernel = kernels();
const copyUs = copyCost(items);
const results = {};
for (const build of ['simd', 'scalar']) {
  const bytes = readFileSync(new URL(`../dist/wasm/macaroon-${build}.wasm`, import.meta.url));
  if (!WebAssembly.validate(bytes)) continue;
  const module = new WebAssembly.Module(bytes);
  const real = new WebAssembly.Instance(module, {}).exports;
  const spent = { parseItems: 0, verifyBatch: 0, unmatched: 0, calls: 0 };
  let splitMatching = false;
  const exports = {
    ...real,
    parseItems: (...args) => {
      const t0 = cpu();
      const r = real.parseItems(...args);
      spent.parseItems += cpu() - t0;
      return r;
    },
    verifyBatch: (...args) => {
      if (splitMatching) {
        // The same jobs without the exact table first: the walk alone.
        const t = cpu();
        real.verifyBatch(...args.slice(0, 6), 0);
        spent.unmatched += cpu() - t;
      }
      const t0 = cpu();
      const r = real.verifyBatch(...args);
      spent.verifyBatch += cpu() - t0;
      spent.calls++;
      return r;
    },
  };
  setWasmEngine(createWasmEngine(module, { instance: { exports } }));
  const generalCalls = new Map();
  let counting = false;
  const v = new lib.Verifier({ engine: 'wasm' });
  for (const p of workload.checks.exact) v.satisfyExact(p);
  // A check that satisfies nothing, before timeBefore: it sees every caveat handed to the general checks.
  v.satisfyGeneral((p) => {
    if (counting) generalCalls.set(p, (generalCalls.get(p) ?? 0) + 1);
    return false;
  });
  v.satisfyGeneral(timeBefore);
  const verifyAll = () => {
    const out = v.verifyBatch(items);
    if (!out.every((r) => r.ok)) throw new Error(`a valid ${name} token was refused`);
  };
  for (let i = 0; i < 20; i++) verifyAll(); // warm up: V8 tiers the module and the TS path up
  counting = true;
  verifyAll();
  counting = false;
  const reset = () => Object.assign(spent, { parseItems: 0, verifyBatch: 0, unmatched: 0, calls: 0 });
  // Three timed passes; the fastest one counts (the others met more interference).
  const perItem = (ms) => (ms * 1000) / (rounds * n);
  let best;
  for (let pass = 0; pass < 3; pass++) {
    reset();
    const t0 = cpu();
    const { gcMs } = await withGc(() => {
      for (let i = 0; i < rounds; i++) verifyAll();
    });
    const ms = cpu() - t0;
    if (!best || ms < best.ms) best = { ms, gcMs, parse: spent.parseItems, verify: spent.verifyBatch };
  }
  const { gcMs } = best;
  const totalUs = perItem(best.ms);
  const parseUs = perItem(best.parse);
  const verifyUs = perItem(best.verify);
  // The exact matching: verifyBatch with the table minus the same call without it.
  reset();
  splitMatching = true;
  for (let i = 0; i < rounds; i++) verifyAll();
  splitMatching = false;
  const matchUs = Math.max(0, perItem(spent.verifyBatch - spent.unmatched));
  const hashUs = (compressions * kernel[build]) / 1000;
  const general = generalCost(generalCalls);
  const gcUs = perItem(gcMs);
  results[build] = {
    tokensPerSecond: Math.round(1e6 / totalUs),
    totalUs,
    module: {
      parseUs,
      hashUs,
      walkOtherUs: verifyUs - matchUs - hashUs,
      matchUs,
    },
    ts: {
      copyUs,
      generalCheckUs: general.us,
      gcUs,
      otherUs: totalUs - parseUs - verifyUs - copyUs - general.us - gcUs,
    },
    generalChecksPerToken: general.callsPerItem,
    nsPerCompressionKernel: kernel[build],
    nsPerCompressionInWalk: ((verifyUs - matchUs) * 1000) / compressions,
  };
}

// The floor: OpenSSL's SHA-256 over a long buffer (64-byte blocks back to back, no per-call overhead).
const big = new Uint8Array(64 * 1024 * 16);
let t0 = cpu();
for (let i = 0; i < 40; i++) createHash('sha256').update(big).digest();
const nsPerBlock = ((cpu() - t0) * 1e6) / (40 * (big.length / 64));
// And one HMAC-sized call, as a verifier would make it per chain step.
const small = new Uint8Array(32);
t0 = cpu();
for (let i = 0; i < 200000; i++) createHash('sha256').update(small).digest();
const nsPerCall = ((cpu() - t0) * 1e6) / 200000;

console.log(
  JSON.stringify(
    {
      workload: name,
      compressions,
      batch: n,
      rounds,
      results,
      floor: {
        wasmSimdKernelUsPerToken: (compressions * kernel.simd) / 1000,
        nodeCrypto: {
          nsPerBlock,
          nsPerSmallHashCall: nsPerCall,
          usPerTokenAtBlockCost: (compressions * nsPerBlock) / 1000,
        },
      },
    },
    null,
    2,
  ),
);
