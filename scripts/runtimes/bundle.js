// Bundles a consumer's entry as an application would: esbuild with the runtime's exports conditions.
// For Workers, `.wasm` imports stay imports (wrangler hands them to workerd as compiled modules), and
// the files are copied beside the bundle.
import { copyFileSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const wasmAsModule = (outdir, copied) => ({
  name: 'wasm-as-module',
  setup(b) {
    b.onResolve({ filter: /\.wasm$/ }, async (args) => {
      if (args.pluginData === 'resolving') return undefined;
      // esbuild's own resolution (relative paths and package exports alike) finds the file.
      const found = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'resolving',
      });
      if (found.errors.length > 0) return { errors: found.errors };
      const name = basename(found.path);
      copyFileSync(found.path, join(outdir, name));
      if (!copied.includes(join(outdir, name))) copied.push(join(outdir, name));
      return { path: `./${name}`, external: true };
    });
  },
});

const CONDITIONS = { workerd: ['workerd', 'worker', 'browser'], browser: ['browser'], node: [] };
const PLATFORMS = { workerd: 'neutral', browser: 'browser', node: 'node' };

/**
 * `target`: 'workerd', 'browser', or 'node' (only to measure what Node, Deno and Bun load). Returns the bundle's path, the .wasm modules beside it, and sizes
 * (bytes and gzip) of the JavaScript and of everything shipped.
 */
export async function bundle(entry, outfile, { target, minify = false }) {
  const wasm = [];
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: PLATFORMS[target],
    mainFields: target === 'node' ? ['module', 'main'] : ['browser', 'module', 'main'],
    conditions: CONDITIONS[target],
    minify,
    target: 'es2022',
    logLevel: 'error',
    plugins: target === 'workerd' ? [wasmAsModule(dirname(outfile), wasm)] : [],
    // In a browser bundle a .wasm import is the file's bytes, compiled by the page.
    loader: target === 'workerd' ? {} : { '.wasm': 'binary' },
  });
  const js = readFileSync(outfile);
  const shipped = [js, ...wasm.map((f) => readFileSync(f))];
  return {
    file: outfile,
    wasm,
    jsBytes: js.length,
    jsGzipBytes: gzipSync(js).length,
    totalBytes: shipped.reduce((n, b) => n + b.length, 0),
    totalGzipBytes: shipped.reduce((n, b) => n + gzipSync(b).length, 0),
  };
}
