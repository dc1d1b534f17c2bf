// Cloudflare workerd: the Worker is bundled as wrangler would (exports conditions `workerd`, `worker`;
// `.wasm` imports kept as compiled-module imports), served by a real workerd on loopback, and called
// over HTTP. No nodejs_compat flag: the package must not need Node APIs there.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';
import { bundle } from './bundle.js';
import { localBin, ROOT } from './paths.js';
import { start } from './processes.js';

export const COMPATIBILITY_DATE = '2025-09-01';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function capnpConfig(scriptName, wasmFiles, port) {
  const modules = [
    `(name = "${scriptName}", esModule = embed "${scriptName}")`,
    ...wasmFiles.map((f) => `(name = "${basename(f)}", wasm = embed "${basename(f)}")`),
  ];
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    ${modules.join(',\n    ')}
  ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
);
`;
}

/** Bundles `entry` into its own directory and serves it; resolves once it answers HTTP. */
async function serve(consumer, entry, { minify = false } = {}) {
  const workerd = localBin('workerd');
  const name = basename(entry, '.js');
  const dir = join(consumer, `workerd-${name}${minify ? '-min' : ''}`);
  mkdirSync(dir, { recursive: true });
  const built = await bundle(join(consumer, entry), join(dir, 'worker.js'), { target: 'workerd', minify });
  const port = await freePort();
  writeFileSync(join(dir, 'config.capnp'), capnpConfig('worker.js', built.wasm, port));
  const started = performance.now();
  const server = start(workerd, ['serve', 'config.capnp'], { cwd: dir });
  const url = `http://127.0.0.1:${port}/`;
  return { built, server, url, started };
}

/** Polls until the first GET succeeds; that response time, from spawn, is the cold start. */
async function firstResponse({ server, url, started }, deadlineMs = 30_000) {
  while (performance.now() - started < deadlineMs) {
    if (server.child.exitCode !== null) throw new Error(`workerd exited:\n${server.output().slice(-3000)}`);
    try {
      const response = await fetch(url);
      return { ms: performance.now() - started, status: response.status, body: await response.text() };
    } catch {
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  throw new Error(`workerd did not answer within ${deadlineMs} ms:\n${server.output().slice(-3000)}`);
}

export function workerdAvailable() {
  return localBin('workerd') ? undefined : 'node_modules/.bin/workerd is missing (npm package workerd)';
}

/**
 * Serves `entry` and waits for its first answer. A second attempt covers the one race here: another
 * process taking the free port before workerd binds it.
 */
async function serveAndAnswer(consumer, entry, options) {
  for (let attempt = 1; ; attempt++) {
    const served = await serve(consumer, entry, options);
    try {
      return { ...served, first: await firstResponse(served) };
    } catch (e) {
      const exitedOnItsOwn = served.server.child.exitCode !== null;
      await served.server.stop();
      if (attempt === 2 || !exitedOnItsOwn) throw e;
    }
  }
}

export async function runWorkerd(consumer, vectorFiles) {
  const cold = await serveAndAnswer(consumer, 'first-verify-worker.js', { minify: true });
  await cold.server.stop();
  if (cold.first.status !== 200) {
    throw new Error(`first-verify worker answered ${cold.first.status}: ${cold.first.body}`);
  }
  const coldStart = { spawnToFirstVerifyMs: cold.first.ms, ...JSON.parse(cold.first.body) };

  const checks = await serveAndAnswer(consumer, 'worker.js');
  try {
    const response = await fetch(checks.url, { method: 'POST', body: JSON.stringify(vectorFiles) });
    const text = await response.text();
    if (response.status !== 200)
      throw new Error(`worker answered ${response.status}: ${text.slice(0, 2000)}`);
    const report = JSON.parse(text);
    const { version } = JSON.parse(
      readFileSync(join(ROOT, 'node_modules', 'workerd', 'package.json'), 'utf8'),
    );
    report.userAgent = report.runtime;
    report.runtime = `workerd ${version}`;
    report.coldStart = coldStart;
    report.bundle = cold.built;
    if (!coldStart.ok || !coldStart.engine.startsWith('wasm')) {
      report.failed++;
      report.failures.push(`first-verify worker: ${JSON.stringify(coldStart)}`);
    }
    return report;
  } catch (e) {
    e.message += `\nworkerd output:\n${checks.server.output().slice(-3000)}`;
    throw e;
  } finally {
    await checks.server.stop();
  }
}
