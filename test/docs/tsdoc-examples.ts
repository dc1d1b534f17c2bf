/**
 * The `@example` blocks of every public export as a consumer's modules, compiled by
 * test/types/consumer.test.ts next to the README snippets. An example that has no `import` of its own
 * gets one for every name of the entry point that exports it (and of the main entry, for names that
 * entry lacks), and a member of a namespace re-export its namespace's values: it is written as a user
 * reads it, in the module of that entry. Names the reader supplies (a root key, a macaroon, a request…)
 * are declared once, globally, in EXAMPLE_GLOBALS; an example that defines one itself shadows it.
 */
import { exportedNames, memberExamples, publicExports } from './public-exports.js';

export interface Example {
  /** A file name for the module: `example-<file>-<name>-<n>.ts`, each capital written `^c`. */
  readonly name: string;
  /** Where the export is declared, `src/file.ts:Name`. */
  readonly id: string;
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

function blocks(text: string): string[] {
  const fenced = [...text.matchAll(/```(?:ts|typescript)?\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  return fenced.length > 0 ? fenced : [text];
}

/** The examples of every public export. */
export function tsdocExamples(): Example[] {
  const names = exportedNames();
  const none = { value: [] as string[], type: [] as string[] };
  const main = names.get('macaroon-engine') ?? none;
  const list = (n: { value: string[]; type: string[] }, skip: ReadonlySet<string>) =>
    [
      ...n.value.filter((x) => !skip.has(x)),
      ...n.type.filter((x) => !skip.has(x)).map((x) => `type ${x}`),
    ].join(', ');
  const exports = publicExports();
  const members = (namespace: string) =>
    exports
      .filter((e) => e.namespace === namespace && e.value)
      .map((e) => e.id.slice(e.id.lastIndexOf(':') + 1));
  const withMembers = [
    ...exports,
    ...memberExamples().map((m) => ({ ...m, namespace: undefined as string | undefined })),
  ];
  return withMembers.flatMap(({ id, entry, namespace, examples }) =>
    examples.flatMap(blocks).map((code, i) => {
      let prelude = '';
      if (!/^\s*import\s/m.test(code)) {
        const own = names.get(entry) ?? none;
        prelude = `import { ${list(own, new Set())} } from '${entry}';\n`;
        const more = entry === 'macaroon-engine' ? '' : list(main, new Set([...own.value, ...own.type]));
        if (more) prelude += `import { ${more} } from 'macaroon-engine';\n`;
        if (namespace) {
          const values = members(namespace).filter((m) => !own.value.includes(m) && !main.value.includes(m));
          prelude += `const { ${values.join(', ')} } = ${namespace};\n`;
        }
      }
      const slug = id
        .replace(/^src\//, '')
        .replace(/\.ts:/, '-')
        .replace(/[^A-Za-z0-9-]/g, '_');
      // Upper case letters marked, so `Foo` and `foo` stay two files on case-insensitive file systems too.
      const name = `example-${slug.replace(/[A-Z]/g, (c) => `^${c.toLowerCase()}`)}-${i + 1}.ts`;
      return { name, id, code: `${prelude}${code}\nexport {};\n` };
    }),
  );
}
