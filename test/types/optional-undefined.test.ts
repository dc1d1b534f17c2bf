/**
 * Every optional property of the public API accepts an explicit `undefined`, so consumers compiled with
 * `exactOptionalPropertyTypes` can pass `{ limits: options.limits }` without a cast. Checked on the
 * declarations reachable from the package's entry points.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', new URL('..', import.meta.url)).pathname;
const SRC = join(ROOT, 'src');

/** The source of every entry point in package.json `exports` (dist/x.js ↔ src/x.ts). */
function entryPoints(): string[] {
  const { exports } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    exports: Record<string, string | Record<string, string>>;
  };
  const targets = Object.values(exports).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e)));
  return [
    ...new Set(
      targets
        .filter((t) => t.startsWith('./dist/') && t.endsWith('.js'))
        .map((t) => join(ROOT, t.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'))),
    ),
  ];
}

/** Optional properties, in the declarations of the types the entry points export, without `undefined`. */
function offenders(): string[] {
  const entries = entryPoints();
  const program = ts.createProgram(entries, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const declarations = new Set<ts.Node>();
  for (const entry of entries) {
    const file = program.getSourceFile(entry);
    const module = file && checker.getSymbolAtLocation(file);
    if (!module) continue;
    for (let symbol of checker.getExportsOfModule(module)) {
      if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
      for (const d of symbol.declarations ?? [])
        if (d.getSourceFile().fileName.startsWith(SRC)) declarations.add(d);
    }
  }
  const accepts = (t: ts.TypeNode): boolean => {
    const members = ts.isUnionTypeNode(t) ? t.types : [t];
    return members.some(
      (m) =>
        m.kind === ts.SyntaxKind.UndefinedKeyword ||
        m.kind === ts.SyntaxKind.UnknownKeyword ||
        m.kind === ts.SyntaxKind.AnyKeyword,
    );
  };
  const found: string[] = [];
  for (const declaration of declarations) {
    const file = declaration.getSourceFile();
    const visit = (node: ts.Node): void => {
      if (ts.isPropertySignature(node) && node.questionToken && node.type && !accepts(node.type)) {
        const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
        found.push(
          `${relative(ROOT, file.fileName)}:${line + 1} ${node.name.getText(file)}?: ${node.type.getText(file)}`,
        );
      }
      // Types written inside function bodies are not part of the API.
      if (!ts.isBlock(node)) ts.forEachChild(node, visit);
    };
    visit(declaration);
  }
  return found;
}

describe('exactOptionalPropertyTypes', () => {
  it('finds the entry points', () => {
    expect(entryPoints().map((p) => relative(ROOT, p))).toContain('src/index.ts');
  });

  it('every optional property reachable from an entry point says `| undefined`', () => {
    expect(offenders()).toEqual([]);
  });
});
