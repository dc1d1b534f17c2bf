// ../../../tmp/ex11/gen.ts
import { mkdirSync, rmSync, writeFileSync, symlinkSync, existsSync } from "node:fs";
import { join as join2 } from "node:path";

// test/docs/tsdoc-examples.ts
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts2 from "typescript";

// test/docs/public-exports.ts
import ts from "typescript";
var ROOT = new URL("../../", import.meta.url).pathname;

// test/docs/tsdoc-examples.ts
var EXAMPLE_GLOBALS = `import type { Macaroon } from 'macaroon-engine';
declare global {
  /** A 32-byte root key the reader keeps secret. */
  const rootKey: Uint8Array;
  /** A macaroon the reader received, and the discharges that came with it. */
  const macaroon: Macaroon;
  const discharges: Macaroon[];
  /** A token as text, as in an Authorization header. */
  const token: string;
  /** An incoming Web request. */
  const request: Request;
}
export {};
`;
function subpaths() {
  const { exports } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const out = [];
  for (const [key, target] of Object.entries(exports)) {
    const t = typeof target === "string" ? target : target.default ?? "";
    if (!t.startsWith("./dist/") || !t.endsWith(".js")) continue;
    out.push([`macaroon-engine${key.slice(1)}`, join(ROOT, t.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts"))]);
  }
  return out;
}
function blocks(text) {
  const fenced = [...text.matchAll(/```(?:ts|typescript)?\n([\s\S]*?)```/g)].map((m) => m[1]);
  return fenced.length > 0 ? fenced : [text];
}
function tsdocExamples() {
  const entries = subpaths();
  const program = ts2.createProgram(
    entries.map(([, file]) => file),
    { module: ts2.ModuleKind.NodeNext, moduleResolution: ts2.ModuleResolutionKind.NodeNext, noEmit: true, skipLibCheck: true }
  );
  const checker = program.getTypeChecker();
  const namesOf = /* @__PURE__ */ new Map();
  const entryOf = /* @__PURE__ */ new Map();
  const symbols = /* @__PURE__ */ new Map();
  for (const [specifier, file] of entries) {
    const source = program.getSourceFile(file);
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) continue;
    const names = { value: [], type: [] };
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts2.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      (symbol.flags & ts2.SymbolFlags.Value ? names.value : names.type).push(exported.getName());
      const declaration = symbol.declarations?.[0];
      if (!declaration) continue;
      const name = symbol.flags & ts2.SymbolFlags.ValueModule ? exported.getName() : symbol.getName();
      const id = `${relative(ROOT, declaration.getSourceFile().fileName)}:${name}`;
      if (entryOf.has(id)) continue;
      entryOf.set(id, specifier);
      symbols.set(id, symbol);
    }
    namesOf.set(specifier, names);
  }
  const main = namesOf.get("macaroon-engine") ?? { value: [], type: [] };
  const examples = [];
  for (const [id, symbol] of [...symbols].sort(([a], [b]) => a.localeCompare(b))) {
    const specifier = entryOf.get(id);
    const own = namesOf.get(specifier) ?? { value: [], type: [] };
    const tags = symbol.getJsDocTags(checker).filter((t) => t.name === "example");
    const codes = tags.flatMap((t) => blocks(ts2.displayPartsToString(t.text)));
    codes.forEach((code, i) => {
      let prelude = "";
      if (!/^\s*import\s/m.test(code)) {
        const taken = /* @__PURE__ */ new Set([...own.value, ...own.type]);
        const fromMain = specifier === "macaroon-engine" ? { value: [], type: [] } : main;
        const list = (n, skip) => [...n.value.filter((x) => !skip.has(x)), ...n.type.filter((x) => !skip.has(x)).map((x) => `type ${x}`)].join(", ");
        prelude = `import { ${list(own, /* @__PURE__ */ new Set())} } from '${specifier}';
`;
        const more = list(fromMain, taken);
        if (more) prelude += `import { ${more} } from 'macaroon-engine';
`;
      }
      const slug = id.replace(/^src\//, "").replace(/\.ts:/, "-").replace(/[^A-Za-z0-9-]/g, "_");
      examples.push({ name: `example-${slug}-${i + 1}.ts`, id, code: `${prelude}${code}
export {};
` });
    });
  }
  return examples;
}

// ../../../tmp/ex11/gen.ts
var dir = "/tmp/ex11/c";
rmSync(dir, { recursive: true, force: true });
mkdirSync(join2(dir, "node_modules"), { recursive: true });
var ROOT2 = "/work/wt/issue-11";
symlinkSync(ROOT2, join2(dir, "node_modules", "macaroon-engine"));
for (const n of ["express", "fastify", "hono", "@types", "redis", "pg", "@redis"]) if (existsSync(join2(ROOT2, "node_modules", n))) symlinkSync(join2(ROOT2, "node_modules", n), join2(dir, "node_modules", n));
writeFileSync(join2(dir, "package.json"), JSON.stringify({ name: "c", type: "module", private: true }));
writeFileSync(join2(dir, "globals.ts"), EXAMPLE_GLOBALS);
var ex = tsdocExamples();
for (const e of ex) writeFileSync(join2(dir, e.name), e.code);
writeFileSync(join2(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: false, noEmit: true, target: "ES2022", lib: ["ES2022", "DOM"], types: ["node"], typeRoots: [join2(ROOT2, "node_modules", "@types")], module: "node16", moduleResolution: "node16" }, include: ["*.ts"] }));
console.log(ex.length, "examples");
