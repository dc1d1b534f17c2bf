// A service needing a discharge, as a Cloudflare Worker (scripts/runtimes/httpbakery-flow.js serves it
// with workerd on its own loopback port): GET /accounts/:id answers 200 for a request whose macaroons
// (header or cookie) carry alice's discharge, and httpbakery's discharge-required 401 otherwise, with a
// macaroon whose third-party caveat is for the discharger. The discharger's public key comes from its
// /discharge/info over HTTP (a BakeryClient is a third-party locator). Credentialed CORS for the page's
// origin, so that the page's client can keep the macaroons as cookies.
import { Verifier } from 'macaroon-engine';
import { BakeryMacaroon, checkers, KeyPair } from 'macaroon-engine/bakery';
import { BakeryClient } from 'macaroon-engine/client';
import { withDischargeRequired } from 'macaroon-engine/discharger';
import { Gateway } from 'macaroon-engine/gateway';

let service;

function hexBytes(hex) {
  return Uint8Array.from(hex.match(/../g), (h) => Number.parseInt(h, 16));
}

function serviceFor(env) {
  if (service) return service;
  const rootKey = hexBytes(env.ROOT_KEY);
  const key = KeyPair.generate();
  const locator = new BakeryClient({ allowInsecure: true });
  const gateway = new Gateway({ rootKey, verifier: new Verifier().satisfyChecker(checkers.std()) });
  service = withDischargeRequired(
    (request, auth) =>
      Response.json({
        account: new URL(request.url).pathname.split('/')[2],
        user: auth.verified.declared?.user ?? null,
        discharges: auth.discharges.length,
        // How the page's client sent its macaroons: the browser's cookie, or the Macaroons header.
        via: request.headers.get('macaroons')
          ? 'header'
          : /(^|;\s*)macaroon-/.test(request.headers.get('cookie') ?? '')
            ? 'cookie'
            : 'other',
      }),
    {
      gateway,
      cookieNameSuffix: 'accounts',
      macaroonPath: '/accounts',
      mint: (_request, version) =>
        BakeryMacaroon.create({ rootKey, id: crypto.randomUUID(), location: 'accounts', version }).addCaveats(
          [
            { condition: 'declared user alice' },
            { location: env.DISCHARGER_URL, condition: 'is-user alice' },
          ],
          { key, locator },
        ),
      cors: { origins: [env.PAGE_ORIGIN], credentials: true },
    },
  );
  return service;
}

export default {
  fetch(request, env) {
    return serviceFor(env)(request);
  },
};
