// Where the time of a W1 token goes in `verifyBatch` on the WASM engine (`node bench/breakdown.js`,
// after `npm run build`): the whole call, the time inside the module's verifyBatch export (the chain,
// the secretbox and the walk), inside its base64 export (decoding tokens in place), and the rest in TS
// (packing tokens and keys, the in-place V2 framing, reading verdicts, judging predicates, results).
// Also the physical floor: SHA-256 compressions through node:crypto (OpenSSL, SHA-NI where present).
// Timed with process CPU time, so the figures hold on a shared machine.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { timeCheck } from './checks.js';
import { buildWorkload, SHAPES } from './workloads.js';

const lib = await import('../dist/index.js');
const { createWasmEngine } = await import('../dist/engine/wasm.js');
const { setWasmEngine } = await import('../dist/engine/registry.js');

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000; // ms
};

function timedExports(instance, spent) {
  const real = instance.exports;
  const wrap = (name) => {
    const f = real[name];
    return (...args) => {
      const t0 = cpu();
      const r = f(...args);
      spent[name] += cpu() - t0;
      return r;
    };
  };
  // A plain object with the same exports: the engine takes whatever instance.exports holds.
  return {
    exports: { ...real, verifyBatch: wrap('verifyBatch'), decodeBase64InPlace: wrap('decodeBase64InPlace') },
  };
}

const workload = buildWorkload('W1', SHAPES.W1, { count: 1024, seed: 1 });
const items = workload.requests.map((r) => ({
  macaroon: r.v2.token,
  rootKey: r.rootKeyBytes,
  discharges: r.v2.discharges,
}));
const n = items.length;
const compressions = workload.compressions.minimum;
const rounds = Number(process.argv[2] ?? 60);

/**
 * µs per item of copying its token texts into memory (TextEncoder.encodeInto, as the engine does) and of
 * decoding them there (the module's base64 export), in a loop of their own on a fresh instance: timing
 * each call inside the batch would cost more than the call.
 */
function base64Cost(module, list) {
  const exports = new WebAssembly.Instance(module, {}).exports;
  const at = exports.heapBase() + 65536;
  exports.memory.grow(4);
  const u8 = new Uint8Array(exports.memory.buffer);
  const encoder = new TextEncoder();
  const texts = list.flatMap((item) => [item.macaroon, ...item.discharges]);
  const pass = (decode) => {
    for (const t of texts) {
      const { written } = encoder.encodeInto(t, u8.subarray(at, at + t.length));
      if (decode && exports.decodeBase64InPlace(at, written) < 0) throw new Error('not base64');
    }
  };
  const time = (decode) => {
    for (let i = 0; i < 20; i++) pass(decode);
    const t = cpu();
    for (let i = 0; i < 50; i++) pass(decode);
    return ((cpu() - t) * 1000) / (50 * list.length);
  };
  const copyUs = time(false);
  return { copyUs, decodeUs: time(true) - copyUs };
}

const results = {};
for (const build of ['simd', 'scalar']) {
  const bytes = readFileSync(new URL(`../dist/wasm/macaroon-${build}.wasm`, import.meta.url));
  if (!WebAssembly.validate(bytes)) continue;
  const module = new WebAssembly.Module(bytes);
  const spent = { verifyBatch: 0 };
  const instance = timedExports(new WebAssembly.Instance(module, {}), spent);
  setWasmEngine(createWasmEngine(module, { instance }));
  const v = new lib.Verifier({ engine: 'wasm' });
  for (const p of workload.checks.exact) v.satisfyExact(p);
  v.satisfyGeneral((p) => timeCheck(p));
  const measure = (list) => {
    for (let i = 0; i < 20; i++) v.verifyBatch(list); // warm up: V8 tiers the module up
    spent.verifyBatch = 0;
    const t0 = cpu();
    for (let i = 0; i < rounds; i++) {
      const out = v.verifyBatch(list);
      if (!out.every((r) => r.ok)) throw new Error('a valid W1 token was refused');
    }
    return {
      totalUs: ((cpu() - t0) * 1000) / (rounds * n),
      callUs: (spent.verifyBatch * 1000) / (rounds * n),
    };
  };
  const text = measure(items);
  const base64 = base64Cost(module, items);
  results[build] = {
    tokensPerSecond: Math.round(1e6 / text.totalUs),
    totalUs: text.totalUs,
    wasmWalkUs: text.callUs,
    base64CopyUs: base64.copyUs,
    base64DecodeUs: base64.decodeUs,
    tsOtherUs: text.totalUs - text.callUs - base64.copyUs - base64.decodeUs,
    nsPerCompressionInWalk: (text.callUs * 1000) / compressions,
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
      workload: 'W1',
      compressions,
      batch: n,
      rounds,
      results,
      nodeCrypto: { nsPerBlock, nsPerSmallHashCall: nsPerCall },
    },
    null,
    2,
  ),
);
