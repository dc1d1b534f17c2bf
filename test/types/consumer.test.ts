/**
 * A strict consumer: every README snippet compiles against the built package (dist, through the
 * package's `exports`) with `strict`, `exactOptionalPropertyTypes`, `noUncheckedIndexedAccess` and
 * `skipLibCheck: false`, under both `node16` and `bundler` module resolution; with them
 * test/types/fixtures/, which holds what the types must refuse (`@ts-expect-error`); and the `@example`
 * of every public export (test/docs/tsdoc-examples.ts), so no example names an API that does not exist
 * or calls one wrongly.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_GLOBALS, tsdocExamples } from '../docs/tsdoc-examples.js';
import { readmeSnippets } from './readme-snippets.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const run = promisify(execFile);

const STRICT = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: false,
  noEmit: true,
  target: 'ES2022',
  lib: ['ES2022', 'DOM'],
  types: ['node'],
  typeRoots: [join(ROOT, 'node_modules', '@types')],
};

const RESOLUTIONS = {
  node16: { module: 'node16', moduleResolution: 'node16' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
};

let dir: string;
const snippets = readmeSnippets(join(ROOT, 'README.md'));
const examples = tsdocExamples();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'macaroon-engine-consumer-'));
  mkdirSync(join(dir, 'node_modules'));
  // The package as a dependency: its package.json `exports` and dist, as installed.
  symlinkSync(ROOT, join(dir, 'node_modules', 'macaroon-engine'), 'dir');
  // The frameworks the adapter examples use, as the consumer would install them.
  for (const name of ['express', 'fastify', 'hono', 'pg', 'redis', '@redis', '@types']) {
    symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name), 'dir');
  }
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', type: 'module', private: true }),
  );
  // What a bundler's or wrangler's types declare for `.wasm` imports.
  writeFileSync(
    join(dir, 'wasm.d.ts'),
    "declare module '*.wasm' {\n  const module: WebAssembly.Module;\n  export default module;\n}\n",
  );
  for (const s of snippets) writeFileSync(join(dir, s.name), s.code);
  writeFileSync(join(dir, 'example-globals.ts'), EXAMPLE_GLOBALS);
  for (const e of examples) writeFileSync(join(dir, e.name), e.code);
  // What the types promise beyond the README: literal unions, the BatchResult union, explicit undefined.
  copyFileSync(join(ROOT, 'test', 'types', 'fixtures', 'unions.ts'), join(dir, 'unions.ts'));
  for (const [name, resolution] of Object.entries(RESOLUTIONS)) {
    const compilerOptions = { ...STRICT, ...resolution };
    writeFileSync(join(dir, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions, include: ['*.ts'] }));
  }
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.concurrent('README snippets and TSDoc examples in a strict consumer', () => {
  it('finds the snippets', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(5);
    expect(examples.map((e) => e.id)).toContain('src/macaroon.ts:Macaroon');
  });

  it.each(Object.keys(RESOLUTIONS))('compile with %s resolution', { timeout: 300_000 }, async (name) => {
    const r = await run(process.execPath, [TSC, '-p', `tsconfig.${name}.json`], { cwd: dir }).then(
      () => '',
      (e: { stdout?: string }) => e.stdout ?? String(e),
    );
    // Each error names the snippet file; the README line of each snippet:
    // and each example file names its export (example-<file>-<Name>-<n>.ts).
    const where = snippets.map((s) => `${s.name} = README.md:${s.line}`).join(', ');
    expect(r, where).toBe('');
  });
});
