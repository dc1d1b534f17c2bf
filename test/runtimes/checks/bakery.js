// macaroon-engine/bakery in every runtime: a version-3 public-key caveat added, discharged by the third
// party, bound by the client, and verified with bakery's std checker on each engine.
import { Verifier } from 'macaroon-engine';
import {
  BakeryMacaroon,
  checkers,
  discharge,
  dischargeAll,
  KeyPair,
  ThirdPartyStore,
} from 'macaroon-engine/bakery';
import { check } from './report.js';

export async function checkBakery(report, engines) {
  const rootKey = new TextEncoder().encode('root key for the bakery check');
  const svc = KeyPair.generate();
  const tp = KeyPair.fromJSON(JSON.parse(JSON.stringify(KeyPair.generate())));
  const locator = new ThirdPartyStore().add('https://auth.example', {
    publicKey: String(tp.public),
    version: 3,
  });
  let m = BakeryMacaroon.create({ rootKey, id: 'bakery-check', location: 'https://api.example', version: 3 });
  m = await m.addCaveat({ condition: 'declared user alice' });
  m = await m.addCaveat(
    { location: 'https://auth.example', condition: 'is-user alice' },
    { key: svc, locator },
  );
  m = BakeryMacaroon.fromJSON(JSON.stringify(m));
  const [root, ...discharges] = await dischargeAll(m, ({ id, caveat }) =>
    discharge({
      id,
      caveat,
      key: tp,
      checker: (info) =>
        info.condition === 'is-user alice' ? [checkers.declaredCaveat('user', 'alice')] : [],
    }),
  );
  for (const engine of engines) {
    const v = new Verifier({ engine }).satisfyChecker(checkers.std());
    check(report, `bakery/${engine}`, 'a v3 public-key caveat discharges and verifies', () => {
      return (
        discharges.length === 1 &&
        v.verifyUnsafe(root, rootKey, discharges, { context: { now: 0 } }) &&
        v.verifyBatch([
          { macaroon: root.serialize(), rootKey, discharges: discharges.map((d) => d.serialize()) },
        ])[0].ok
      );
    });
  }
}
