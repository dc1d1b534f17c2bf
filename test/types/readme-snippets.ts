/**
 * The README's TypeScript snippets as a consumer's modules: a snippet that starts with an import begins
 * a module, one that does not continues the module before it (the README builds on its earlier code).
 * A fragment that uses names the reader supplies is preceded by `<!-- declare: … -->`, an HTML comment
 * (invisible on the rendered page) with those declarations (and imports); such a snippet begins a module
 * that starts with them.
 */
import { readFileSync } from 'node:fs';

export interface Snippet {
  /** A file name for the module: `snippet-<n>.ts`, numbered in README order. */
  readonly name: string;
  /** The README line of its first block. */
  readonly line: number;
  readonly code: string;
}

export function readmeSnippets(path: string): Snippet[] {
  const text = readFileSync(path, 'utf8');
  const snippets: { line: number; code: string }[] = [];
  const fence = /(?:<!-- declare:([\s\S]*?)-->\n)?^```ts\n([\s\S]*?)^```$/gm;
  for (const match of text.matchAll(fence)) {
    const prelude = match[1];
    const code = match[2] as string;
    const line =
      text.slice(0, match.index).split('\n').length +
      (prelude === undefined ? 0 : prelude.split('\n').length);
    const last = snippets[snippets.length - 1];
    if (prelude !== undefined) {
      snippets.push({ line, code: `${prelude.trim()}\n${code}` });
    } else if (/^import /m.test(code.split('\n').find((l) => l.trim() !== '') ?? '') || !last) {
      snippets.push({ line, code });
    } else {
      last.code += `\n${code}`;
    }
  }
  return snippets.map((s, i) => ({ ...s, name: `snippet-${String(i + 1).padStart(2, '0')}.ts` }));
}
