// Adds to package-lock.json the entries of platform-specific optional packages (other OSes' and CPUs'
// binaries of biome, deno, workerd, …) that `npm install` left out. The npm registry mirror this project
// is built against does not carry every platform's build of every version, so npm install skips them
// silently, and `npm ci` then refuses the lock file ("Missing: … from lock file"). An entry with the
// package's os/cpu constraints lets npm ci skip it on this platform, as it would have anyway.
// Run after any dependency change: `node scripts/lock-platform-entries.js`.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;

/** The package's own os/cpu/libc fields from the registry, or, when it has none, read off its name. */
function constraints(name) {
  try {
    const out = execFileSync('npm', ['view', name, 'os', 'cpu', 'libc', '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    if (out.trim()) return JSON.parse(out);
  } catch {
    // Not in the mirror at all: fall back to the platform naming every such package follows.
  }
  return constraintsFromName(name);
}

const OS = {
  android: 'android',
  darwin: 'darwin',
  linux: 'linux',
  win32: 'win32',
  windows: 'win32',
  freebsd: 'freebsd',
};
const CPU = {
  arm64: 'arm64',
  x64: 'x64',
  64: 'x64',
  ia32: 'ia32',
  arm: 'arm',
  ppc64: 'ppc64',
  s390x: 's390x',
  riscv64: 'riscv64',
};
const LIBC = { musl: 'musl', glibc: 'glibc', gnu: 'glibc' };

function constraintsFromName(name) {
  const parts = name.split('/').pop().split('-');
  const pick = (table) => parts.map((p) => table[p]).find(Boolean);
  const os = pick(OS);
  const cpu = pick(CPU);
  const libc = pick(LIBC);
  return { ...(os ? { os } : {}), ...(cpu ? { cpu } : {}), ...(libc ? { libc } : {}) };
}

let added = 0;
for (const [key, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const target = `${key ? `${key}/` : ''}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (packages[target] || packages[hoisted]) continue;
    const { os, cpu, libc } = constraints(name);
    if (!os && !cpu) {
      console.warn(`lock: ${name} has no os/cpu constraint; leaving it out`);
      continue;
    }
    packages[hoisted] = {
      version: range.replace(/^[\^~=]/, ''),
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...(os ? { os: [].concat(os) } : {}),
      ...(cpu ? { cpu: [].concat(cpu) } : {}),
      ...(libc ? { libc: [].concat(libc) } : {}),
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock: added ${added} platform entries`);
