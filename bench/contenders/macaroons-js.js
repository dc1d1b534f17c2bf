// macaroons.js 0.3.9: V1 tokens only. Its verifier is built per macaroon, so each request builds one,
// as its README shows. The root key goes in as a string: macaroons.js derives a string key itself and
// would take a Buffer as already derived.
import { createRequire } from 'node:module';
import { timeCheck } from '../checks.js';

const require = createRequire(import.meta.url);

export function macaroonsJsContender() {
  const lib = require('macaroons.js');
  const version = require('macaroons.js/package.json').version;
  const { MacaroonsDeSerializer, MacaroonsVerifier } = lib;
  return {
    id: 'macaroons.js',
    label: `macaroons.js ${version} (V1)`,
    format: 'v1',
    batch: false,
    verifier(checks) {
      return (req) => {
        try {
          const m = MacaroonsDeSerializer.deserialize(req.v1.token);
          const v = new MacaroonsVerifier(m);
          for (const p of checks.exact) v.satisfyExact(p);
          v.satisfyGeneral(timeCheck);
          for (const d of req.v1.discharges) v.satisfy3rdParty(MacaroonsDeSerializer.deserialize(d));
          return v.isValid(req.rootKey);
        } catch {
          return false;
        }
      };
    },
  };
}
