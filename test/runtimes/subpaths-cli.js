// Node, Deno and Bun: `<runtime> subpaths-cli.js <runtime name> bare|peers` in the consumer project.
// Imports every subpath that applies (test/runtimes/subpaths.js) from the installed tarball and checks
// its exports. `bare`: the consumer has only the package's dependencies (no optional peer is
// resolvable), so subpaths without peers must import; the worker pool must fail with a typed error that
// names piscina, and only when used. `peers`: the optional peers are installed; every subpath imports and
// the pool verifies. Prints one JSON line after REPORT_MARKER.
import { exportProblems, SUBPATHS, specifier, subpathsFor } from './subpaths.js';

const REPORT_MARKER = 'SUBPATHS-REPORT ';
const args = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
const [runtime, phase] = args;
const report = { passed: 0, failed: 0, failures: [], imported: [] };
const pass = () => report.passed++;
const fail = (message) => {
  report.failed++;
  report.failures.push(message);
};

async function importable(name) {
  try {
    await import(name);
    return true;
  } catch {
    return false;
  }
}

for (const entry of subpathsFor(runtime, phase)) {
  const name = specifier(entry.subpath);
  try {
    const problems = exportProblems(entry, await import(name));
    for (const p of problems) fail(p);
    if (problems.length === 0) {
      pass();
      report.imported.push(name);
    }
  } catch (e) {
    fail(`import '${name}' failed: ${String(e?.message ?? e).split('\n')[0]}`);
  }
}

const peers = [...new Set(SUBPATHS.flatMap((s) => s.peers ?? []))];
if (phase === 'bare') {
  for (const peer of [...peers, 'piscina']) {
    if (await importable(peer)) fail(`the bare consumer can import the optional peer ${peer}`);
    else pass();
  }
}

// The worker pool: piscina is loaded when a pool is made and used, never by importing the subpath.
if (runtime === 'node' || runtime === 'bun') {
  const { VerifierPool } = await import('macaroon-engine/node');
  const { Macaroon } = await import('macaroon-engine');
  const key = 'pool key';
  const token = Macaroon.create('', key, 'pool').addFirstPartyCaveat('a = 1').serialize();
  const pool = new VerifierPool({ verifierModule: new URL('./pool-verifier.js', import.meta.url), size: 1 });
  try {
    const [ok, no] = await pool.verifyBatch([
      { macaroon: token, rootKey: key, exact: ['a = 1'] },
      { macaroon: token, rootKey: key },
    ]);
    if (phase === 'bare') fail('the pool verified without piscina installed');
    else if (ok?.ok === true && no?.ok === false && no.error?.reason === 'caveat-not-satisfied') pass();
    else fail(`the pool gave ${JSON.stringify([ok?.ok, no?.ok, no?.error?.reason])}`);
  } catch (e) {
    if (phase === 'bare' && e?.code === 'ERR_ENGINE' && /piscina/.test(e.message)) pass();
    else fail(`pool (${phase}): ${e?.code ?? ''} ${e?.message ?? e}`);
  } finally {
    await pool.close();
  }
}

console.log(REPORT_MARKER + JSON.stringify(report));
