// Fly.io tokens: verifyFly on the tokens superfly/macaroon's own benchmark verified (vectors/fly/bench-go.json,
// with its Go figures), same access and clock. `npm run build && node bench/fly.js`.
import { readFileSync } from 'node:fs';
import { verifyFly } from '../dist/fly/index.js';

const go = JSON.parse(readFileSync(new URL('../vectors/fly/bench-go.json', import.meta.url), 'utf8'));
const key = Uint8Array.from(go.key.match(/../g), (h) => Number.parseInt(h, 16));
const options = { keys: () => key, access: { action: 'r', orgid: 450825, appid: 9 }, now: 1768000000 * 1000 };

function measure(header) {
  for (let i = 0; i < 2000; i++) if (!verifyFly(header, options).ok) throw new Error('token does not verify');
  let n = 0;
  const start = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < 2000) {
    verifyFly(header, options);
    n++;
  }
  const cpu = process.cpuUsage(start);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { n, usPerOpCpu: (cpuMs * 1000) / n, opsPerSecCpu: Math.round(n / (cpuMs / 1000)) };
}

const rows = [];
for (const name of ['plain', 'thirdParty']) {
  const ts = measure(go.tokens[name]);
  rows.push({
    token: name,
    'macaroon-engine/fly µs/op (CPU)': ts.usPerOpCpu.toFixed(1),
    'superfly/macaroon µs/op (CPU)': (go[name].cpuNsPerOp / 1000).toFixed(1),
    'superfly/macaroon µs/op (wall)': (go[name].nsPerOp / 1000).toFixed(1),
  });
}
console.log(`node ${process.versions.node}, ${go.go} for the Go figures`);
console.table(rows);
