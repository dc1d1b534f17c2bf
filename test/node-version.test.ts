/**
 * The suite runs on the Node that runs npm (the machine's, which `engines` covers), not on a Node from
 * node_modules: the node22/node24 devDependencies declare a `node` bin, which npm would put first on
 * PATH for every script (scripts/unshadow-node.js removes the link in `prepare` and `pretest`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../', import.meta.url).pathname;

describe('the Node the suite runs on', () => {
  it('no package shadows `node` in node_modules/.bin', () => {
    expect(existsSync(join(ROOT, 'node_modules', '.bin', 'node'))).toBe(false);
  });

  it('is the Node that runs npm, as is the `node` of every script npm runs', () => {
    const npmNode = process.env.npm_node_execpath;
    if (npmNode === undefined) {
      // Started without npm (e.g. `node node_modules/vitest/...`): nothing to compare with.
      expect(process.execPath).toBeTruthy();
      return;
    }
    expect(realpathSync(process.execPath)).toBe(realpathSync(npmNode));
    // A nested script resolves `node` on the PATH npm gave it, as `npm run` does.
    const r = spawnSync('node', ['-p', 'process.execPath'], { encoding: 'utf8' });
    expect(realpathSync(r.stdout.trim())).toBe(realpathSync(npmNode));
  });

  it('the Node matrix binaries are still there for the runtime matrix', () => {
    for (const alias of ['node22', 'node24']) {
      const r = spawnSync(join(ROOT, 'node_modules', alias, 'bin', 'node'), ['-p', 'process.versions.node'], {
        encoding: 'utf8',
      });
      expect(r.stdout.trim().split('.')[0]).toBe(alias.slice(4));
    }
  });
});
