// The httpbakery flow end to end: an API (GET /accounts/:id) that answers 401 discharge-required with a
// macaroon carrying a public-key third-party caveat, a discharger that decides that caveat, and a client
// that discharges, binds, retries and gets 200. Each step is printed.
//
//   npm run example:auth                 runs the flow once on loopback and exits 0
//   npm run example:auth -- --serve      keeps the API (PORT, default 8080) and the discharger
//                                        (DISCHARGER_PORT, default 8081) running; DEMO_APPROVE=all makes
//                                        the discharger approve every condition, so any httpbakery client
//                                        (Python, Go, curl by hand) can walk the flow.
import { createServer } from 'node:http';
import { ready, Verifier } from 'macaroon-engine';
import { BakeryMacaroon, checkers, KeyPair, ThirdPartyStore } from 'macaroon-engine/bakery';
import { BakeryClient } from 'macaroon-engine/client';
import { createDischarger, DischargeRefusedError, withDischargeRequired } from 'macaroon-engine/discharger';
import { Gateway } from 'macaroon-engine/gateway';
import { fetchListener } from 'macaroon-engine/node';

const serve = process.argv.includes('--serve');
const host = process.env.HOST ?? '127.0.0.1';
const approveAll = process.env.DEMO_APPROVE === 'all';

function listen(handler, port) {
  const server = createServer(fetchListener(handler));
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

const urlOf = (server) => `http://${host}:${server.address().port}`;

await ready();

// The third party: its key pair is all it needs; it learns each condition from the caveat itself.
const dischargerKey = KeyPair.generate();
const discharger = createDischarger({
  key: dischargerKey,
  check: (condition) => {
    if (!approveAll && condition !== 'is-user alice')
      throw new DischargeRefusedError(`not approved: ${condition}`);
    return [checkers.declaredCaveat('user', 'alice'), checkers.timeBeforeCaveat(Date.now() + 5 * 60_000)];
  },
});
const dischargerServer = await listen(
  discharger.fetch,
  serve ? Number(process.env.DISCHARGER_PORT ?? 8081) : 0,
);
const dischargerUrl = urlOf(dischargerServer);

// The API: a root key, its own key pair for encrypting caveats, and where the third party's key is.
const rootKey = crypto.getRandomValues(new Uint8Array(32));
const apiKey = KeyPair.generate();
const locator = new ThirdPartyStore().add(dischargerUrl, { publicKey: dischargerKey.public, version: 3 });
const gateway = new Gateway({ rootKey, verifier: new Verifier().satisfyChecker(checkers.std()) });
const api = withDischargeRequired(
  (request, auth) => {
    const [, first, id] = new URL(request.url).pathname.split('/');
    if (first !== 'accounts' || !id) return Response.json({ error: 'not found' }, { status: 404 });
    return Response.json({ account: id, owner: 'alice', discharges: auth.discharges.length });
  },
  {
    gateway,
    mint: (_request, version) =>
      BakeryMacaroon.create({
        rootKey,
        id: crypto.randomUUID(),
        location: 'accounts-api',
        version,
      }).addCaveats(
        [
          checkers.timeBeforeCaveat(Date.now() + 60 * 60_000),
          checkers.declaredCaveat('user', 'alice'),
          { location: dischargerUrl, condition: 'is-user alice' },
        ],
        { key: apiKey, locator },
      ),
  },
);
const apiServer = await listen(api, serve ? Number(process.env.PORT ?? 8080) : 0);
const apiUrl = urlOf(apiServer);

if (serve) {
  console.log(`API:        ${apiUrl}/accounts/42`);
  console.log(
    `discharger: ${dischargerUrl} (public key ${dischargerKey.public}${approveAll ? ', approves every condition' : ''})`,
  );
  console.log(
    "Try: python3 -c \"from macaroonbakery import httpbakery; print(httpbakery.Client().request('GET', '" +
      `${apiUrl}/accounts/42` +
      '\').text)"',
  );
} else {
  // The client's fetch, printing each exchange.
  let step = 0;
  const loggingFetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const sent = request.headers.has('macaroons') ? ' with the Macaroons header' : '';
    console.log(
      `${++step}. ${request.method} ${url.origin === apiUrl ? 'API' : 'discharger'} ${url.pathname}${sent}`,
    );
    const response = await fetch(request);
    const body = await response
      .clone()
      .json()
      .catch(() => undefined);
    if (body?.Code === 'macaroon discharge required') {
      const m = BakeryMacaroon.fromJSON(body.Info.Macaroon);
      const caveats = m.macaroon.thirdPartyCaveats().map((c) => c.location);
      console.log(
        `   ← ${response.status} ${body.Code}: a bakery v${m.version} macaroon with a third-party caveat for ${caveats.join(', ')}`,
      );
    } else if (body?.Macaroon) {
      const d = BakeryMacaroon.fromJSON(body.Macaroon);
      const conditions = d.macaroon.caveats.map((c) => new TextDecoder().decode(c.identifier));
      console.log(
        `   ← ${response.status} a discharge with ${conditions.map((c) => JSON.stringify(c)).join(', ')}`,
      );
    } else {
      console.log(`   ← ${response.status} ${JSON.stringify(body)}`);
    }
    return response;
  };
  const client = new BakeryClient({ fetch: loggingFetch, allowInsecure: true, timeoutMs: 10_000 });
  const response = await client.fetch(`${apiUrl}/accounts/42`);
  const ok = response.status === 200;
  console.log(ok ? 'done: the API answered 200' : `failed: the API answered ${response.status}`);
  apiServer.close();
  dischargerServer.close();
  process.exitCode = ok ? 0 : 1;
}
