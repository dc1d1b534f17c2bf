// macaroon-engine/discharger and macaroon-engine/client in every runtime: a service answering
// discharge-required and a discharger, both Web fetch handlers, reached by the client through a fetch that
// routes by origin (no sockets, so workerd and a browser page run it as they are).
import { Verifier } from 'macaroon-engine';
import { BakeryMacaroon, checkers, KeyPair, ThirdPartyStore } from 'macaroon-engine/bakery';
import { BakeryClient } from 'macaroon-engine/client';
import { createDischarger, withDischargeRequired } from 'macaroon-engine/discharger';
import { Gateway } from 'macaroon-engine/gateway';
import { check } from './report.js';

export async function checkHttpBakery(report) {
  const tp = KeyPair.generate();
  const svc = KeyPair.generate();
  const rootKey = new TextEncoder().encode('root key of the httpbakery check');
  const discharger = createDischarger({
    key: tp,
    check: (condition) => (condition === 'is-user alice' ? [checkers.declaredCaveat('user', 'alice')] : []),
  });
  const locator = new ThirdPartyStore().add('https://auth.example', { publicKey: tp.public, version: 3 });
  const api = withDischargeRequired(
    (_request, auth) => Response.json({ discharges: auth.discharges.length }),
    {
      gateway: new Gateway({ rootKey, verifier: new Verifier().satisfyChecker(checkers.std()) }),
      mint: (_request, version) =>
        BakeryMacaroon.create({ rootKey, id: 'runtime-check', version }).addCaveat(
          { location: 'https://auth.example', condition: 'is-user alice' },
          { key: svc, locator },
        ),
    },
  );
  const routes = { 'https://auth.example': discharger.fetch, 'https://api.example': api };
  const client = new BakeryClient({
    fetch: (input, init) => {
      const request = new Request(input, init);
      return routes[new URL(request.url).origin](request);
    },
  });
  let status = 0;
  let body;
  try {
    const r = await client.fetch('https://api.example/accounts/1');
    status = r.status;
    body = await r.json();
  } catch (e) {
    body = String(e);
  }
  check(report, 'httpbakery', `401, discharge, retry, 200 (got ${status})`, () => {
    return status === 200 && body?.discharges === 1;
  });
}
