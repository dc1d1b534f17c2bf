// `npm run bench:bakery`: macaroon-bakery figures. (1) A W1-shaped bakery token (four exact first-party
// caveats, a time-before, a declared, one version-3 public-key third-party caveat whose discharge carries
// a declared and a time-before) verified with verifyBatch and bakery's std checker, on each engine, next to
// the plain W1 shape; (2) minting a version-3 public-key caveat and getting its discharge (DischargeAll:
// discharge, then bind) per second here, in Python macaroonbakery and in go-macaroon-bakery; (3) over
// HTTP on loopback: discharges per second served by this library's discharger (node:http) and by Go's
// httpbakery discharger, under the same autocannon load, and the client's end-to-end time for a first
// request that needs one discharge (401, discharge, retry, 200).

import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import {
  BakeryMacaroon,
  checkers,
  discharge,
  dischargeAll,
  KeyPair,
  ThirdPartyStore,
} from '../dist/bakery/index.js';
import { BakeryClient } from '../dist/client/index.js';
import { createDischarger, withDischargeRequired } from '../dist/discharger/index.js';
import { Gateway } from '../dist/gateway/index.js';
import { base64UrlEncode, Macaroon, ready, Verifier } from '../dist/index.js';
import { fetchListener } from '../dist/node/index.js';
import { BAKERY_PEER_NAMES, buildGoBakeryProgram, openBakeryPeer } from '../scripts/vectors/bakery-peers.js';
import { machine } from './machine.js';

const quick = process.argv.includes('--quick');
const SECONDS = quick ? 0.5 : 2;
const COUNT = 1024;
const EXACT = ['account = 3735928559', 'action = read', 'email = alice@example.org', 'ip = 203.0.113.77'];
const NOW = Date.parse('2029-01-01T00:00:00Z');
const TIME = 'time-before 2099-01-01T00:00:00Z';

async function bakeryW1(n) {
  const svc = KeyPair.generate();
  const tp = KeyPair.generate();
  const locator = new ThirdPartyStore().add('https://auth.example', { publicKey: tp.public, version: 3 });
  const items = [];
  for (let i = 0; i < n; i++) {
    const rootKey = `root key ${i} of the bakery W1 set`;
    let m = BakeryMacaroon.create({ rootKey, id: `tok-${i}`, location: 'https://api.example', version: 3 });
    for (const p of EXACT) m = await m.addCaveat({ condition: p });
    m = await m.addCaveats([{ condition: TIME }, { condition: 'declared user alice' }]);
    m = await m.addCaveat(
      { location: 'https://auth.example', condition: 'is-user alice' },
      { key: svc, locator },
    );
    const [root, ...ds] = await dischargeAll(m, ({ id, caveat }) =>
      discharge({
        id,
        caveat,
        key: tp,
        checker: () => [{ condition: 'declared user alice' }, { condition: TIME }],
      }),
    );
    items.push({
      macaroon: root.serialize(),
      rootKey,
      discharges: ds.map((d) => d.serialize()),
      context: { now: NOW },
    });
  }
  return items;
}

function plainW1(n) {
  const items = [];
  for (let i = 0; i < n; i++) {
    const rootKey = `root key ${i} of the plain W1 set`;
    const caveatKey = `caveat key ${i}`;
    let m = Macaroon.create('https://api.example', rootKey, `tok-${i}`);
    for (const p of EXACT) m = m.addFirstPartyCaveat(p);
    m = m
      .addFirstPartyCaveat('time < 2099-01-01T00:00:00Z')
      .addThirdPartyCaveat('https://auth.example', caveatKey, `tp-${i}`);
    const d = Macaroon.create('https://auth.example', caveatKey, `tp-${i}`).addFirstPartyCaveat(
      'time < 2099-01-01T00:00:00Z',
    );
    items.push({
      macaroon: m.serialize(),
      rootKey,
      discharges: [m.prepareForRequest(d).serialize()],
      context: { now: NOW },
    });
  }
  return items;
}

function tokensPerSecond(verifier, items) {
  const check = verifier.verifyBatch(items);
  if (!check.every((r) => r.ok))
    throw new Error(`a token was refused: ${check.find((r) => !r.ok).error.message}`);
  let tokens = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) {
    verifier.verifyBatch(items);
    tokens += items.length;
  }
  return tokens / ((performance.now() - start) / 1000);
}

const timeCheck = (p, ctx) => p.startsWith('time < ') && Date.parse(p.slice(7)) > ctx.now;

async function mintAndDischargePerSecond() {
  const svc = KeyPair.generate();
  const tp = KeyPair.generate();
  const locator = new ThirdPartyStore().add('https://auth.example', { publicKey: tp.public, version: 3 });
  const rootKey = new Uint8Array(24).fill(107);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) {
    const m = await BakeryMacaroon.create({
      rootKey,
      id: 'bench',
      location: 'https://api.example',
      version: 3,
    }).addCaveat({ location: 'https://auth.example', condition: 'is-user alice' }, { key: svc, locator });
    await dischargeAll(m, ({ id, caveat }) =>
      discharge({ id, caveat, key: tp, locator, checker: () => [{ condition: 'declared user alice' }] }),
    );
    n++;
  }
  return n / ((performance.now() - start) / 1000);
}

const info = await ready();
const rows = [];
const bakeryItems = await bakeryW1(COUNT);
const plainItems = plainW1(COUNT);
for (const engine of ['wasm', 'js']) {
  const bakery = new Verifier({ engine }).satisfyChecker(checkers.std());
  for (const p of EXACT) bakery.satisfyExact(p);
  const plain = new Verifier({ engine }).satisfyGeneral(timeCheck);
  for (const p of EXACT) plain.satisfyExact(p);
  const name = engine === 'wasm' ? info.engine : 'js';
  rows.push([`bakery W1, verifyBatch, ${name}`, tokensPerSecond(bakery, bakeryItems)]);
  rows.push([`plain W1 (same shape, time < …), verifyBatch, ${name}`, tokensPerSecond(plain, plainItems)]);
}
rows.push(['v3 caveat minted + discharged (DischargeAll), this library', await mintAndDischargePerSecond()]);
for (const name of BAKERY_PEER_NAMES) {
  const { peer, missing } = openBakeryPeer(name);
  if (!peer) {
    rows.push([`v3 caveat minted + discharged, ${name}`, `not installed: ${missing}`]);
    continue;
  }
  const [r] = peer.run([{ kind: 'bench', seconds: SECONDS, version: 3 }]);
  rows.push([
    `v3 caveat minted + discharged (DischargeAll), ${name} (${peer.version})`,
    r.iterations / r.seconds,
  ]);
}

function listen(handler) {
  const server = createServer(fetchListener(handler));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}`, server }),
    ),
  );
}

/** CPU time (user + system) a process has used, in µs, from /proc (Linux); undefined elsewhere. */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
function cpuMicros(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * POST /discharge of one v3 caveat for `publicKey`, as fast as autocannon can, for SECONDS * 2: the
 * discharges per second, and the CPU the server process `pid` spent per discharge (which, unlike the
 * rate, does not depend much on what else the machine is running).
 */
async function dischargesPerSecond(url, publicKey, pid) {
  const svc = KeyPair.generate();
  const locator = new ThirdPartyStore().add(url, { publicKey, version: 3 });
  const m = await BakeryMacaroon.create({ rootKey: 'k', id: 'x', version: 3 }).addCaveat(
    { location: url, condition: 'is-user alice' },
    { key: svc, locator },
  );
  const id = m.macaroon.thirdPartyCaveats()[0].identifier;
  const body = `id64=${base64UrlEncode(id)}&caveat64=${base64UrlEncode(m.caveatPayload(id))}`;
  const load = (duration) =>
    autocannon({
      url: `${url}/discharge`,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'bakery-protocol-version': '3' },
      body,
      connections: 16,
      duration,
    });
  await load(1); // warm-up
  const cpu0 = cpuMicros(pid);
  const result = await load(Math.max(2, SECONDS * 2));
  const cpu1 = cpuMicros(pid);
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`);
  const cpu = cpu0 === undefined || cpu1 === undefined ? undefined : (cpu1 - cpu0) / result.requests.total;
  return { perSecond: result.requests.average, cpu };
}

/** The rows for one discharger served over HTTP. */
function servedRows(what, measured) {
  rows.push([
    `discharges served over HTTP (POST /discharge, loopback, 16 connections), ${what}`,
    measured.perSecond,
  ]);
  rows.push([
    `  server CPU per discharge, ${what}`,
    measured.cpu === undefined ? 'not measured (no /proc)' : `${measured.cpu.toFixed(0)} µs`,
  ]);
}

const ours = createDischarger({
  key: KeyPair.generate(),
  check: () => [checkers.declaredCaveat('user', 'alice')],
});
const oursServer = await listen(ours.fetch);
// CPU per discharge through the fetch handler, in process (no sockets): meaningful on a shared machine.
{
  const svc = KeyPair.generate();
  const locator = new ThirdPartyStore().add('https://tp.example', { publicKey: ours.publicKey, version: 3 });
  const m = await BakeryMacaroon.create({ rootKey: 'k', id: 'x', version: 3 }).addCaveat(
    { location: 'https://tp.example', condition: 'is-user alice' },
    { key: svc, locator },
  );
  const id = m.macaroon.thirdPartyCaveats()[0].identifier;
  const body = `id64=${base64UrlEncode(id)}&caveat64=${base64UrlEncode(m.caveatPayload(id))}`;
  const post = () =>
    ours.fetch(
      new Request('https://tp.example/discharge', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String(body.length),
        },
        body,
      }),
    );
  for (let i = 0; i < 200; i++) await (await post()).text();
  const n = 2000;
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) await (await post()).text();
  const used = process.cpuUsage(cpu);
  rows.push([
    'discharger fetch handler in process (Request in, Response out, no sockets): CPU µs per discharge',
    `${((used.user + used.system) / n).toFixed(0)} µs`,
  ]);
}
// The discharger in its own process, as Go's is: the load generator must not share its thread.
const oursChild = spawn(process.execPath, [new URL('./bakery-discharger.js', import.meta.url).pathname], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const oursRemote = JSON.parse(
  await new Promise((r) => createInterface({ input: oursChild.stdout }).once('line', r)),
);
servedRows(
  'this library on node:http (fetchListener)',
  await dischargesPerSecond(oursRemote.url, oursRemote.publicKey, oursChild.pid),
);
oursChild.kill();
// The same discharger through Web Requests and Responses on node:http (what fetchListener does for
// any other Web handler), to show what the plain path saves.
const webChild = spawn(
  process.execPath,
  [new URL('./bakery-discharger.js', import.meta.url).pathname, '--web'],
  { stdio: ['pipe', 'pipe', 'inherit'] },
);
const webRemote = JSON.parse(
  await new Promise((r) => createInterface({ input: webChild.stdout }).once('line', r)),
);
servedRows(
  'this library on node:http through Web Request/Response',
  await dischargesPerSecond(webRemote.url, webRemote.publicKey, webChild.pid),
);
webChild.kill();
const goProgram = buildGoBakeryProgram(
  new URL('../test/peers/go-httpbakery/main.go', import.meta.url).pathname,
);
if (goProgram.binary) {
  const child = spawn(goProgram.binary, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const urls = JSON.parse(await new Promise((r) => createInterface({ input: child.stdout }).once('line', r)));
  const info = await (await fetch(`${urls.discharger}/discharge/info`)).json();
  servedRows(
    'go-macaroon-bakery httpbakery.Discharger',
    await dischargesPerSecond(urls.discharger, info.PublicKey, child.pid),
  );
  child.kill();
} else rows.push(['discharges served over HTTP, go-macaroon-bakery', `not installed: ${goProgram.missing}`]);

// A first request needing one discharge: a fresh client each time (no kept macaroons, no cached info).
{
  const rootKey = new Uint8Array(32).fill(1);
  const svc = KeyPair.generate();
  const locator = new ThirdPartyStore().add(oursServer.url, { publicKey: ours.publicKey, version: 3 });
  const api = await listen(
    withDischargeRequired(() => new Response('ok'), {
      gateway: new Gateway({ rootKey, verifier: new Verifier().satisfyChecker(checkers.std()) }),
      mint: (_r, version) =>
        BakeryMacaroon.create({ rootKey, id: 'e2e', version }).addCaveat(
          { location: oursServer.url, condition: 'is-user alice' },
          { key: svc, locator },
        ),
    }),
  );
  const times = [];
  const until = performance.now() + SECONDS * 1000;
  while (performance.now() < until || times.length < 20) {
    const t0 = performance.now();
    const r = await new BakeryClient({ allowInsecure: true }).fetch(`${api.url}/x`);
    if (r.status !== 200) throw new Error(`end to end: ${r.status}`);
    await r.text();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  rows.push([
    `client end to end, first request needing one discharge (median of ${times.length}), ms`,
    `${median.toFixed(2)} ms`,
  ]);
  api.server.close();
}
oursServer.server.close();

const m = machine();
console.log(
  `\nmacaroon-bakery figures, ${new Date().toISOString()}, ${m.cpu ?? ''} ${m.node ?? process.version}`,
);
console.log('| what | per second |\n| --- | --- |');
for (const [what, value] of rows) {
  console.log(
    `| ${what} | ${typeof value === 'number' ? Math.round(value).toLocaleString('en-US') : value} |`,
  );
}
