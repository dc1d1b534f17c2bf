#!/usr/bin/env node
/**
 * `npm run vectors:bakery`: regenerates vectors/bakery/<peer>.json by running Python macaroonbakery and
 * go-macaroon-bakery (see vectors/bakery/README.md). A peer that is not installed is skipped with a
 * warning and its file is left as it is.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { peerBakeryCases, ROOT_KEY_B64 } from './bakery-mint.js';
import { BAKERY_PEER_NAMES, openBakeryPeer } from './bakery-peers.js';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'vectors', 'bakery');
mkdirSync(OUT, { recursive: true });

for (const name of BAKERY_PEER_NAMES) {
  const { peer, missing } = openBakeryPeer(name);
  if (!peer) {
    console.warn(`vectors: SKIPPING ${name}: ${missing}`);
    continue;
  }
  const { keys, cases } = peerBakeryCases(peer);
  writeFileSync(
    join(OUT, `${name}.json`),
    `${JSON.stringify({ peer: name, peerVersion: peer.version, generatedBy: 'npm run vectors:bakery (scripts/vectors/bakery.js)', rootKey: ROOT_KEY_B64, keys, cases }, null, 2)}\n`,
  );
  const ok = cases.flatMap((c) => c.verdicts).filter((v) => v.ok).length;
  console.log(`vectors: ${name} (${peer.version}): ${cases.length} tokens, ${ok} verdicts ok`);
}
