// What `npm pack` must put in the tarball users receive: the built entries with their types, every
// build of the engine as a .wasm file (for runtimes that import it), the README and the LICENSE, and
// nothing of the sources, tests or tooling. Every file the README links to relatively ships with it
// (npm and the registry show the README from the tarball); anything else is linked by URL.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.js';

const REQUIRED = [
  'package.json',
  'README.md',
  'LICENSE',
  'SECURITY.md',
  'dist/cli/main.js',
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
  for (const link of readmeLinks()) {
    if (!paths.has(link)) problems.push(`README.md links to ${link}, which is not in the tarball`);
  }
  const main = files.find((f) => f.path === 'dist/cli/main.js');
  if (main && (main.mode & 0o111) === 0) problems.push('dist/cli/main.js is not executable');
  return problems;
}

/** The relative links of README.md (Markdown links and images), without anchors. */
export function readmeLinks() {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1].split('#')[0]);
  return links.filter((l) => l !== '' && !/^[a-z]+:/i.test(l)).map((l) => l.replace(/^\.\//, ''));
}
