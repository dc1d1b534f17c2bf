// Profiles the WASM SIMD batch path on one workload: `node --cpu-prof bench/profile-batch.js W1 [rounds]`.
import { buildWorkload, SHAPES } from './workloads.js';

const lib = await import('../dist/index.js');
const { timeBefore } = await import('../dist/gateway/index.js');
await lib.ready();
const name = process.argv[2] ?? 'W1';
const rounds = Number(process.argv[3] ?? 200);
const workload = buildWorkload(name, SHAPES[name], { count: 1024, seed: 1 });
const items = workload.requests.map((r) => ({
  macaroon: r.v2.token,
  rootKey: r.rootKeyBytes,
  discharges: r.v2.discharges,
}));
const v = new lib.Verifier({ engine: 'wasm' });
for (const p of workload.checks.exact) v.satisfyExact(p);
v.satisfyGeneral(timeBefore);
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (let i = 0; i < 20; i++) v.verifyBatch(items);
const out = process.argv[4];
let session;
if (out) {
  const { Session } = await import('node:inspector/promises');
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}
const t0 = cpu();
for (let i = 0; i < rounds; i++) if (!v.verifyBatch(items).every((r) => r.ok)) throw new Error('refused');
console.log(name, 'µs per token', (((cpu() - t0) * 1000) / (rounds * items.length)).toFixed(2));
if (session) {
  const { profile } = await session.post('Profiler.stop');
  (await import('node:fs')).writeFileSync(out, JSON.stringify(profile));
}
