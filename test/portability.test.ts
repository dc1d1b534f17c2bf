/**
 * The library core runs everywhere: no Node built-ins and no Buffer outside the Node-only entry points
 * (src/cli, src/node, src/entry/node*.ts). Checked on the sources, so a stray import fails CI before any runtime test.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../src/', import.meta.url).pathname;
const NODE_ONLY = ['cli', 'node'];
/** Runtime entries selected by the `node` exports condition may use Node APIs. */
const isNodeEntry = (path: string) => /^entry\/node[^/]*\.ts$/.test(relative(SRC, path));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return NODE_ONLY.includes(relative(SRC, path)) ? [] : sources(path);
    return path.endsWith('.ts') && !isNodeEntry(path) ? [path] : [];
  });
}

describe('portable core', () => {
  const files = sources(SRC);

  it('covers the core sources', () => {
    expect(files.map((f) => relative(SRC, f))).toContain('verifier.ts');
  });

  it.each(files.map((f) => [relative(SRC, f), f]))('%s uses no node: import and no Buffer', (_name, file) => {
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect(code).not.toMatch(/from\s+['"]node:|import\(\s*['"]node:|require\(/);
    expect(code).not.toMatch(/\bBuffer\b/);
    expect(code).not.toMatch(/\bprocess\./);
  });
});
