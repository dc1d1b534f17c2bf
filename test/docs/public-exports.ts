/**
 * The public API as users import it: every export of every entry point in package.json `exports`
 * (dist/x.js ↔ src/x.ts), resolved to its declaration, once per declaration.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export const ROOT = new URL('../../', import.meta.url).pathname;

export function entryPoints(): string[] {
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

export interface PublicExport {
  /** `src/file.ts:Name`, where it is declared. */
  readonly id: string;
  readonly documented: boolean;
  readonly hasExample: boolean;
}

/**
 * The TSDoc of an export: its declaration's, or for a namespace re-export (`export * as name from`),
 * the comment on that export statement (a module has no declaration of its own to carry one).
 */
export function tsdoc(
  exported: ts.Symbol,
  symbol: ts.Symbol,
  checker: ts.TypeChecker,
): { text: string; tags: { name: string; text: string }[] } {
  const statement = exported.declarations?.find(ts.isNamespaceExport)?.parent;
  if (symbol.flags & ts.SymbolFlags.ValueModule && statement) {
    const docs = ts.getJSDocCommentsAndTags(statement).filter(ts.isJSDoc);
    return {
      text: docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? '').join('\n'),
      tags: docs
        .flatMap((d) => d.tags ?? [])
        .map((t) => ({
          name: t.tagName.text,
          text: ts.getTextOfJSDocComment(t.comment) ?? '',
        })),
    };
  }
  return {
    text: ts.displayPartsToString(symbol.getDocumentationComment(checker)),
    tags: symbol.getJsDocTags(checker).map((t) => ({ name: t.name, text: ts.displayPartsToString(t.text) })),
  };
}

/** Every exported declaration reachable from an entry point, with whether its TSDoc has an @example. */
export function publicExports(): PublicExport[] {
  const entries = entryPoints();
  const program = ts.createProgram(entries, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const found = new Map<string, PublicExport>();
  for (const entry of entries) {
    const file = program.getSourceFile(entry);
    const module = file && checker.getSymbolAtLocation(file);
    if (!module) continue;
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = symbol.declarations?.[0];
      if (!declaration) continue;
      // A namespace re-export (`export * as checkers`) resolves to its module, whose name is the module's
      // absolute path: name it by the export instead, so the id is the same in every checkout.
      const name = symbol.flags & ts.SymbolFlags.ValueModule ? exported.getName() : symbol.getName();
      const id = `${relative(ROOT, declaration.getSourceFile().fileName)}:${name}`;
      if (found.has(id)) continue;
      const { text, tags } = tsdoc(exported, symbol, checker);
      const documented = text.trim() !== '';
      const hasExample = tags.some((t) => t.name === 'example');
      found.set(id, { id, documented, hasExample });
    }
  }
  return [...found.values()].sort((a, b) => a.id.localeCompare(b.id));
}
