/**
 * The structure the code relies on, checked: the Verifier is policy only (no WASM module, no engine
 * memory), the module graph has no cycle, no module exports mutable state, and the WASM memory layout
 * has one definition that both the TS side and the AssemblyScript side import.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function files(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path, ext);
    return path.endsWith(ext) && !path.endsWith('.d.ts') ? [path] : [];
  });
}

const SOURCES = files(join(ROOT, 'src'), '.ts');

/** Relative imports of a module (static `import`/`export … from` and dynamic `import()`). */
function imports(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
    const target = resolve(dirname(path), (m[1] as string).replace(/\.js$/, '.ts'));
    out.push(target);
  }
  return out;
}

describe('architecture', () => {
  it('keeps the Verifier free of the WASM engine: no engine/wasm* import, no memory views', () => {
    const text = readFileSync(join(ROOT, 'src/verifier.ts'), 'utf8');
    expect(text).not.toMatch(/from '\.\/engine\/wasm/);
    expect(text).not.toMatch(/Uint32Array|Int32Array|WasmEngine|memory/);
  });

  it('has no import cycle among src modules', () => {
    const graph = new Map(SOURCES.map((f) => [f, imports(f).filter((t) => SOURCES.includes(t))]));
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(ROOT, p)).join(' -> '));
        return;
      }
      state.set(f, 'visiting');
      for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of SOURCES) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it('exports no mutable state from the library: every exported object is frozen', async () => {
    // Modules that run something when imported (a worker, the CLI) or import a .wasm file are left out.
    const skip = ['src/node/pool-worker.ts', 'src/entry/workerd.ts', 'src/cli/'];
    const found: string[] = [];
    for (const f of SOURCES) {
      const name = relative(ROOT, f);
      if (skip.some((s) => name.startsWith(s))) continue;
      const mod = (await import(f)) as Record<string, unknown>;
      for (const [key, value] of Object.entries(mod)) {
        // A namespace re-export (`export * as x`) is a module namespace: immutable, though not "frozen".
        const namespace = Object.prototype.toString.call(value) === '[object Module]';
        if (typeof value === 'object' && value !== null && !namespace && !Object.isFrozen(value))
          found.push(`${name}: ${key}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('defines the WASM memory layout once: the AssemblyScript engine imports the TS definition', () => {
    const layout = join(ROOT, 'src/engine/layout.ts');
    for (const f of ['assembly/chain.ts']) {
      expect(readFileSync(join(ROOT, f), 'utf8')).toContain("from '../src/engine/layout'");
    }
    // No table size or field offset is written as a number anywhere else.
    for (const f of [...files(join(ROOT, 'assembly'), '.ts'), ...SOURCES.filter((s) => s !== layout)]) {
      const text = readFileSync(f, 'utf8');
      expect(text, relative(ROOT, f)).not.toMatch(
        /(?:JOB|MAC|CAVEAT|OUT_HEADER)_(?:SIZE|WORDS)(?::\s*\w+)?\s*=\s*\d/,
      );
      expect(text, relative(ROOT, f)).not.toMatch(/LANE_STRUCT(?::\s*\w+)?\s*=\s*\d/);
    }
  });
});
