/**
 * The public API as users import it: every export of every entry point in package.json `exports`
 * (dist/x.js ↔ src/x.ts), resolved to its declaration, once per declaration; the members of a
 * namespace re-export (`export * as checkers`) included.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export const ROOT = new URL('../../', import.meta.url).pathname;

/** Each entry point: its specifier (`macaroon-engine/gateway`) and source file, in package.json order. */
export function entryPoints(): { specifier: string; file: string }[] {
  const { exports } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    exports: Record<string, string | Record<string, string>>;
  };
  const found = new Map<string, string>();
  for (const [key, target] of Object.entries(exports)) {
    for (const t of typeof target === 'string' ? [target] : Object.values(target)) {
      if (!t.startsWith('./dist/') || !t.endsWith('.js')) continue;
      const file = join(ROOT, t.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));
      if (!found.has(file)) found.set(file, `macaroon-engine${key.slice(1)}`);
    }
  }
  return [...found].map(([file, specifier]) => ({ specifier, file }));
}

export interface EntryModule {
  readonly specifier: string;
  readonly file: string;
  readonly module: ts.Symbol;
}

let program: { checker: ts.TypeChecker; entries: EntryModule[] } | undefined;

/** One TypeScript program of every entry point (built once per test file), and each entry's module. */
export function entryModules(): { checker: ts.TypeChecker; entries: EntryModule[] } {
  if (program) return program;
  const points = entryPoints();
  const built = ts.createProgram(
    points.map((e) => e.file),
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      noEmit: true,
      skipLibCheck: true,
    },
  );
  const checker = built.getTypeChecker();
  const entries: EntryModule[] = [];
  for (const { specifier, file } of points) {
    const source = built.getSourceFile(file);
    const module = source && checker.getSymbolAtLocation(source);
    if (module) entries.push({ specifier, file, module });
  }
  program = { checker, entries };
  return program;
}

export interface PublicExport {
  /** `src/file.ts:Name`, where it is declared. */
  readonly id: string;
  /** The entry point that exports it first (in package.json order). */
  readonly entry: string;
  /** For a member of a namespace re-export: the namespace's name (`checkers`). */
  readonly namespace: string | undefined;
  /** A value (function, class, constant), not only a type. */
  readonly value: boolean;
  readonly documented: boolean;
  readonly hasExample: boolean;
  /** The text of each `@example` tag. */
  readonly examples: readonly string[];
}

/**
 * The TSDoc of an export: its declaration's, or for a namespace re-export (`export * as name from`),
 * the comment on that export statement (a module has no declaration of its own to carry one).
 */
function tsdoc(
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
        .map((t) => ({ name: t.tagName.text, text: ts.getTextOfJSDocComment(t.comment) ?? '' })),
    };
  }
  return {
    text: ts.displayPartsToString(symbol.getDocumentationComment(checker)),
    tags: symbol.getJsDocTags(checker).map((t) => ({ name: t.name, text: ts.displayPartsToString(t.text) })),
  };
}

/** Every exported declaration reachable from an entry point, with its TSDoc. */
export function publicExports(): PublicExport[] {
  const { checker, entries } = entryModules();
  const found = new Map<string, PublicExport>();
  const visit = (module: ts.Symbol, entry: string, namespace: string | undefined) => {
    for (const exported of checker.getExportsOfModule(module)) {
      if (exported.getName() === 'default') continue;
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = symbol.declarations?.[0];
      if (!declaration) continue;
      // A namespace re-export (`export * as checkers`) resolves to its module, whose name is the module's
      // absolute path: name it by the export instead, so the id is the same in every checkout.
      const isNamespace = (symbol.flags & ts.SymbolFlags.ValueModule) !== 0;
      const name = isNamespace ? exported.getName() : symbol.getName();
      const id = `${relative(ROOT, declaration.getSourceFile().fileName)}:${name}`;
      if (found.has(id)) continue;
      const { text, tags } = tsdoc(exported, symbol, checker);
      const examples = tags.filter((t) => t.name === 'example').map((t) => t.text);
      found.set(id, {
        id,
        entry,
        namespace,
        value: (symbol.flags & ts.SymbolFlags.Value) !== 0,
        documented: text.trim() !== '',
        hasExample: examples.length > 0,
        examples,
      });
      if (isNamespace && namespace === undefined) visit(symbol, entry, name);
    }
  };
  for (const { specifier, module } of entries) visit(module, specifier, undefined);
  return [...found.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** The names an entry point exports, values and types apart (what an example may use unimported). */
export function exportedNames(): Map<string, { value: string[]; type: string[] }> {
  const { checker, entries } = entryModules();
  const names = new Map<string, { value: string[]; type: string[] }>();
  for (const { specifier, module } of entries) {
    if (names.has(specifier)) continue;
    const n = { value: [] as string[], type: [] as string[] };
    for (const exported of checker.getExportsOfModule(module)) {
      if (exported.getName() === 'default') continue;
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      (symbol.flags & ts.SymbolFlags.Value ? n.value : n.type).push(exported.getName());
    }
    names.set(specifier, n);
  }
  return names;
}

/** An `@example` written on a member of an exported class (a method, accessor or property). */
export interface MemberExample {
  /** `src/file.ts:Class.member`. */
  readonly id: string;
  /** The entry point that exports the class first (in package.json order). */
  readonly entry: string;
  readonly examples: readonly string[];
}

/** The examples on the members, instance and static, of every class an entry point exports. */
export function memberExamples(): MemberExample[] {
  const { checker, entries } = entryModules();
  const found = new Map<string, MemberExample>();
  for (const { specifier, module } of entries) {
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = symbol.declarations?.[0];
      if (!(symbol.flags & ts.SymbolFlags.Class) || !declaration) continue;
      const where = `${relative(ROOT, declaration.getSourceFile().fileName)}:${symbol.getName()}`;
      const members = [...(symbol.members?.values() ?? []), ...(symbol.exports?.values() ?? [])];
      for (const member of members) {
        const id = `${where}.${member.getName()}`;
        if (found.has(id)) continue;
        const examples = member
          .getJsDocTags(checker)
          .filter((t) => t.name === 'example')
          .map((t) => ts.displayPartsToString(t.text));
        if (examples.length > 0) found.set(id, { id, entry: specifier, examples });
      }
    }
  }
  return [...found.values()].sort((a, b) => a.id.localeCompare(b.id));
}
