// The package as users receive it: `npm pack` (which runs the build through `prepare`), then a scratch
// consumer project in a temp dir that installs the tarball and holds the test sources.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, TEST_SOURCES } from './paths.js';
import { run } from './processes.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

async function pack(dir) {
  const r = await run(NPM, ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`npm pack failed:\n${r.stderr.slice(-4000)}`);
  // prepare's own output precedes npm's JSON on stdout.
  const [info] = JSON.parse(r.stdout.slice(r.stdout.indexOf('\n[') + 1));
  return {
    tarball: join(dir, info.filename),
    size: info.size,
    unpackedSize: info.unpackedSize,
    files: info.files,
  };
}

/**
 * Installs the tarball with its dependencies from npm's cache, so it works offline after `npm ci`;
 * falls back to the registry, then to extracting the tarball and copying its dependencies from this
 * repository's node_modules.
 */
async function install(consumer, tarball) {
  const common = ['install', '--no-audit', '--no-fund', '--ignore-scripts', tarball];
  for (const mode of ['--offline', '--prefer-offline']) {
    const r = await run(NPM, [...common, mode], { cwd: consumer, timeoutMs: 180_000 });
    if (r.code === 0) return `npm install ${mode}`;
  }
  const target = join(consumer, 'node_modules', 'macaroon-engine');
  mkdirSync(target, { recursive: true });
  const r = await run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  if (r.code !== 0) throw new Error(`could not extract ${tarball}: ${r.stderr}`);
  const { dependencies = {} } = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8'));
  for (const name of Object.keys(dependencies)) {
    cpSync(join(ROOT, 'node_modules', name), join(consumer, 'node_modules', name), { recursive: true });
  }
  return 'tarball extracted, dependencies copied from node_modules';
}

export async function createConsumer() {
  const dir = mkdtempSync(join(tmpdir(), 'macaroon-engine-runtimes-'));
  try {
    const packed = await pack(dir);
    const consumer = join(dir, 'consumer');
    mkdirSync(consumer);
    writeFileSync(
      join(consumer, 'package.json'),
      `${JSON.stringify({ name: 'runtime-matrix-consumer', private: true, type: 'module' }, null, 2)}\n`,
    );
    const installedWith = await install(consumer, packed.tarball);
    cpSync(TEST_SOURCES, consumer, { recursive: true });
    return { dir, consumer, installedWith, ...packed };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
