/**
 * The two macaroon-bakery implementations as peers: Python `macaroonbakery` (Debian python3-macaroonbakery)
 * under /usr/bin/python3, and go-macaroon-bakery v3 (Debian golang-github-go-macaroon-bakery-*-dev)
 * compiled once per process in GOPATH mode. Both answer `run(jobs)` with one result per job (see
 * peers/bakery_py_peer.py and peers/go-bakery/main.go for the job kinds). Used by bakery.js (vectors)
 * and by the bakery interoperability tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childPeer, debianVersion, quiet } from './peer-process.js';

const PEER_DIR = join(dirname(fileURLToPath(import.meta.url)), 'peers');
const PYTHON = '/usr/bin/python3';
const GOPATH = '/usr/share/gocode';
const GO_BAKERY = join(GOPATH, 'src/github.com/go-macaroon-bakery/macaroon-bakery');

export const BAKERY_PEER_NAMES = ['python-bakery', 'go-bakery'];

/** The bakery peers take `{ jobs }` and answer `{ results }`, one result per job. */
function jobPeer(name, version, command, args) {
  const peer = childPeer(name, version, command, args);
  return { name, version, run: (jobs) => peer.run({ jobs }).results };
}

const goBinaries = new Map();

/**
 * Builds a Go program against Debian's go-macaroon-bakery (once per process and path): the binary's path,
 * or `{ missing }` with the reason.
 */
export function buildGoBakeryProgram(mainGo) {
  if (quiet('go', ['version']) === undefined)
    return { missing: 'the go toolchain (golang-go) is not installed' };
  if (!existsSync(GO_BAKERY)) {
    return { missing: `${GO_BAKERY} not found (golang-github-go-macaroon-bakery-macaroon-bakery-dev)` };
  }
  const built = goBinaries.get(mainGo);
  if (built && existsSync(built)) return { binary: built };
  const dir = mkdtempSync(join(tmpdir(), 'macaroon-bakery-peer-'));
  // Debian installs the module without its /v3 suffix; GOPATH mode finds the v3 import path through
  // a symlink in a second GOPATH entry. No module download: works offline.
  const linkParent = join(dir, 'gopath/src/github.com/go-macaroon-bakery/macaroon-bakery');
  mkdirSync(linkParent, { recursive: true });
  symlinkSync(GO_BAKERY, join(linkParent, 'v3'));
  const env = {
    ...process.env,
    GO111MODULE: 'off',
    GOPATH: `${join(dir, 'gopath')}:${GOPATH}`,
    GOFLAGS: '',
    GOCACHE: process.env.GOCACHE ?? join(dir, 'gocache'),
  };
  const out = join(dir, 'program');
  const r = spawnSync('go', ['build', '-o', out, mainGo], { env, encoding: 'utf8' });
  if (r.status !== 0) return { missing: `go build of ${mainGo} failed: ${r.stderr}` };
  goBinaries.set(mainGo, out);
  return { binary: out };
}

function openGo() {
  const { binary, missing } = buildGoBakeryProgram(join(PEER_DIR, 'go-bakery', 'main.go'));
  if (!binary) return { missing };
  const version = `golang-github-go-macaroon-bakery-macaroon-bakery-dev ${debianVersion('golang-github-go-macaroon-bakery-macaroon-bakery-dev')}, ${quiet('go', ['version'])}`;
  return { peer: jobPeer('go-bakery', version, binary, []) };
}

function openPython() {
  if (!existsSync(PYTHON)) return { missing: `${PYTHON} not found` };
  if (quiet(PYTHON, ['-c', 'import macaroonbakery.bakery']) === undefined) {
    return { missing: `${PYTHON} cannot import macaroonbakery (python3-macaroonbakery)` };
  }
  const version = `python3-macaroonbakery ${debianVersion('python3-macaroonbakery')}`;
  return { peer: jobPeer('python-bakery', version, PYTHON, [join(PEER_DIR, 'bakery_py_peer.py')]) };
}

/** `{ peer }` when installed, `{ missing: reason }` when not. */
export function openBakeryPeer(name) {
  if (name === 'python-bakery') return openPython();
  if (name === 'go-bakery') return openGo();
  throw new Error(`unknown bakery peer ${name}`);
}
