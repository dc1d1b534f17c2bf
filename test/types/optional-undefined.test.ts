/**
 * Every optional property of the public API accepts an explicit `undefined`, so consumers compiled with
 * `exactOptionalPropertyTypes` can pass `{ limits: options.limits }` without a cast. Checked on the
 * declarations reachable from the package's entry points.
 */
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { entryModules, ROOT } from '../docs/public-exports.js';

const SRC = join(ROOT, 'src');

/** Optional properties, in the declarations of the types the entry points export, without `undefined`. */
function offenders(): string[] {
  const { checker, entries } = entryModules();
  const declarations = new Set<ts.Node>();
  for (const { module } of entries) {
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
    expect(entryModules().entries.map((e) => relative(ROOT, e.file))).toContain('src/index.ts');
  });

  it('every optional property reachable from an entry point says `| undefined`', () => {
    expect(offenders()).toEqual([]);
  });
});
