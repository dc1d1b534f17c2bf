/**
 * The reverse direction, live: each peer mints fresh tokens (random nonces) from every plan, in every format
 * it writes, with the negative variants derived from its output, and judges them itself; we must reach the
 * same verdict and read the same signature. The committed vectors are one such run; this one is new each time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peerCases } from '../scripts/vectors/cases.js';
import { PEER_NAMES, PEERS } from '../scripts/vectors/peers.js';
import { PLANS } from '../scripts/vectors/plans.js';
import { bytesToHex } from '../src/bytes.js';
import { ENGINES, loadEngines } from './engines.js';
import { decodeCase, ourVerdict, reserialize, writtenTokens } from './peers/cases.js';
import { openAllPeers } from './peers/open.js';

const opened = openAllPeers('interop (tokens minted by the peers)');
beforeAll(loadEngines);
afterAll(() => opened.close());

for (const name of PEER_NAMES) {
  const info = PEERS[name];
  const peer = opened.peers.get(name);
  describe(`tokens minted by ${name}`, () => {
    if (!peer || !info) {
      it.skip(`${name} is not installed: ${opened.missing.get(name)}`, () => {});
      return;
    }
    const { cases } = peerCases(peer, info, PLANS);

    it('produces positive and negative cases in every format the peer writes', () => {
      expect(new Set(cases.map((c) => c.format))).toEqual(new Set(info.writes));
      expect(cases.some((c) => c.expect.verdict === 'ok')).toBe(true);
      expect(cases.some((c) => c.expect.verdict === 'not-authorized')).toBe(true);
    });

    for (const c of cases) {
      it(`${c.name}: ${c.expect.verdict}`, () => {
        const decoded = decodeCase(c);
        const all = [decoded.root, ...decoded.discharges];
        expect(all.map((m) => bytesToHex(m.signature))).toEqual(c.expect.signatures);
        if (c.sameBytes) expect(reserialize(c, decoded)).toEqual(writtenTokens(c));
        for (const engine of ENGINES) {
          const ours = ourVerdict(c, engine);
          expect({ engine, verdict: ours.verdict }, c.expect.peerMessage).toEqual({
            engine,
            verdict: c.expect.verdict,
          });
          expect(ours.signature).toBe(c.expect.signature);
        }
      });
    }
  });
}
