// Builds the playground into a static folder: index.html, style.css and one bundled app.js (the library
// and its WASM engine included, as base64 compiled by the page). No request leaves the page at run time.
//
//   node playground/build.js [outdir]     default: build/playground
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_OUTDIR = join(HERE, '..', 'build', 'playground');

/** Bundles the page into `outdir` (created, emptied first). Returns the files written. */
export async function buildPlayground(outdir = DEFAULT_OUTDIR, { minify = true } = {}) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [join(HERE, 'src', 'main.ts')],
    outfile: join(outdir, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['browser'],
    target: 'es2022',
    minify,
    legalComments: 'none',
    logLevel: 'error',
  });
  for (const file of ['index.html', 'style.css']) copyFileSync(join(HERE, file), join(outdir, file));
  return ['index.html', 'style.css', 'app.js'].map((f) => join(outdir, f));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = resolve(process.argv[2] ?? DEFAULT_OUTDIR);
  await buildPlayground(outdir);
  console.log(`playground written to ${outdir} (serve it from any static host)`);
}
