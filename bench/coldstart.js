// Cold start, each sample in a fresh Node process: the time to import the package and the time for
// `await ready()` to load the WASM engine; and the size of each .wasm build shipped in dist/wasm/.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';

const ENTRY = new URL('../dist/index.js', import.meta.url).href;
const WASM_DIR = new URL('../dist/wasm/', import.meta.url);

const PROBE = `
const t0 = performance.now();
const lib = await import(${JSON.stringify(ENTRY)});
const t1 = performance.now();
const info = await lib.ready();
const t2 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0, readyMs: t2 - t1, engine: info.engine }));
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

export function coldStart(samples) {
  const runs = [];
  for (let i = 0; i < samples; i++) {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE], { encoding: 'utf8' });
    if (child.status !== 0) return { error: child.stderr.trim().split('\n').slice(-3).join(' ') };
    runs.push(JSON.parse(child.stdout));
  }
  return {
    samples,
    engine: runs[0].engine,
    importMs: median(runs.map((r) => r.importMs)),
    readyMs: median(runs.map((r) => r.readyMs)),
    totalMs: median(runs.map((r) => r.importMs + r.readyMs)),
    wasm: wasmSizes(),
  };
}
