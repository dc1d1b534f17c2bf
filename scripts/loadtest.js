// The gateway load test: the example gateway (examples/gateway/server.js) in a child process, loaded by
// autocannon on loopback, each run bounded in time, configurations alternating over rounds.
//
//   npm run loadtest                      # six configurations x 2 rounds, 8 s each (+1 s warm-up)
//   npm run loadtest -- --sweep           # micro-batch settings (maxBatchSize x maxWaitMs), 4 s each
//   npm run loadtest -- --reuse[=N]       # the verified-token cache: N distinct tokens (default 10,000)
//                                         # drawn Zipf-like, all-distinct tokens, Redis and PostgreSQL
//   options: --duration=<s> --warmup=<s> --connections=<n> --rounds=<n> --only=<id,...> (ids: none,
//   ts, wasm, batch, batch-401, cache, pool; with --reuse: none, nocache, cache, distinct, redis,
//   postgres, pool) --pool-seconds=<s> --no-pool-scaling --no-pin --generator=raw|autocannon
//   --pipeline=<n> (raw generator only; default 1, no pipelining)
//
// The load generator: with --reuse, by default, ./loadgen.js (raw keep-alive sockets writing prebuilt
// request buffers, latency measured per request), which costs a third of what autocannon costs per
// request, so one core of it keeps a one-core node:http server busy; --generator=autocannon for the
// old one (the default without --reuse).
//
// With --reuse on a machine with 2+ CPUs and taskset, the server runs on CPU 0 alone and this process
// (the generator) on CPU 1: the load generator cannot take the server's core, so the server, not the
// generator, sets the pace (the "server CPU busy" column shows how busy its core was: near 100% means
// the server was the bottleneck; "generator busy" shows the generator's own core). Warm-up, with
// --reuse: every token of the population is requested twice, in a random order (a token is cached on
// its second sighting, so the cache then holds the population: the steady state of a fixed set of N
// tokens), then --warmup seconds (default 4) of the measured stream; hit rates count the measured
// window only.
//
// Then the pool alone: W1 verification throughput with 1..N worker threads (no HTTP).
//
// Tokens are W1-shaped (the benchmark suite's gateway workload): a 32-byte root key, a ~22-byte
// identifier, 5 first-party caveats (4 exact: service, api, account, action; 1 general: time) and 1
// third-party caveat, sent with its bound discharge holding 1 caveat (`time < ...`), as a binary bundle
// in `Authorization: Macaroon`. 256 distinct tokens, one per account, requested in turn. With --reuse,
// N distinct tokens requested in a Zipf-distributed order (exponent 1: a few tokens are very frequent,
// most are rare, as a gateway's clients are), and for the all-distinct case a fresh token per request.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Macaroon } from 'macaroon-engine';
import { VerifierPool } from 'macaroon-engine/node';
import { DEFAULT_ROTATION_POLICY } from 'macaroon-engine/store';
import { openStore } from 'macaroon-engine/store/open';
import { loadgen, requestBuffer } from './loadgen.js';
import { startPostgres, startRedis } from './test-servers.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const sweep = args.sweep === 'true';
const reuse = args.reuse !== undefined;
const REUSE_TOKENS = reuse && args.reuse !== 'true' ? Number(args.reuse) : 10_000;
const duration = Number(args.duration ?? (sweep ? 4 : 8));
const warmup = Number(args.warmup ?? (reuse ? 6 : 1));
const connections = Number(args.connections ?? 32);
const TOKENS = 256;
const CLOCK_TICKS = 100; // USER_HZ: 100 on every Linux architecture Node supports
const poolSeconds = Number(args['pool-seconds'] ?? 3);
const generator = args.generator ?? (reuse ? 'raw' : 'autocannon');
if (!['raw', 'autocannon'].includes(generator)) throw new Error('--generator is raw or autocannon');
const pipeline = Number(args.pipeline ?? 1);
if (pipeline !== 1 && generator !== 'raw') throw new Error('--pipeline needs --generator=raw');

const CONFIGS = [
  { id: 'none', name: 'no auth', env: { GATEWAY_AUTH: 'none' } },
  { id: 'ts', name: 'per-request, TS engine', env: { GATEWAY_AUTH: 'direct', GATEWAY_ENGINE: 'js' } },
  { id: 'wasm', name: 'per-request, WASM', env: { GATEWAY_AUTH: 'direct', GATEWAY_ENGINE: 'wasm' } },
  { id: 'batch', name: 'micro-batched, WASM', env: { GATEWAY_AUTH: 'batch', GATEWAY_ENGINE: 'wasm' } },
  // The same tokens, each sent for another account: every request is refused (401, caveat not
  // satisfied) after the whole chain is verified. Refusals must cost no more CPU than successes.
  {
    id: 'batch-401',
    name: 'micro-batched, WASM, all refused (401)',
    env: { GATEWAY_AUTH: 'batch', GATEWAY_ENGINE: 'wasm' },
    refused: true,
  },
  {
    id: 'cache',
    name: 'micro-batched, WASM, verified-token cache',
    env: { GATEWAY_AUTH: 'batch', GATEWAY_ENGINE: 'wasm', GATEWAY_CACHE: '1' },
  },
  {
    id: 'pool',
    name: 'micro-batched, WASM, worker pool',
    env: { GATEWAY_AUTH: 'batch', GATEWAY_ENGINE: 'wasm', GATEWAY_POOL: 'auto' },
  },
];

// --reuse: what the cache buys on a realistic token mix, what it costs when nothing repeats, and the
// shared stores. `tokens` names the request list each configuration is loaded with.
const REUSE_CONFIGS = [
  { id: 'none', name: 'no auth', tokens: 'zipf', env: { GATEWAY_AUTH: 'none' } },
  {
    id: 'nocache',
    name: 'micro-batched, no cache, Zipf tokens',
    tokens: 'zipf',
    env: { GATEWAY_AUTH: 'batch', GATEWAY_ENGINE: 'wasm' },
  },
  {
    id: 'cache',
    name: 'micro-batched + cache, Zipf tokens',
    tokens: 'zipf',
    env: { GATEWAY_AUTH: 'batch', GATEWAY_ENGINE: 'wasm', GATEWAY_CACHE: '1' },
  },
  {
    id: 'distinct',
    name: 'micro-batched + cache, all-distinct tokens',
    tokens: 'distinct',
    env: { GATEWAY_AUTH: 'batch', GATEWAY_ENGINE: 'wasm', GATEWAY_CACHE: '1' },
  },
  {
    id: 'redis',
    name: 'micro-batched + cache, Redis store, Zipf tokens',
    tokens: 'redis',
    store: 'redis',
    env: { GATEWAY_AUTH: 'batch', GATEWAY_ENGINE: 'wasm', GATEWAY_CACHE: '1' },
  },
  {
    id: 'postgres',
    name: 'micro-batched + cache, PostgreSQL store, Zipf tokens',
    tokens: 'postgres',
    store: 'postgres',
    env: { GATEWAY_AUTH: 'batch', GATEWAY_ENGINE: 'wasm', GATEWAY_CACHE: '1' },
  },
  {
    // Misses verified by a worker pool, hits in the HTTP thread; pinned, the pool shares the one core.
    id: 'pool',
    name: 'worker pool + cache, Zipf tokens',
    tokens: 'zipf',
    env: { GATEWAY_AUTH: 'batch', GATEWAY_ENGINE: 'wasm', GATEWAY_CACHE: '1', GATEWAY_POOL: 'auto' },
  },
];

/**
 * A draw of ranks 0..n-1 with probability proportional to 1/(rank+1): Zipf with exponent 1. Each call
 * is a fresh draw (a stream that never cycles: rare tokens keep turning up for the first time).
 */
function zipf(n) {
  const cumulative = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += 1 / (i + 1);
    cumulative[i] = sum;
  }
  return () => {
    const u = Math.random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** CPU pinning with taskset: the server on CPU 0, the load generator (this process) on CPU 1. */
function canPin() {
  if (args['no-pin'] === 'true' || availableParallelism() < 2) return false;
  try {
    execFileSync('taskset', ['-apc', '1', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const PINNED = reuse && canPin();

function sweepConfigs() {
  const out = [{ id: 'none', name: 'no auth', env: { GATEWAY_AUTH: 'none' } }];
  for (const maxBatch of [1, 4, 8, 16, 64, 256]) {
    for (const maxWait of [0, 1, 2]) {
      if (maxBatch === 1 && maxWait > 0) continue;
      out.push({
        id: `b${maxBatch}w${maxWait}`,
        name: `batch ${maxBatch}, wait ${maxWait} ms`,
        env: {
          GATEWAY_AUTH: 'batch',
          GATEWAY_ENGINE: 'wasm',
          GATEWAY_MAX_BATCH: String(maxBatch),
          GATEWAY_MAX_WAIT_MS: String(maxWait),
        },
      });
    }
  }
  return out;
}

function mintW1(rootKey, account, deadline, identifier = `key-2026-11:${randomBytes(5).toString('hex')}`) {
  const caveatKey = randomBytes(32);
  const thirdPartyId = `ask-auth-${randomBytes(6).toString('hex')}`;
  const root = Macaroon.create('https://gateway.example/', rootKey, identifier)
    .addFirstPartyCaveat('service = accounts')
    .addFirstPartyCaveat('api = v1')
    .addFirstPartyCaveat(`account = ${account}`)
    .addFirstPartyCaveat('action = read')
    .addFirstPartyCaveat(`time < ${deadline}`)
    .addThirdPartyCaveat('https://auth.example/', caveatKey, thirdPartyId);
  const discharge = Macaroon.create('https://auth.example/', caveatKey, thirdPartyId).addFirstPartyCaveat(
    `time < ${deadline}`,
  );
  return Macaroon.serializeBundle([root, root.prepareForRequest(discharge)]);
}

function startServer(env, rootKeyHex) {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, join(ROOT, 'examples/gateway/server.js')];
    const [file, ...argv] = PINNED ? ['taskset', '-c', '0', ...command] : command;
    const child = spawn(file, argv, {
      env: { GATEWAY_CACHE: '0', ...process.env, ...env, PORT: '0', GATEWAY_ROOT_KEY: rootKeyHex },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stats = [];
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      for (const m of chunk.matchAll(/gateway-stats (\{.*\})/g)) child.stats.push(JSON.parse(m[1]));
      const m = /gateway listening on (http:\/\/\S+) \(auth \S+, engine ([^,]+),/.exec(out);
      if (m && !child.url) {
        child.url = m[1];
        child.engine = m[2];
        resolve(child);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      err += chunk;
    });
    child.on('exit', (code) => {
      child.output = out;
      if (!child.url) reject(new Error(`server exited (${code}): ${err.trim()}`));
    });
  });
}

function stopServer(child) {
  return new Promise((resolve) => {
    child.on('exit', () => {
      const m = /gateway-stats (\{.*\})/.exec(child.output ?? '');
      resolve(m ? JSON.parse(m[1]) : undefined);
    });
    child.kill('SIGTERM');
  });
}

/** The server's counters now (it prints them on SIGUSR2). */
async function serverStats(child) {
  const n = child.stats.length;
  child.kill('SIGUSR2');
  const end = Date.now() + 5000;
  while (child.stats.length === n) {
    if (Date.now() > end) return undefined;
    await new Promise((r) => setTimeout(r, 10));
  }
  return child.stats[child.stats.length - 1];
}

/** Resident memory of a process, in bytes, from /proc (Linux; elsewhere undefined). */
function processRss(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

// utime + stime of a process (all threads), in ms, from /proc (Linux; elsewhere undefined).
function processCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

async function status(url, token) {
  const res = await fetch(url, { headers: token ? { authorization: `Macaroon ${token}` } : {} });
  await res.arrayBuffer();
  return res.status;
}

/**
 * One load of `seconds` (or until `limit` responses) on `url`, with either generator; the figures both
 * give, in one shape.
 */
async function load(url, list, seconds, limit) {
  if (generator === 'raw') {
    const r = await loadgen({
      port: Number(new URL(url).port),
      connections,
      durationMs: seconds * 1000,
      pipeline,
      ...(limit === undefined ? {} : { limit }),
      next: list.next,
    });
    return {
      total: r.requests,
      requestsPerSecond: r.requestsPerSecond,
      latencyMs: { p50: r.latencyMs.p50, p99: r.latencyMs.p99, mean: r.latencyMs.mean },
      non2xx: r.non2xx,
      errors: r.errors,
      generatorCpuShare: r.generatorCpuShare,
    };
  }
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const r = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: list.requests,
    ...(limit === undefined ? {} : { amount: limit }),
  });
  const cpu = process.cpuUsage(cpu0);
  return {
    total: r.requests.total,
    requestsPerSecond: r.requests.average,
    latencyMs: { p50: r.latency.p50, p99: r.latency.p99, mean: r.latency.average },
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    generatorCpuShare: (cpu.user + cpu.system) / 1000 / (performance.now() - wall0),
  };
}

async function run(config, streams, rootKeyHex, probe) {
  const requests = config.refused ? streams.refused : streams.authorized;
  let child;
  try {
    child = await startServer(config.env, rootKeyHex);
  } catch (e) {
    return { name: config.name, skipped: e.message };
  }
  try {
    // The server must really verify: a valid token passes, a tampered one does not.
    const ok = await status(`${child.url}${probe.path}`, probe.token);
    const bad = await status(`${child.url}${probe.path}`, probe.tampered);
    const verifies = config.env.GATEWAY_AUTH !== 'none';
    if (ok !== 200 || (verifies && bad !== 401)) {
      throw new Error(`sanity check failed: valid token -> ${ok}, tampered -> ${bad}`);
    }
    // Warm-up: every token of the population twice (the cache's steady state), then the stream itself
    // (JIT tiers, WASM tier-up, worker start).
    if (requests.sweep) await load(child.url, requests.sweep, 600, requests.sweep.length);
    await load(child.url, requests, warmup);
    const before = await serverStats(child);
    const cpuBefore = processCpuMs(child.pid);
    const wallBefore = performance.now();
    const r = await load(child.url, requests, duration);
    const cpuAfter = processCpuMs(child.pid);
    const wallMs = performance.now() - wallBefore;
    const after = await serverStats(child);
    const rss = processRss(child.pid);
    const engine = child.engine;
    const stats = await stopServer(child);
    child = undefined;
    // The measured window only: the counters after it less those before it.
    const window =
      before && after
        ? {
            batches: after.batches - before.batches,
            items: after.items - before.items,
            cache:
              after.cache && before.cache
                ? {
                    ...after.cache,
                    hits: after.cache.hits - before.cache.hits,
                    misses: after.cache.misses - before.cache.misses,
                    evictions: after.cache.evictions - before.cache.evictions,
                  }
                : after.cache,
          }
        : stats;
    return {
      name: config.name,
      engine,
      requestsPerSecond: Math.round(r.requestsPerSecond),
      latencyMs: r.latencyMs,
      non2xx: r.non2xx,
      errors: r.errors,
      // How busy the generator's own core was (its CPU time over the wall time).
      generatorCpuShare: Number(r.generatorCpuShare.toFixed(3)),
      // Server CPU time (all its threads) per request served: what a request costs, whatever else the
      // machine was running; 1e6 / this is the req/s one dedicated core would serve.
      serverCpuUsPerRequest:
        cpuBefore === undefined || cpuAfter === undefined
          ? null
          : Number(((1000 * (cpuAfter - cpuBefore)) / r.total).toFixed(1)),
      // How busy the server's threads were during the run (100%: one core, all the time).
      serverCpuShare:
        cpuBefore === undefined || cpuAfter === undefined
          ? null
          : Number(((cpuAfter - cpuBefore) / wallMs).toFixed(3)),
      serverRssBytes: rss ?? null,
      meanBatchSize: window && window.batches > 0 ? Number((window.items / window.batches).toFixed(2)) : null,
      // The cache in the measured window (hit rate), and what it holds at its end (estimated bytes).
      cache: window?.cache
        ? {
            hitRate: Number(
              (window.cache.hits / Math.max(1, window.cache.hits + window.cache.misses)).toFixed(4),
            ),
            entries: window.cache.entries,
            bytes: window.cache.bytes,
            evictions: window.cache.evictions,
          }
        : null,
      env: config.env,
    };
  } finally {
    if (child) await stopServer(child);
  }
}

// Does the pool scale with cores? Verification alone (no HTTP, no load generator competing for a core):
// W1 batches of 64 through pools of 1..N workers, as many batches in flight as workers.
async function poolScaling(rootKey, deadline) {
  const items = [];
  for (let i = 0; i < 64; i++) {
    // As the gateway sends them: the bundle undecoded, decoded in the worker.
    items.push({ bundle: mintW1(rootKey, i, deadline), rootKey, exact: [`account = ${i}`, 'action = read'] });
  }
  const out = [];
  const max = availableParallelism();
  for (let size = 1; size <= max; size++) {
    const pool = new VerifierPool({
      verifierModule: join(ROOT, 'examples/gateway/verifier.js'),
      verifierOptions: { engine: 'wasm' },
      size,
      minChunk: 64,
    });
    const engine = await pool.engine().catch(() => 'unavailable');
    const spin = async (seconds) => {
      let tokens = 0;
      const end = performance.now() + seconds * 1000;
      const lane = async () => {
        while (performance.now() < end) {
          const results = await pool.verifyBatch(items);
          if (!results.every((r) => r.ok)) throw new Error('pool verification failed');
          tokens += results.length;
        }
      };
      const start = performance.now();
      const elu = performance.eventLoopUtilization();
      await Promise.all(Array.from({ length: size * 2 }, lane));
      // What feeding the pool costs the calling (HTTP) thread, per token: the time it was busy.
      const busyMs = performance.eventLoopUtilization(elu).active;
      return { perSecond: tokens / ((performance.now() - start) / 1000), mainUs: (1000 * busyMs) / tokens };
    };
    await spin(0.5);
    const measured = await spin(poolSeconds);
    const tokensPerSecond = Math.round(measured.perSecond);
    const mainThreadUsPerToken = Number(measured.mainUs.toFixed(2));
    await pool.close();
    out.push({ workers: size, engine, tokensPerSecond, mainThreadUsPerToken });
    process.stderr.write(`pool of ${size}: ${tokensPerSecond} W1 tokens/s (${engine})\n`);
  }
  return out;
}

/** A fixed list of autocannon requests, and the same as buffers for the raw generator, in turn. */
function cycling(requests) {
  const buffers = generator === 'raw' ? requests.map((r) => requestBuffer(r.path, r.headers)) : [];
  let i = 0;
  return { requests, next: () => buffers[i++ % buffers.length] };
}

/** `list` in a random order (Fisher–Yates), in place. */
function shuffled(list) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function medianRun(list) {
  const ok = list.filter((r) => !r.skipped);
  if (ok.length === 0) return list[0];
  const pick = (f) => median(ok.map(f));
  return {
    ...ok[0],
    requestsPerSecond: Math.round(pick((r) => r.requestsPerSecond)),
    latencyMs: {
      p50: pick((r) => r.latencyMs.p50),
      p99: pick((r) => r.latencyMs.p99),
      mean: pick((r) => r.latencyMs.mean),
    },
    non2xx: ok.reduce((a, r) => a + r.non2xx, 0),
    errors: ok.reduce((a, r) => a + r.errors, 0),
    meanBatchSize: ok[0].meanBatchSize === null ? null : Number(pick((r) => r.meanBatchSize).toFixed(1)),
    cache: ok[0].cache
      ? {
          hitRate: pick((r) => r.cache.hitRate),
          entries: pick((r) => r.cache.entries),
          bytes: pick((r) => r.cache.bytes),
          evictions: pick((r) => r.cache.evictions),
        }
      : null,
    serverCpuUsPerRequest:
      ok[0].serverCpuUsPerRequest === null ? null : Number(pick((r) => r.serverCpuUsPerRequest).toFixed(1)),
    serverCpuShare: ok[0].serverCpuShare === null ? null : pick((r) => r.serverCpuShare),
    generatorCpuShare: pick((r) => r.generatorCpuShare),
    serverRssBytes: ok[0].serverRssBytes === null ? null : pick((r) => r.serverRssBytes),
    rounds: ok.map((r) => ({
      requestsPerSecond: r.requestsPerSecond,
      p50: r.latencyMs.p50,
      p99: r.latencyMs.p99,
    })),
  };
}

async function main() {
  const rootKey = randomBytes(32);
  const rootKeyHex = rootKey.toString('hex');
  const deadline = new Date(Date.now() + 24 * 3600_000).toISOString();
  const requests = [];
  for (let i = 1; i <= TOKENS; i++) {
    requests.push({
      method: 'GET',
      path: `/accounts/${i}`,
      headers: { authorization: `Macaroon ${mintW1(rootKey, i, deadline)}` },
    });
  }
  // Token i for account i + 1: refused on its `account = i` caveat.
  const refusedRequests = requests.map((r, i) => ({ ...r, path: `/accounts/${((i + 1) % TOKENS) + 1}` }));
  const refused = cycling(refusedRequests);
  const token = mintW1(rootKey, 7, deadline);
  const tampered = mintW1(rootKey, 7, deadline).replace(
    /^(.{40})(.)/,
    (_, a, c) => a + (c === 'A' ? 'B' : 'A'),
  );
  const probe = { path: '/accounts/7', token, tampered };

  const only = args.only?.split(',');
  const configs = (reuse ? REUSE_CONFIGS : sweep ? sweepConfigs() : CONFIGS).filter(
    (c) => !only || only.includes(c.id),
  );
  // With --reuse, each configuration gets its request list (and a probe minted the same way).
  const lists = { default: { ...cycling(requests), probe } };
  const servers = [];
  if (reuse) {
    const draw = zipf(REUSE_TOKENS);
    const mintList = async (mint, count, order) => {
      const tokens = [];
      for (let i = 0; i < count; i++) tokens.push(await mint(i + 1));
      const paths = tokens.map((_, i) => `/accounts/${i + 1}`);
      const headers = tokens.map((t) => ({ authorization: `Macaroon ${t}` }));
      const buffers = generator === 'raw' ? paths.map((p, i) => requestBuffer(p, headers[i])) : [];
      const one = await mint(7);
      // One request template whose path and token are picked per request: autocannon builds every
      // listed request once per connection, which for 100,000 tokens x 32 connections is gigabytes.
      const picked = (pick) => ({
        requests: [
          {
            method: 'GET',
            setupRequest: (req) => {
              const i = pick();
              return { ...req, path: paths[i], headers: headers[i] };
            },
          },
        ],
        next: () => buffers[pick()],
      });
      let next = 0;
      const stream = picked(order ?? (() => next++ % tokens.length));
      // The warm-up sweep of a reused population: every token twice, in a random order.
      let sweepList;
      if (order) {
        const twice = shuffled([...tokens.keys(), ...tokens.keys()]);
        let at = 0;
        sweepList = { ...picked(() => twice[at++ % twice.length]), length: twice.length };
      }
      return {
        ...stream,
        sweep: sweepList,
        probe: {
          path: '/accounts/7',
          token: one,
          tampered: one.replace(/^(.{40})(.)/, (_, a, c) => a + (c === 'A' ? 'B' : 'A')),
        },
      };
    };
    const withKey = (account) => mintW1(rootKey, account, deadline);
    process.stderr.write(`minting ${REUSE_TOKENS} tokens (requested in a Zipf order)...\n`);
    lists.zipf = await mintList(withKey, REUSE_TOKENS, draw);
    if (configs.some((c) => c.tokens === 'distinct')) {
      // More distinct tokens than any run serves (at up to 20,000 req/s): no token repeats.
      const count = Number(args['distinct-tokens'] ?? Math.max(200_000, 20_000 * (warmup + duration)));
      process.stderr.write(`minting ${count} distinct tokens...\n`);
      lists.distinct = await mintList(withKey, count);
    }
    for (const kind of ['redis', 'postgres']) {
      if (!configs.some((c) => c.store === kind)) continue;
      try {
        const server = kind === 'redis' ? await startRedis() : await startPostgres();
        servers.push(server);
        const store = await openStore(server.url, { policy: DEFAULT_ROTATION_POLICY });
        const mintFromStore = async (account) => {
          const { identifier, key } = await store.newIdentifier();
          return mintW1(key, account, deadline, identifier);
        };
        process.stderr.write(`minting ${REUSE_TOKENS} tokens through the ${kind} store...\n`);
        lists[kind] = await mintList(mintFromStore, REUSE_TOKENS, draw);
        await store.close();
        for (const c of configs) if (c.store === kind) c.env = { ...c.env, GATEWAY_STORE: server.url };
      } catch (e) {
        process.stderr.write(`${kind}: cannot start a server (${e.message}); skipped\n`);
      }
    }
  }
  // Rounds alternate the configurations, so a neighbour's load drifting during the run spreads over
  // all of them; each configuration's figures are the medians over its rounds.
  const rounds = Number(args.rounds ?? (sweep ? 1 : 2));
  const runs = new Map(configs.map((c) => [c.name, []]));
  const loadBefore = loadavg();
  for (let round = 1; round <= rounds; round++) {
    for (const config of configs) {
      process.stderr.write(
        `[${round}/${rounds}] ${config.name}: ${duration} s, ${connections} connections...\n`,
      );
      const list = lists[config.tokens ?? 'default'];
      const r = list
        ? await run(config, { authorized: list, refused }, rootKeyHex, list.probe)
        : { name: config.name, skipped: 'no tokens (its store did not start)' };
      runs.get(config.name).push(r);
      process.stderr.write(`  ${JSON.stringify(r)}\n`);
    }
  }
  for (const server of servers) await server.dispose();
  const results = configs.map((c) => medianRun(runs.get(c.name)));
  const loadAfter = loadavg();

  const base = results.find((r) => r.name === 'no auth' && !r.skipped);
  const lines = [
    '| configuration | engine | req/s | vs no auth | p50 ms | p99 ms | p99 added ms | server CPU µs/req | CPU vs no auth | server CPU busy | generator busy | mean batch | cache hit rate | cache entries / MiB | server RSS MiB | non-2xx |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const ms = (x) => (Number.isInteger(x) ? String(x) : x.toFixed(2));
  for (const r of results) {
    if (r.skipped) {
      lines.push(`| ${r.name} | skipped: ${r.skipped} | | | | | | | | | | | | | | |`);
      continue;
    }
    const added = base ? ms(r.latencyMs.p99 - base.latencyMs.p99) : '';
    const ratio = base ? `${((100 * r.requestsPerSecond) / base.requestsPerSecond).toFixed(1)}%` : '';
    // Capacity per core relative to no auth: the no-auth CPU per request over this one's.
    const cpuRatio =
      base?.serverCpuUsPerRequest && r.serverCpuUsPerRequest
        ? `${((100 * base.serverCpuUsPerRequest) / r.serverCpuUsPerRequest).toFixed(1)}%`
        : '';
    lines.push(
      `| ${r.name} | ${r.engine ?? ''} | ${r.requestsPerSecond} | ${ratio} | ${ms(r.latencyMs.p50)} | ${ms(r.latencyMs.p99)} | ${added} | ${r.serverCpuUsPerRequest ?? ''} | ${cpuRatio} | ${r.serverCpuShare === null ? '' : `${(100 * r.serverCpuShare).toFixed(0)}%`} | ${`${(100 * r.generatorCpuShare).toFixed(0)}%`} | ${r.meanBatchSize ?? ''} | ${r.cache ? `${(100 * r.cache.hitRate).toFixed(1)}%` : ''} | ${r.cache ? `${r.cache.entries} / ${(r.cache.bytes / 1048576).toFixed(1)}` : ''} | ${r.serverRssBytes ? (r.serverRssBytes / 1048576).toFixed(0) : ''} | ${r.non2xx} |`,
    );
  }
  console.log(lines.join('\n'));

  const scaling = sweep || reuse || args['no-pool-scaling'] ? [] : await poolScaling(rootKey, deadline);
  if (scaling.length > 0) {
    const one = scaling[0].tokensPerSecond;
    console.log(
      '\n| pool workers | engine | W1 tokens/s (verification only) | vs 1 worker | calling thread µs/token |\n|---:|---|---:|---:|---:|',
    );
    for (const p of scaling) {
      console.log(
        `| ${p.workers} | ${p.engine} | ${p.tokensPerSecond} | ${(p.tokensPerSecond / one).toFixed(2)}x | ${p.mainThreadUsPerToken} |`,
      );
    }
  }

  const report = {
    date: new Date().toISOString(),
    command: `npm run loadtest -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    // Other work on the machine during the run (1-minute load average), which the figures include.
    loadAverage: { before: loadBefore[0], after: loadAfter[0] },
    rounds,
    load: {
      tool: generator === 'raw' ? 'scripts/loadgen.js (raw keep-alive sockets)' : 'autocannon',
      pipeline: generator === 'raw' ? pipeline : 1,
      warmup: reuse
        ? 'every token of the population twice (random order), then warmupSeconds of the stream'
        : 'warmupSeconds of the stream',
      connections,
      durationSeconds: duration,
      warmupSeconds: warmup,
      // The server alone on CPU 0, the load generator on CPU 1 (taskset), or neither pinned.
      pinned: PINNED,
      tokens: reuse ? { distinct: REUSE_TOKENS, order: 'Zipf (exponent 1), drawn per request' } : TOKENS,
    },
    workload: 'W1: 5 first-party caveats + 1 third-party caveat with a bound discharge (1 caveat)',
    results,
    poolScaling: scaling,
  };
  const file = join(
    ROOT,
    'bench/results',
    sweep ? 'loadtest-sweep.json' : reuse ? 'loadtest-reuse.json' : 'loadtest.json',
  );
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwritten to ${file}`);
}

await main();
