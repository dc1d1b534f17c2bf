#!/usr/bin/env node
/**
 * `npm run vectors`: regenerates vectors/*.json by running the real peers (see vectors/README.md).
 * Each peer mints every plan of plans.js in each format it writes; the negative variants are derived from
 * its output; its own verifier gives every expected verdict. A peer that is not installed is skipped
 * with a warning and its file is left as it is.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { peerCases } from './cases.js';
import { openPeer, PEER_NAMES, PEERS } from './peers.js';
import { PLANS } from './plans.js';
import { buildWalkthrough } from './walkthrough.js';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'vectors');

function write(name, data) {
  writeFileSync(join(OUT, name), `${JSON.stringify(data, null, 2)}\n`);
}

function count(cases, verdict) {
  return cases.filter((c) => c.expect.verdict === verdict).length;
}

// `npm run vectors -- go-macaroon walkthrough` regenerates only those files.
const only = process.argv.slice(2);
const wanted = (name) => only.length === 0 || only.includes(name);
const opened = {};
for (const name of PEER_NAMES) {
  if (!wanted(name) && !wanted('walkthrough')) continue;
  const { peer, missing } = openPeer(name);
  if (!peer) {
    console.warn(`vectors: SKIPPING ${name}: ${missing}`);
    continue;
  }
  opened[name] = peer;
  if (!wanted(name)) continue;
  const { cases, notMinted, unreadable, excluded } = peerCases(peer, PEERS[name], PLANS);
  write(`${name}.json`, {
    peer: name,
    peerVersion: peer.version,
    generatedBy: 'npm run vectors (scripts/vectors/generate.js)',
    allowUnusedDischarges: PEERS[name].allowUnusedDischarges,
    cases,
    notMinted,
    unreadable,
    excluded,
  });
  console.log(
    `vectors: ${name} (${peer.version}): ${cases.length} cases, ${count(cases, 'ok')} ok, ` +
      `${count(cases, 'not-authorized')} not-authorized; ${notMinted.length} not minted, ` +
      `${unreadable.length} unreadable by the peer itself, ${excluded.length} excluded`,
  );
}

if (wanted('walkthrough')) {
  const walkthrough = buildWalkthrough(opened);
  if (walkthrough.missing) {
    console.warn(`vectors: SKIPPING walkthrough.json: needs ${walkthrough.missing}`);
  } else {
    write('walkthrough.json', walkthrough);
    console.log(`vectors: walkthrough.json confirmed by ${walkthrough.confirmedBy.join('; ')}`);
  }
}
