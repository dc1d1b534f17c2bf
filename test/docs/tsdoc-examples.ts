/**
 * The `@example` blocks of every public export as a consumer's modules, compiled by
 * test/types/consumer.test.ts next to the README snippets. An example that has no `import` of its own
 * gets one for every name of the entry point that exports it (and of the main entry, for names that
 * entry lacks): it is written as a user reads it, in the module of that entry. Names the reader supplies
 * (a root key, a macaroon, a request…) are declared once, globally, in EXAMPLE_GLOBALS; an example that
 * defines one itself shadows it.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { ROOT, tsdoc } from './public-exports.js';

export interface Example {
  /** A file name for the module: `example-<file>-<Name>-<n>.ts`. */
  readonly name: string;
  /** Where the export is declared, `src/file.ts:Name`. */
  readonly id: string;
  /** The entry point it is documented under: the first in package.json order that exports it. */
  readonly entry: string;
  readonly code: string;
}

/** The reader's own values the examples use, declared as globals (a module that defines one shadows it). */
export const EXAMPLE_GLOBALS = `import type { Macaroon, Verifier } from 'macaroon-engine';
import type { Gateway } from 'macaroon-engine/gateway';
import type { RootKeyStore } from 'macaroon-engine/store';
declare global {
  /** A 32-byte root key the reader keeps secret. */
  const rootKey: Uint8Array;
  /** A macaroon the reader received, and the discharges that came with it. */
  const macaroon: Macaroon;
  const discharges: Macaroon[];
  /** A token as text, as in an Authorization header. */
  const token: string;
  /** A Verifier and a gateway the reader configured. */
  const verifier: Verifier;
  const gateway: Gateway;
  /** A root-key store the reader opened. */
  const store: RootKeyStore;
  /** An incoming Web request. */
  const request: Request;
}
export {};
`;

/** package.json `exports`: subpath specifier → its source file, in package.json order. */
function subpaths(): [string, string][] {
  const { exports } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    exports: Record<string, string | Record<string, string>>;
  };
  const out: [string, string][] = [];
  for (const [key, target] of Object.entries(exports)) {
    const t = typeof target === 'string' ? target : (target.default ?? '');
    if (!t.startsWith('./dist/') || !t.endsWith('.js')) continue;
    out.push([
      `macaroon-engine${key.slice(1)}`,
      join(ROOT, t.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts')),
    ]);
  }
  return out;
}

function blocks(text: string): string[] {
  const fenced = [...text.matchAll(/```(?:ts|typescript)?\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  return fenced.length > 0 ? fenced : [text];
}

/** The examples of every public export. */
export function tsdocExamples(): Example[] {
  const entries = subpaths();
  const program = ts.createProgram(
    entries.map(([, file]) => file),
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      noEmit: true,
      skipLibCheck: true,
    },
  );
  const checker = program.getTypeChecker();
  const namesOf = new Map<string, { value: string[]; type: string[] }>();
  const entryOf = new Map<string, string>();
  const docs = new Map<string, string[]>();
  for (const [specifier, file] of entries) {
    const source = program.getSourceFile(file);
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) continue;
    const names = { value: [] as string[], type: [] as string[] };
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (exported.getName() !== 'default') {
        (symbol.flags & ts.SymbolFlags.Value ? names.value : names.type).push(exported.getName());
      }
      const declaration = symbol.declarations?.[0];
      if (!declaration) continue;
      const name = symbol.flags & ts.SymbolFlags.ValueModule ? exported.getName() : symbol.getName();
      const id = `${relative(ROOT, declaration.getSourceFile().fileName)}:${name}`;
      if (entryOf.has(id)) continue;
      entryOf.set(id, specifier);
      docs.set(
        id,
        tsdoc(exported, symbol, checker)
          .tags.filter((t) => t.name === 'example')
          .map((t) => t.text),
      );
    }
    namesOf.set(specifier, names);
  }
  const main = namesOf.get('macaroon-engine') ?? { value: [], type: [] };
  const examples: Example[] = [];
  for (const [id, texts] of [...docs].sort(([a], [b]) => a.localeCompare(b))) {
    const specifier = entryOf.get(id) as string;
    const own = namesOf.get(specifier) ?? { value: [], type: [] };
    const codes = texts.flatMap(blocks);
    codes.forEach((code, i) => {
      let prelude = '';
      if (!/^\s*import\s/m.test(code)) {
        const taken = new Set([...own.value, ...own.type]);
        const fromMain = specifier === 'macaroon-engine' ? { value: [], type: [] } : main;
        const list = (n: { value: string[]; type: string[] }, skip: Set<string>) =>
          [
            ...n.value.filter((x) => !skip.has(x)),
            ...n.type.filter((x) => !skip.has(x)).map((x) => `type ${x}`),
          ].join(', ');
        prelude = `import { ${list(own, new Set())} } from '${specifier}';\n`;
        const more = list(fromMain, taken);
        if (more) prelude += `import { ${more} } from 'macaroon-engine';\n`;
      }
      const slug = id
        .replace(/^src\//, '')
        .replace(/\.ts:/, '-')
        .replace(/[^A-Za-z0-9-]/g, '_');
      examples.push({
        name: `example-${slug}-${i + 1}.ts`,
        id,
        entry: specifier,
        code: `${prelude}${code}\nexport {};\n`,
      });
    });
  }
  return examples;
}
