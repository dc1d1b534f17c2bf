// Node, Deno and Bun run test/runtimes/cli.js in the consumer project, resolving `macaroon-engine` from
// its node_modules as any application would.
import { localBin } from './paths.js';

export const NODE_LIKE = {
  node: () => ({ command: process.execPath, args: [] }),
  // Deno reads the consumer's package.json and node_modules (no npm: specifiers, no network); only
  // reads are allowed.
  deno: () => {
    const deno = localBin('deno');
    return deno && { command: deno, args: ['run', '--allow-read', '--no-prompt'] };
  },
  bun: () => {
    const bun = localBin('bun');
    return bun && { command: bun, args: ['run'] };
  },
};
