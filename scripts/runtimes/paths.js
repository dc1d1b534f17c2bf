// Where things are: the repository, its runtime binaries, and the test sources copied into consumers.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TEST_SOURCES = join(ROOT, 'test', 'runtimes');
export const VECTORS = join(ROOT, 'vectors');
// Debian's chromium (.ci/run installs it); RUNTIMES_CHROMIUM points elsewhere, e.g. to try the skip path.
export const CHROMIUM = process.env.RUNTIMES_CHROMIUM ?? '/usr/bin/chromium';

/** A binary installed by a devDependency (node_modules/.bin), or undefined when it is not there. */
export function localBin(name) {
  const path = join(ROOT, 'node_modules', '.bin', name);
  return existsSync(path) ? path : undefined;
}
