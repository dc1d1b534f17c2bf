/**
 * Runs the bakery plans on one peer, everything with the peer's own API: key pairs, minting, the
 * peer's DischargeAll with its own Discharge for every third party, and its verdicts at two clocks.
 * Shared by the vector generator and the live interoperability tests.
 */
import { BAKERY_PLANS, BAKERY_VERSIONS, NOW_EXPIRED, NOW_VALID, TP1, TP2 } from './bakery-plans.js';

export const ROOT_KEY_B64 = Buffer.from('root key of a bakery vector').toString('base64');

function thirdParties(keys, version) {
  return {
    [TP1]: { public: keys.tp1.public, version },
    [TP2]: { public: keys.tp2.public, version },
  };
}

/** The discharger specs of a plan, with the key pairs and locator filled in. */
export function dischargerSpecs(plan, keys) {
  const out = {};
  for (const [loc, spec] of Object.entries(plan.dischargers)) {
    out[loc] = { ...spec, keyPair: loc === TP1 ? keys.tp1 : keys.tp2, thirdParties: thirdParties(keys, 3) };
  }
  return out;
}

function mintJob(plan, version, keys) {
  return {
    kind: 'mint',
    key: keys.svc,
    rootKey: ROOT_KEY_B64,
    id: `bakery-vector ${plan.name}`,
    location: 'https://api.example',
    version,
    caveats: plan.caveats,
    thirdParties: thirdParties(keys, 3),
    ...(plan.oven ? { oven: plan.oven } : {}),
  };
}

function must(result, what) {
  if (result.error) throw new Error(`${what}: ${result.error}`);
  return result;
}

/** Every plan at every version, minted, discharged and judged by `peer`. */
export function peerBakeryCases(peer) {
  const [svc, tp1, tp2] = peer.run([{ kind: 'keypair' }, { kind: 'keypair' }, { kind: 'keypair' }]);
  const keys = { svc, tp1, tp2 };
  const combos = BAKERY_PLANS.flatMap((plan) => BAKERY_VERSIONS.map((version) => ({ plan, version })));
  const minted = peer.run(combos.map(({ plan, version }) => mintJob(plan, version, keys)));
  const discharged = peer.run(
    combos.map(({ plan }, i) => ({
      kind: 'dischargeAll',
      macaroon: must(minted[i], `${peer.name} mint ${plan.name}`).macaroon,
      dischargers: dischargerSpecs(plan, keys),
    })),
  );
  const verifyJobs = combos.flatMap((_, i) => {
    const slice = must(discharged[i], `${peer.name} dischargeAll ${combos[i].plan.name}`).slice;
    return [NOW_VALID, NOW_EXPIRED].map((nowMs) => ({ kind: 'verify', rootKey: ROOT_KEY_B64, slice, nowMs }));
  });
  const verdicts = peer.run(verifyJobs);
  return {
    keys,
    cases: combos.map(({ plan, version }, i) => ({
      plan: plan.name,
      version,
      macaroon: minted[i].macaroon,
      slice: discharged[i].slice,
      verdicts: [
        { nowMs: NOW_VALID, ...verdicts[2 * i] },
        { nowMs: NOW_EXPIRED, ...verdicts[2 * i + 1] },
      ],
    })),
  };
}
