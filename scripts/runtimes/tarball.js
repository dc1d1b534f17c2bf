// What `npm pack` must put in the tarball users receive: the built entries with their types, every
// build of the engine as a .wasm file (for runtimes that import it), the README and the LICENSE, and
// nothing of the sources, tests or tooling.
const REQUIRED = [
  'package.json',
  'README.md',
  'LICENSE',
  'dist/index.js',
  'dist/index.d.ts',
  'dist/entry/workerd.js',
  'dist/entry/workerd.d.ts',
  'dist/entry/wasm.js',
  'dist/entry/wasm.d.ts',
  'dist/wasm/macaroon-simd.wasm',
  'dist/wasm/macaroon-scalar.wasm',
];
const FORBIDDEN = /^(src|test|scripts|assembly|bench|vectors|build|node_modules)\//;

/** Problems with the packed file list (npm pack --json `files`); empty when the tarball is right. */
export function tarballProblems(files) {
  const paths = new Set(files.map((f) => f.path));
  const problems = REQUIRED.filter((p) => !paths.has(p)).map((p) => `missing ${p}`);
  for (const p of paths) if (FORBIDDEN.test(p)) problems.push(`should not ship ${p}`);
  return problems;
}
