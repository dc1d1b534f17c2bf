// Node, Deno and Bun: `<runtime> cli.js <vectors dir>` in the scratch consumer project. Times the cold
// start (importing the package, ready(), the first verification), runs the checks, and prints the
// report as one JSON line after REPORT_MARKER for scripts/runtimes/run.js.
const REPORT_MARKER = 'RUNTIME-REPORT ';
const SECRET = 'this is our super secret key; only we should know it';
const SEED_V1 =
  'MDAxY2xvY2F0aW9uIGh0dHA6Ly9teWJhbmsvCjAwMjZpZGVudGlmaWVyIHdlIHVzZWQgb3VyIHNlY3JldCBrZXkKMDAyZnNpZ25hdHVyZSDj2eApCFJsTAA5rhURQRXZf91ovyujebNCqvD2F9BVLwo';

const t0 = performance.now();
const lib = await import('macaroon-engine');
const t1 = performance.now();
await lib.ready();
const t2 = performance.now();
const firstOk = new lib.Verifier().verifyUnsafe(lib.Macaroon.deserialize(SEED_V1), SECRET);
const t3 = performance.now();

const { runChecks } = await import('./checks.js');

function runtimeName() {
  if (globalThis.Deno) return `deno ${globalThis.Deno.version.deno}`;
  if (globalThis.Bun) return `bun ${globalThis.Bun.version}`;
  return `node ${process.versions.node}`;
}

async function readVectorFiles(dir) {
  const files = [];
  if (globalThis.Deno) {
    for await (const entry of globalThis.Deno.readDir(dir)) files.push(entry.name);
  } else {
    const { readdir } = await import('node:fs/promises');
    files.push(...(await readdir(dir)));
  }
  const read = globalThis.Deno
    ? (path) => globalThis.Deno.readTextFile(path)
    : async (path) => (await import('node:fs/promises')).readFile(path, 'utf8');
  const names = files.filter((f) => f.endsWith('.json')).sort();
  return Promise.all(names.map(async (name) => ({ name, data: JSON.parse(await read(`${dir}/${name}`)) })));
}

/** A build shipped as a file in the package (`macaroon-engine/wasm/*.wasm`), compiled from its bytes. */
async function compileFromPackage(build) {
  const url = new URL(import.meta.resolve(`macaroon-engine/wasm/macaroon-${build}.wasm`));
  const bytes = globalThis.Deno
    ? await globalThis.Deno.readFile(url)
    : await (await import('node:fs/promises')).readFile(url);
  return WebAssembly.compile(bytes);
}

const args = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
const report = await runChecks({
  vectorFiles: await readVectorFiles(args[0]),
  now: () => performance.now(),
  builds: { simd: () => compileFromPackage('simd'), scalar: () => compileFromPackage('scalar') },
});
report.runtime = runtimeName();
report.coldStart = { importMs: t1 - t0, readyMs: t2 - t1, firstVerifyMs: t3 - t2 };
report.passed += firstOk ? 1 : 0;
if (!firstOk) {
  report.failed++;
  report.failures.push('cold start: the first verification with the auto engine was refused');
}
console.log(REPORT_MARKER + JSON.stringify(report));
