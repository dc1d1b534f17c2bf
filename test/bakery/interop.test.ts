/**
 * Live interoperability with Python macaroonbakery and go-macaroon-bakery, both ways, at bakery versions
 * 1, 2 and 3: tokens the peer mints (plain and Oven ids; one and two third parties, one reached through
 * a discharge) are discharged and verified here with the peer's verdicts; tokens minted here are
 * discharged and verified by the peer; discharges minted here are verified by the peer. Negative cases
 * (wrong private key, tampered caveat, unbound discharge, expired time-before, conflicting declarations,
 * time-before texts Go refuses) are refused on both sides for the same reason. A missing peer is skipped
 * loudly, and fails the run under CI=true (CI installs both).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dischargerSpecs, peerBakeryCases, ROOT_KEY_B64 } from '../../scripts/vectors/bakery-mint.js';
import { BAKERY_PEER_NAMES, type BakeryPeer, openBakeryPeer } from '../../scripts/vectors/bakery-peers.js';
import {
  BAKERY_PLANS,
  BAKERY_VERSIONS,
  type BakeryDischargerSpec,
  NOW_EXPIRED,
  NOW_VALID,
  TP1,
} from '../../scripts/vectors/bakery-plans.js';
import {
  BakeryMacaroon,
  type CaveatDecodeError,
  checkers,
  decodeCaveat,
  discharge,
  KeyPair,
} from '../../src/bakery/index.js';
import { base64Decode, base64StdEncode } from '../../src/codec/base64.js';
import { type Macaroon, NotAuthorizedError, Verifier } from '../../src/index.js';
import { loadEngines } from '../engines.js';
import { dischargeHere, judge, keyPairs, locatorFor, sliceFromJson } from './peer-tokens.js';

const rootKey = base64Decode(ROOT_KEY_B64);
const ourKeys = {
  svc: KeyPair.generate().toJSON(),
  tp1: KeyPair.generate().toJSON(),
  tp2: KeyPair.generate().toJSON(),
};
const missing: string[] = [];
beforeAll(loadEngines);
afterAll(() => {
  if (missing.length > 0) console.warn(`\n!!! bakery interop SKIPPED for: ${missing.join('; ')}\n`);
});

/** Why a verdict failed, in terms both sides' messages share. */
function category(v: { ok: boolean; error?: string }): string {
  if (v.ok) return 'ok';
  const e = v.error ?? '';
  if (/time-before/.test(e)) return 'expired';
  if (/declared/.test(e)) return 'declared';
  return 'signature-or-discharge';
}

async function mintHere(plan: (typeof BAKERY_PLANS)[number], version: 1 | 2 | 3): Promise<BakeryMacaroon> {
  const kp = keyPairs(ourKeys);
  const m = BakeryMacaroon.create({
    rootKey,
    id: `minted here ${plan.name}`,
    location: 'https://api.example',
    version,
  });
  return m.addCaveats(plan.caveats, { key: kp.svc, locator: locatorFor(ourKeys) });
}

function sliceJson(slice: readonly Macaroon[]) {
  return slice.map((m) => m.toJSON());
}

const MINTED_HERE = BAKERY_PLANS.filter((p) => !p.oven);

for (const name of BAKERY_PEER_NAMES) {
  const opened = openBakeryPeer(name);
  describe(`${name}`, () => {
    if (!opened.peer) {
      missing.push(`${name}: ${opened.missing}`);
      if (process.env.CI === 'true') it(`${name} must be installed in CI`, () => expect.fail(opened.missing));
      else it.skip(`${name} is not installed: ${opened.missing}`, () => {});
      return;
    }
    const peer = opened.peer as BakeryPeer;
    const style = name.startsWith('python') ? 'python' : 'go';

    it('tokens it mints (plain and Oven, v1-v3) are discharged and verified here with its verdicts', async () => {
      const { keys, cases } = peerBakeryCases(peer);
      expect(cases.length).toBe(BAKERY_PLANS.length * BAKERY_VERSIONS.length);
      for (const c of cases) {
        const plan = BAKERY_PLANS.find((p) => p.name === c.plan) as (typeof BAKERY_PLANS)[number];
        const m = BakeryMacaroon.fromJSON(c.macaroon);
        const ours = await dischargeHere(m, keys, dischargerSpecs(plan, keys));
        const theirs = sliceFromJson(c.slice);
        for (const v of c.verdicts) {
          expect(category(judge(ours, rootKey, v.nowMs)), `${c.plan} v${c.version}`).toBe(category(v));
          expect(category(judge(theirs, rootKey, v.nowMs, 'js')), `${c.plan} v${c.version}`).toBe(
            category(v),
          );
        }
      }
    });

    it('tokens minted here are discharged and verified by it, with our verdicts', async () => {
      const combos = MINTED_HERE.flatMap((plan) => BAKERY_VERSIONS.map((version) => ({ plan, version })));
      const minted = await Promise.all(combos.map(({ plan, version }) => mintHere(plan, version)));
      const discharged = peer.run(
        combos.map(({ plan }, i) => ({
          kind: 'dischargeAll',
          macaroon: (minted[i] as BakeryMacaroon).toJSON(style),
          dischargers: dischargerSpecs(plan, ourKeys),
        })),
      );
      const ourSlices = await Promise.all(
        combos.map(({ plan }, i) => dischargeHere(minted[i] as BakeryMacaroon, ourKeys, plan.dischargers)),
      );
      const jobs = combos.flatMap((_, i) => {
        expect(discharged[i]?.error, combos[i]?.plan.name).toBeUndefined();
        return [NOW_VALID, NOW_EXPIRED].flatMap((nowMs) => [
          { kind: 'verify', rootKey: ROOT_KEY_B64, slice: discharged[i]?.slice, nowMs },
          { kind: 'verify', rootKey: ROOT_KEY_B64, slice: sliceJson(ourSlices[i] as Macaroon[]), nowMs },
        ]);
      });
      const verdicts = peer.run(jobs);
      combos.forEach(({ plan, version }, i) => {
        [NOW_VALID, NOW_EXPIRED].forEach((nowMs, t) => {
          const ours = category(judge(ourSlices[i] as Macaroon[], rootKey, nowMs));
          const label = `${plan.name} v${version} at ${new Date(nowMs).toISOString()}`;
          expect(category(verdicts[4 * i + 2 * t] as { ok: boolean }), `${label}: its discharges`).toBe(ours);
          expect(category(verdicts[4 * i + 2 * t + 1] as { ok: boolean }), `${label}: our discharges`).toBe(
            ours,
          );
          const theirSlice = sliceFromJson(discharged[i]?.slice);
          expect(category(judge(theirSlice, rootKey, nowMs)), `${label}: its discharges, judged here`).toBe(
            ours,
          );
        });
      });
      // The plans include both outcomes.
      expect(combos.some((_, i) => judge(ourSlices[i] as Macaroon[], rootKey, NOW_VALID).ok)).toBe(true);
      expect(combos.some((_, i) => !judge(ourSlices[i] as Macaroon[], rootKey, NOW_VALID).ok)).toBe(true);
    });

    describe('negative cases, refused on both sides', () => {
      const plan = MINTED_HERE.find(
        (p) => p.name === 'one public-key third party',
      ) as (typeof BAKERY_PLANS)[number];
      const spec = plan.dischargers[TP1] as BakeryDischargerSpec;

      it('the wrong private key', async () => {
        const wrong = KeyPair.generate();
        for (const version of BAKERY_VERSIONS) {
          const m = await mintHere(plan, version);
          const [cav] = m.macaroon.thirdPartyCaveats();
          const id = (cav as { identifier: Uint8Array }).identifier;
          const payload = m.caveatPayload(id);
          const [r] = peer.run([
            {
              kind: 'discharge',
              keyPair: wrong.toJSON(),
              id: base64StdEncode(id),
              caveat: payload && base64StdEncode(payload),
              ...spec,
            },
          ]);
          expect(r?.error, `v${version}`).toMatch(/public key mismatch/);
          expect(() => decodeCaveat(wrong, payload ?? id)).toThrow(
            expect.objectContaining({ reason: 'public-key-mismatch' }),
          );
        }
      });

      it('tampered caveat data or id', async () => {
        const kp = keyPairs(ourKeys);
        for (const version of [2, 3] as const) {
          const m = await mintHere(plan, version);
          const id = (m.macaroon.thirdPartyCaveats()[0] as { identifier: Uint8Array }).identifier;
          const payload = (m.caveatPayload(id) ?? id).slice();
          payload[payload.length - 3] = (payload[payload.length - 3] as number) ^ 0x20;
          const [r] = peer.run([
            version === 3
              ? {
                  kind: 'discharge',
                  keyPair: ourKeys.tp1,
                  id: base64StdEncode(id),
                  caveat: base64StdEncode(payload),
                  ...spec,
                }
              : {
                  kind: 'discharge',
                  keyPair: ourKeys.tp1,
                  id: base64StdEncode(payload),
                  caveat: null,
                  ...spec,
                },
          ]);
          expect(r?.error, `v${version}`).toMatch(/cannot decrypt|error occurred trying to decrypt/);
          let reason = '';
          try {
            decodeCaveat(kp.tp1, payload);
          } catch (e) {
            reason = (e as CaveatDecodeError).reason;
          }
          expect(reason).toBe('decryption-failed');
        }
      });

      it('an unbound discharge', async () => {
        const kp = keyPairs(ourKeys);
        for (const version of BAKERY_VERSIONS) {
          const m = await mintHere(plan, version);
          const id = (m.macaroon.thirdPartyCaveats()[0] as { identifier: Uint8Array }).identifier;
          const d = await discharge({
            id,
            caveat: m.caveatPayload(id),
            key: kp.tp1,
            checker: () => spec.caveats,
          });
          const unbound = [m.macaroon, d.macaroon];
          const bound = [m.macaroon, m.macaroon.prepareForRequest(d.macaroon)];
          const [bad, good] = peer.run([
            { kind: 'verify', rootKey: ROOT_KEY_B64, slice: sliceJson(unbound), nowMs: NOW_VALID },
            { kind: 'verify', rootKey: ROOT_KEY_B64, slice: sliceJson(bound), nowMs: NOW_VALID },
          ]);
          expect(good?.ok, `v${version} bound`).toBe(true);
          expect(bad?.ok, `v${version} unbound`).toBe(false);
          const v = new Verifier().satisfyChecker(checkers.std());
          expect(() =>
            v.verify(unbound[0] as Macaroon, rootKey, [unbound[1] as Macaroon], {
              context: { now: NOW_VALID },
            }),
          ).toThrow(NotAuthorizedError);
          expect(judge(bound, rootKey, NOW_VALID).ok).toBe(true);
        }
      });

      it('time-before texts: the same verdict as Go, and as Python where Python does not round', () => {
        const now = Date.parse('2030-01-01T00:00:00Z');
        const texts = [
          '2030-01-01T00:00:00Z',
          '2030-01-01T00:00:00.000000001Z',
          '2030-01-01T00:00:01Z',
          '2030-01-01T01:00:00+01:00',
          '2030-01-01T01:00:01+01:00',
          '2029-12-31T23:00:01-01:00',
          '2030-01-01t00:00:01Z',
          '2030-01-01T00:00:01z',
          '2030-01-01 00:00:01Z',
          '2030-1-01T00:00:01Z',
          '2030-01-01T00:00:01',
          '2030-02-30T00:00:01Z',
          '2032-02-29T00:00:00Z',
          '2031-02-29T00:00:00Z',
          '2030-01-01T24:00:00Z',
          '2030-01-01T00:60:00Z',
          '2030-01-01T00:00:60Z',
          '2030-01-01T00:00:01.Z',
          '2030-01-01T00:00:01.1234567890Z',
          '+2030-01-01T00:00:01Z',
          '9999-12-31T23:59:59Z',
          'tomorrow',
          '',
        ];
        const conditions = texts.map((t) => `time-before ${t}`.trimEnd());
        const [r] = peer.run([{ kind: 'check', conditions, nowMs: now }]);
        const theirs = (r as { checks: { ok: boolean }[] }).checks.map((c) => c.ok);
        const std = checkers.std();
        const ours = conditions.map((c) => std.check(c, { now }) === undefined);
        if (name === 'go-bakery') expect(ours).toEqual(theirs);
        else {
          // Python (pyrfc3339) rounds to microseconds (index 1 rounds down to now), accepts lower-case t
          // and z (6, 7) and more than nine fraction digits (18); Go does none of these, and neither do we.
          const differ = ours.map((o, i) => (o === theirs[i] ? -1 : i)).filter((i) => i >= 0);
          expect(differ).toEqual([1, 6, 7, 18]);
        }
      });
    });
  });
}
