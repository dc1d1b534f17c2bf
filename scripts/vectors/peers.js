/**
 * The four reference implementations as peers behind one protocol (described in vectors/README.md):
 * `run({op: 'mint', plans})` mints tokens with the peer's own API, `run({op: 'verify', cases})` runs the
 * peer's own verifier. pymacaroons and libmacaroons (ctypes) run under Debian's /usr/bin/python3, go-macaroon
 * is a small Go program compiled once per run, js-macaroon runs in-process. Used by generate.js and by the
 * interoperability tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childPeer, debianVersion, quiet } from './peer-process.js';
import * as jsPeer from './peers/js-macaroon.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PEER_DIR = join(HERE, 'peers');
const PYTHON = '/usr/bin/python3';
const GOPATH = '/usr/share/gocode';
const GO_MACAROON = join(GOPATH, 'src/gopkg.in/macaroon.v2');

/** Locations that are empty make pymacaroons write a zero-length V2 location field (`01 00`). */
function hasEmptyLocation(spec) {
  return spec.location === '' || (spec.caveats ?? []).some((c) => !c.predicate && c.location === '');
}

function textOnly(spec) {
  return [spec.id, ...(spec.caveats ?? []).map((c) => c.predicate ?? c.id)].every(
    (b) => b.text !== undefined,
  );
}

function allCaveats(plan) {
  return [plan.root, ...(plan.discharges ?? [])].flatMap((m) => m.caveats ?? []);
}

function isEmpty(bytes) {
  return (bytes.text ?? bytes.hex) === '';
}

/**
 * What each peer writes and reads, how it treats unused discharges, and where our writer is meant to give
 * the peer's bytes exactly (`sameBytes(format, macaroonSpec)`); see vectors/README.md for the reasons.
 */
export const PEERS = {
  pymacaroons: {
    writes: ['v1', 'v2', 'v1j', 'v2j'],
    reads: ['v1', 'v2', 'v1j', 'v2j'],
    allowUnusedDischarges: true,
    sameBytes: (format, spec) => format === 'v1' || (format === 'v2' && !hasEmptyLocation(spec)),
    // pymacaroons 0.13 writes an empty caveat identifier in JSON by leaving the field out, then reads that
    // back as no identifier at all (None): its verdict would be about another macaroon.
    excludes: (format, plan) =>
      format.endsWith('j') && allCaveats(plan).some((c) => c.predicate && isEmpty(c.predicate))
        ? 'pymacaroons cannot read back its own JSON for an empty caveat identifier'
        : undefined,
  },
  'go-macaroon': {
    writes: ['v1', 'v2', 'v1j', 'v2j', 'slice', 'slice-json'],
    reads: ['v1', 'v2', 'v1j', 'v2j', 'slice', 'slice-json'],
    allowUnusedDischarges: false,
    sameBytes: (format) => format === 'v1' || format === 'v2' || format === 'slice',
  },
  libmacaroons: {
    writes: ['v1'],
    reads: ['v1'],
    allowUnusedDischarges: true,
    // Our V1 writer refuses identifiers that are not UTF-8 (go and js-macaroon cannot read them).
    sameBytes: (format, spec) => format === 'v1' && textOnly(spec),
  },
  'js-macaroon': {
    writes: ['v2', 'v1j', 'v2j'],
    reads: ['v2', 'v1j', 'v2j', 'slice-json'],
    allowUnusedDischarges: false,
    sameBytes: () => true,
  },
};

export const PEER_NAMES = Object.keys(PEERS);

function openPython(name, script, pkg, probe) {
  if (!existsSync(PYTHON)) return { missing: `${PYTHON} not found` };
  if (quiet(PYTHON, ['-c', probe]) === undefined) return { missing: `${PYTHON} cannot ${probe}` };
  return {
    peer: childPeer(name, `${pkg} ${debianVersion(pkg)}`, PYTHON, [join(PEER_DIR, script)], PEER_DIR),
  };
}

let goBinary;

function openGo(workDir) {
  if (quiet('go', ['version']) === undefined)
    return { missing: 'the go toolchain (golang-go) is not installed' };
  if (!existsSync(GO_MACAROON)) return { missing: `${GO_MACAROON} not found (golang-gopkg-macaroon.v2-dev)` };
  if (!goBinary || !existsSync(goBinary)) {
    const dir = workDir ?? mkdtempSync(join(tmpdir(), 'macaroon-peers-'));
    const out = join(dir, 'go-macaroon-peer');
    // GOPATH mode against Debian's source tree: no module download, works offline.
    const env = { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '' };
    if (!env.GOCACHE && !env.HOME) env.GOCACHE = join(dir, 'gocache');
    const r = spawnSync('go', ['build', '-o', out, join(PEER_DIR, 'go-macaroon', 'main.go')], {
      env,
      encoding: 'utf8',
    });
    if (r.status !== 0) return { missing: `go build of the go-macaroon peer failed: ${r.stderr}` };
    goBinary = out;
  }
  const version = `golang-gopkg-macaroon.v2-dev ${debianVersion('golang-gopkg-macaroon.v2-dev')}, ${quiet('go', ['version'])}`;
  return { peer: childPeer('go-macaroon', version, goBinary, [], PEER_DIR) };
}

/**
 * Opens a peer: `{ peer }` when it is installed, `{ missing: reason }` when not. Compiled helpers go to
 * `workDir` (a fresh temp dir by default), once per process.
 */
export function openPeer(name, workDir) {
  switch (name) {
    case 'pymacaroons':
      return openPython(name, 'pymacaroons_peer.py', 'python3-pymacaroons', 'import pymacaroons');
    case 'libmacaroons':
      return openPython(
        name,
        'libmacaroons_peer.py',
        'libmacaroons0',
        "import ctypes; ctypes.CDLL('libmacaroons.so.0')",
      );
    case 'go-macaroon':
      return openGo(workDir);
    case 'js-macaroon':
      return { peer: { name, version: `npm macaroon ${jsPeer.version}`, run: jsPeer.run } };
    default:
      throw new Error(`unknown peer ${name}`);
  }
}
