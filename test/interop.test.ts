/**
 * Tokens minted HERE, in every format we write (v1, v2, v1j, v2j, go's Slice and a JSON array), with first-
 * and third-party caveats, bound and unbound discharges, and the negative variants of scripts/vectors/cases.js,
 * are judged by each peer (for the formats it reads); the peer's verdict and signature must equal ours.
 * js-macaroon runs in-process; pymacaroons, libmacaroons and go-macaroon run as one child process per batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expandCases,
  FORMATS_BY_VERSION,
  mintRequest,
  type Output,
  type Verdict,
  type VerifyCase,
  type WireFormat,
} from '../scripts/vectors/cases.js';
import { PEER_NAMES, PEERS } from '../scripts/vectors/peers.js';
import { PLANS } from '../scripts/vectors/plans.js';
import { bytesToHex } from '../src/bytes.js';
import { ENGINES, loadEngines } from './engines.js';
import { decodeCase, ourVerdict } from './peers/cases.js';
import { mintOurs } from './peers/mint.js';
import { openAllPeers } from './peers/open.js';

const ALL_FORMATS = [...new Set([...FORMATS_BY_VERSION[1], ...FORMATS_BY_VERSION[2]])];

const minted = PLANS.flatMap((plan) =>
  plan.versions.map((version) => ({
    plan,
    version,
    outputs: mintOurs(mintRequest(plan, version, ALL_FORMATS)).outputs,
  })),
);

function readable(outputs: Partial<Record<WireFormat, Output>>, reads: readonly string[]) {
  return Object.fromEntries(Object.entries(outputs).filter(([f]) => reads.includes(f)));
}

const opened = openAllPeers('interop (tokens minted here)');
beforeAll(loadEngines);
afterAll(() => opened.close());

for (const name of PEER_NAMES) {
  const info = PEERS[name];
  if (!info) continue;
  const cases: VerifyCase[] = minted.flatMap(({ plan, version, outputs }) =>
    expandCases(plan, version, readable(outputs, info.reads), {
      allowUnusedDischarges: info.allowUnusedDischarges,
    }),
  );

  describe(`${name} judges tokens minted here`, () => {
    const peer = opened.peers.get(name);
    if (!peer) {
      it.skip(`${name} is not installed: ${opened.missing.get(name)}`, () => {});
      return;
    }
    let verdicts: Verdict[] = [];
    beforeAll(() => {
      verdicts = peer.run({ op: 'verify', cases }).results;
    });

    it('covers every format the peer reads, with positive and negative verdicts', () => {
      expect(new Set(cases.map((c) => c.format))).toEqual(new Set(info.reads));
      expect(verdicts.some((v) => v.verdict === 'ok')).toBe(true);
      expect(verdicts.some((v) => v.verdict === 'not-authorized')).toBe(true);
    });

    cases.forEach((c, i) => {
      it(c.name, () => {
        const theirs = verdicts[i] as Verdict;
        expect(theirs.verdict, `${name} could not read our token: ${theirs.message}`).not.toBe(
          'decode-error',
        );
        const decoded = decodeCase(c);
        const all = [decoded.root, ...decoded.discharges];
        expect(theirs.signatures).toEqual(all.map((m) => bytesToHex(m.signature)));
        for (const engine of ENGINES) {
          const ours = ourVerdict(c, engine);
          expect({ engine, verdict: ours.verdict }, theirs.message).toEqual({
            engine,
            verdict: theirs.verdict,
          });
          expect(ours.signature).toBe(theirs.signature);
        }
      });
    });
  });
}
