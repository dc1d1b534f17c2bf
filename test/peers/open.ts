/**
 * Opens the peers for a test file: js-macaroon always (in-process); pymacaroons, go-macaroon and
 * libmacaroons when installed (CI installs them in .ci/run). A missing peer is announced loudly and its
 * cases are skipped, never passed silently.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPeer, PEER_NAMES, type Peer } from '../../scripts/vectors/peers.js';

export interface OpenedPeers {
  readonly peers: ReadonlyMap<string, Peer>;
  readonly missing: ReadonlyMap<string, string>;
  close(): void;
}

export function openAllPeers(purpose: string): OpenedPeers {
  const dir = mkdtempSync(join(tmpdir(), 'macaroon-interop-'));
  const peers = new Map<string, Peer>();
  const missing = new Map<string, string>();
  for (const name of PEER_NAMES) {
    const { peer, missing: why } = openPeer(name, dir);
    if (peer) peers.set(name, peer);
    else {
      missing.set(name, why ?? 'unavailable');
      console.warn(
        `\n*** ${purpose}: peer ${name} is NOT INSTALLED, its cases are SKIPPED: ${why}\n` +
          '*** (.ci/run installs python3-pymacaroons, libmacaroons-dev, golang-go, golang-gopkg-macaroon.v2-dev)\n',
      );
    }
  }
  return { peers, missing, close: () => rmSync(dir, { recursive: true, force: true }) };
}
