// Cold start, each sample in a fresh Node process: the time to import the package, the time for
// `await ready()` to load the WASM engine, and the first two `verifyBatch` calls on a batch of W1 tokens
// (the first runs on code V8 has not tiered up yet, which is what a serverless instance's first request
// pays); and the size of each .wasm build shipped in dist/wasm/.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ENTRY = new URL('../dist/index.js', import.meta.url).href;
const GATEWAY = new URL('../dist/gateway/index.js', import.meta.url).href;
const WASM_DIR = new URL('../dist/wasm/', import.meta.url);

const PROBE = `
const t0 = performance.now();
const lib = await import(${JSON.stringify(ENTRY)});
const t1 = performance.now();
const info = await lib.ready();
const t2 = performance.now();
const { readFileSync } = await import('node:fs');
const batch = JSON.parse(readFileSync(process.argv[1], 'utf8'));
const { timeBefore } = await import(${JSON.stringify(GATEWAY)});
const v = new lib.Verifier();
for (const p of batch.exact) v.satisfyExact(p);
v.satisfyGeneral(timeBefore);
const t3 = performance.now();
const first = v.verifyBatch(batch.items);
const t4 = performance.now();
const second = v.verifyBatch(batch.items);
const t5 = performance.now();
const ok = [...first, ...second].every((r) => r.ok);
console.log(JSON.stringify({
  importMs: t1 - t0, readyMs: t2 - t1, engine: info.engine, firstBatchMs: t4 - t3, secondBatchMs: t5 - t4, ok,
}));
`;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

export function wasmSizes() {
  try {
    return readdirSync(WASM_DIR)
      .filter((f) => f.endsWith('.wasm'))
      .map((file) => ({ file: `dist/wasm/${file}`, bytes: statSync(new URL(file, WASM_DIR)).size }));
  } catch {
    return [];
  }
}

/** `workload`: its requests are the batch the fresh process verifies twice. */
export function coldStart(samples, workload) {
  const file = join(mkdtempSync(join(tmpdir(), 'macaroon-cold-')), 'batch.json');
  const items = workload.requests.map((r) => ({
    macaroon: r.v2.token,
    rootKey: r.rootKey,
    discharges: r.v2.discharges,
  }));
  writeFileSync(file, JSON.stringify({ exact: workload.checks.exact, items }));
  const runs = [];
  for (let i = 0; i < samples; i++) {
    const args = ['--input-type=module', '-e', PROBE, file];
    const child = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (child.status !== 0) return { error: child.stderr.trim().split('\n').slice(-3).join(' ') };
    const run = JSON.parse(child.stdout);
    if (!run.ok) return { error: 'a fresh process refused a valid token of the cold-start batch' };
    runs.push(run);
  }
  return {
    samples,
    engine: runs[0].engine,
    importMs: median(runs.map((r) => r.importMs)),
    readyMs: median(runs.map((r) => r.readyMs)),
    totalMs: median(runs.map((r) => r.importMs + r.readyMs)),
    batch: items.length,
    firstBatchMs: median(runs.map((r) => r.firstBatchMs)),
    secondBatchMs: median(runs.map((r) => r.secondBatchMs)),
    wasm: wasmSizes(),
  };
}
