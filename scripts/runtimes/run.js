// `npm run test:runtimes`: packs the package, installs the tarball into a scratch consumer project, and
// runs the same checks (test/runtimes/checks.js) in Node, Deno, Bun, Cloudflare workerd and Chromium.
// A runtime is skipped only when it is not installed, and loudly (under CI=true or RUNTIMES_REQUIRE_ALL=1
// a skip fails the run); any failed check fails the run.
//   node scripts/runtimes/run.js [--only node,deno,...] [--keep] [--json summary.json]
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundle } from './bundle.js';
import { chromiumAvailable, runChromium } from './chromium.js';
import { createConsumer } from './consumer.js';
import { NODE_LIKE } from './node-like.js';
import { VECTORS } from './paths.js';
import { run } from './processes.js';
import { tarballProblems } from './tarball.js';
import { runWorkerd, workerdAvailable } from './workerd.js';

const REPORT_MARKER = 'RUNTIME-REPORT ';
const RUNTIMES = ['node', 'deno', 'bun', 'workerd', 'chromium'];

function option(name) {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : (process.argv[i + 1] ?? '');
}

function readVectorFiles() {
  return readdirSync(VECTORS)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((name) => ({ name, data: JSON.parse(readFileSync(join(VECTORS, name), 'utf8')) }));
}

/** The fastest of a few spawns of `script`, to exit, in ms; fails if any run fails. */
async function processMs(command, args, script, consumer) {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const r = await run(command, [...args, script], { cwd: consumer, timeoutMs: 30_000 });
    if (r.code !== 0)
      throw new Error(`${script} exited with ${r.code ?? 'a timeout'}: ${r.stderr.slice(-2000)}`);
    if (script === 'first-verify-cli.js' && JSON.parse(r.stdout).ok !== true) {
      throw new Error(`${script}: the first verification was refused`);
    }
    best = Math.min(best, r.ms);
  }
  return best;
}

async function runNodeLike(name, consumer) {
  const { command, args } = NODE_LIKE[name]();
  const r = await run(command, [...args, 'cli.js', VECTORS], { cwd: consumer, timeoutMs: 120_000 });
  const line = r.stdout.split('\n').find((l) => l.startsWith(REPORT_MARKER));
  if (r.code !== 0 || !line) {
    throw new Error(`${name} exited with ${r.code ?? 'a timeout'}:\n${(r.stderr || r.stdout).slice(-3000)}`);
  }
  const report = JSON.parse(line.slice(REPORT_MARKER.length));
  report.coldStart.processMs = await processMs(command, args, 'first-verify-cli.js', consumer);
  report.coldStart.emptyProcessMs = await processMs(command, args, 'empty.js', consumer);
  return report;
}

const drivers = {
  node: { available: () => undefined, run: (c) => runNodeLike('node', c.consumer) },
  deno: {
    available: () => (NODE_LIKE.deno() ? undefined : 'node_modules/.bin/deno is missing (npm package deno)'),
    run: (c) => runNodeLike('deno', c.consumer),
  },
  bun: {
    available: () => (NODE_LIKE.bun() ? undefined : 'node_modules/.bin/bun is missing (npm package bun)'),
    run: (c) => runNodeLike('bun', c.consumer),
  },
  workerd: { available: workerdAvailable, run: (c, vectors) => runWorkerd(c.consumer, vectors) },
  chromium: { available: chromiumAvailable, run: (c, vectors) => runChromium(c.consumer, vectors) },
};

function loud(lines) {
  const bar = '!'.repeat(78);
  console.log(`\n${bar}\n${lines.map((l) => `!! ${l}`).join('\n')}\n${bar}\n`);
}

const ms = (v) => (typeof v === 'number' ? `${v.toFixed(1)} ms` : '-');
const kb = (v) => (typeof v === 'number' ? `${(v / 1024).toFixed(1)} KiB` : '-');

function coldStartText(r) {
  const c = r.coldStart ?? {};
  if ('importMs' in c) {
    return (
      `import ${ms(c.importMs)} + ready ${ms(c.readyMs)} + 1st verify ${ms(c.firstVerifyMs)}; ` +
      `process ${ms(c.processMs)} (empty script: ${ms(c.emptyProcessMs)})`
    );
  }
  if ('spawnToFirstVerifyMs' in c) return `spawn to 1st verified response ${ms(c.spawnToFirstVerifyMs)}`;
  if ('navigationToFirstVerifyMs' in c) return `navigation to 1st verify ${ms(c.navigationToFirstVerifyMs)}`;
  return '-';
}

async function runMatrix(consumer, only) {
  const results = [];
  const problems = tarballProblems(consumer.files);
  results.push({ name: 'tarball', status: problems.length === 0 ? 'passed' : 'failed', problems });
  console.log(`runtimes: ${problems.length === 0 ? 'PASS' : 'FAIL'} tarball contents ${problems.join('; ')}`);

  const vectorFiles = readVectorFiles();
  if (vectorFiles.length === 0) throw new Error(`no vector files in ${VECTORS}`);

  for (const name of only) {
    const driver = drivers[name];
    const missing = driver.available();
    if (missing) {
      loud([`SKIPPED ${name}: it is not installed on this machine.`, missing]);
      results.push({ name, status: 'skipped', reason: missing });
      continue;
    }
    const started = performance.now();
    try {
      const report = await driver.run(consumer, vectorFiles);
      const ok = report.failed === 0 && report.passed > 0;
      results.push({ name, status: ok ? 'passed' : 'failed', ms: performance.now() - started, report });
      console.log(
        `runtimes: ${ok ? 'PASS' : 'FAIL'} ${name} (${report.runtime}): engine ${report.engine}, ` +
          `${report.passed} checks passed, ${report.failed} failed, in ${ms(performance.now() - started)}`,
      );
      for (const f of report.failures) console.log(`    ${f}`);
    } catch (e) {
      results.push({ name, status: 'failed', error: e.message });
      console.log(`runtimes: FAIL ${name}: ${e.message}`);
    }
  }
  return results;
}

function printTable(results, loaded) {
  console.log('\n| runtime | engine | checks | W1 batch (1000), warm | cold start | bundle (min / gzip) |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const { name, status, report: r } of results) {
    if (name === 'tarball') continue;
    if (!r) {
      console.log(`| ${name} | ${status} | | | | |`);
      continue;
    }
    const batch = Object.entries(r.w1?.batchMs ?? {})
      .map(([engine, t]) => `${engine} ${ms(t)}`)
      .join(', ');
    const b = r.bundle ?? loaded;
    const size = `${kb(b.totalBytes)} / ${kb(b.totalGzipBytes)}${r.bundle ? '' : ' (as loaded, unbundled)'}`;
    console.log(`| ${r.runtime} | ${r.engine} | ${r.passed} | ${batch} | ${coldStartText(r)} | ${size} |`);
  }
}

async function main() {
  const only = option('--only')?.split(',') ?? RUNTIMES;
  const unknown = only.filter((r) => !RUNTIMES.includes(r));
  if (unknown.length > 0) throw new Error(`unknown runtime(s): ${unknown.join(', ')}`);

  const t0 = performance.now();
  const consumer = await createConsumer();
  let results;
  try {
    console.log(
      `runtimes: packed ${consumer.tarball} (${kb(consumer.size)}, ${kb(consumer.unpackedSize)} unpacked, ` +
        `${consumer.files.length} files); installed into ${consumer.consumer} (${consumer.installedWith}) ` +
        `in ${ms(performance.now() - t0)}`,
    );
    // What Node, Deno and Bun load for the smallest use (they run the package unbundled).
    const entry = join(consumer.consumer, 'first-verify.js');
    const loaded = await bundle(entry, join(consumer.dir, 'node-size.js'), { target: 'node', minify: true });
    results = await runMatrix(consumer, only);
    printTable(results, loaded);
    const json = option('--json');
    if (json) writeFileSync(json, `${JSON.stringify({ consumer, loaded, results }, null, 2)}\n`);
  } finally {
    if (process.argv.includes('--keep')) console.log(`runtimes: kept ${consumer.dir}`);
    else rmSync(consumer.dir, { recursive: true, force: true });
  }

  const named = (status) => results.filter((r) => r.status === status).map((r) => r.name);
  const skipped = named('skipped');
  if (skipped.length > 0) loud([`${skipped.length} runtime(s) SKIPPED: ${skipped.join(', ')}`]);
  console.log(
    `\nruntimes: ${named('passed').length} passed, ${named('failed').length} failed, ${skipped.length} skipped`,
  );
  // CI installs every runtime (.ci/run, npm ci), so there a skip is a failure.
  const strict = process.env.RUNTIMES_REQUIRE_ALL === '1' || process.env.CI === 'true';
  process.exitCode = named('failed').length > 0 || (strict && skipped.length > 0) ? 1 : 0;
}

await main();
