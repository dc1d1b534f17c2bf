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
import { kindOf, NODE_LIKE } from './node-like.js';
import { localBin, VECTORS } from './paths.js';
import { run } from './processes.js';
import { installPeers, listProblems, runSubpathCheck, writeBundledSubpaths } from './subpaths.js';
import { tarballProblems } from './tarball.js';
import { runWorkerd, workerdAvailable } from './workerd.js';

const REPORT_MARKER = 'RUNTIME-REPORT ';
const NODE_MAJORS = ['20', '22', '24'];
const RUNTIMES = ['node', 'node22', 'node24', 'deno', 'bun', 'workerd', 'chromium'];

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

const nodeDriver = (name) => ({
  available: () =>
    NODE_LIKE[name]() ? undefined : `node_modules/${name}/bin/node is missing (npm package ${name})`,
  run: (c) => runNodeLike(name, c.consumer),
});

const drivers = {
  node: { available: () => undefined, run: (c) => runNodeLike('node', c.consumer) },
  node22: nodeDriver('node22'),
  node24: nodeDriver('node24'),
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

function record(results, name, problems, what) {
  results.push({ name, status: problems.length === 0 ? 'passed' : 'failed', problems });
  console.log(`runtimes: ${problems.length === 0 ? 'PASS' : 'FAIL'} ${what}`);
  for (const p of problems) console.log(`    ${p}`);
}

/** publint and Are the Types Wrong on the tarball users receive; the problems they print, if any. */
async function lintPackage(tarball) {
  const problems = [];
  const tools = [
    ['publint', ['run', tarball, '--strict']],
    // ESM only: there is no CommonJS entry to resolve, by design (the esm-only profile skips the
    // CommonJS resolutions; node10, node16-ESM and bundler resolution are all checked).
    ['attw', [tarball, '--profile', 'esm-only', '--format', 'table-flipped']],
  ];
  for (const [tool, args] of tools) {
    const r = await run(localBin(tool), args, { timeoutMs: 180_000 });
    if (r.code !== 0) problems.push(`${tool}:\n${(r.stdout + r.stderr).slice(-4000)}`);
  }
  return problems;
}

/**
 * Every subpath, in each Node-like runtime asked for: first with only the package's dependencies
 * installed, then with the optional peers. Leaves the peers installed for the runtimes that follow.
 */
async function checkSubpaths(results, consumer, only) {
  const nodeLike = only.filter((name) => NODE_LIKE[name] && drivers[name].available() === undefined);
  for (const phase of ['bare', 'peers']) {
    if (phase === 'peers') {
      const specs = await installPeers(consumer.consumer);
      console.log(`runtimes: installed the optional peers ${specs.join(', ')}`);
    }
    for (const name of nodeLike) {
      let problems;
      let passed = 0;
      try {
        const r = await runSubpathCheck(NODE_LIKE[name](), kindOf(name), phase, consumer.consumer);
        problems = r.failures;
        passed = r.passed;
      } catch (e) {
        problems = [e.message];
      }
      const deps = phase === 'bare' ? 'dependencies only' : 'with optional peers';
      record(
        results,
        `subpaths/${name}/${phase}`,
        problems,
        `subpaths in ${name}, ${deps} (${passed} checks)`,
      );
    }
  }
  for (const name of ['workerd', 'chromium']) writeBundledSubpaths(consumer.consumer, name);
}

async function runMatrix(consumer, only) {
  const results = [];
  record(results, 'tarball', tarballProblems(consumer.files), 'tarball contents');
  record(results, 'subpath list', listProblems(), 'every subpath of exports is in test/runtimes/subpaths.js');
  record(results, 'package lint', await lintPackage(consumer.tarball), 'publint and attw on the tarball');
  await checkSubpaths(results, consumer, only);

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
    if (!drivers[name]) continue;
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

  // The Node matrix must cover the majors package.json's engines promise.
  const majors = results
    .filter((r) => r.report?.runtime?.startsWith('node '))
    .map((r) => r.report.runtime.split(/[ .]/)[1]);
  const missingMajors =
    only.includes('node') && only.includes('node22') && only.includes('node24')
      ? NODE_MAJORS.filter((m) => !majors.includes(m))
      : [];
  if (missingMajors.length > 0) {
    results.push({ name: 'node majors', status: 'failed' });
    console.log(`runtimes: FAIL Node ${missingMajors.join(', ')} did not run (ran ${majors.join(', ')})`);
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
