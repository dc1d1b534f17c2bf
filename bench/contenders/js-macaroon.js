// js-macaroon 3.0.4 (npm `macaroon`): V2 tokens, `importMacaroon` then `verify`, which throws on failure
// and calls `check` for every first-party caveat (null means satisfied).
import { createRequire } from 'node:module';
import { makePredicateCheck } from '../checks.js';

const require = createRequire(import.meta.url);

export function jsMacaroonContender() {
  const lib = require('macaroon');
  const version = require('macaroon/package.json').version;
  return {
    id: 'js-macaroon',
    label: `js-macaroon ${version}`,
    format: 'v2',
    batch: false,
    verifier(checks) {
      const satisfied = makePredicateCheck(checks.exact);
      const check = (cond) => (satisfied(cond) ? null : 'caveat not satisfied');
      return (req) => {
        try {
          const m = lib.importMacaroon(req.v2.token);
          const discharges = req.v2.discharges.map((d) => lib.importMacaroon(d));
          m.verify(req.rootKeyBytes, check, discharges);
          return true;
        } catch {
          return false;
        }
      };
    },
  };
}
