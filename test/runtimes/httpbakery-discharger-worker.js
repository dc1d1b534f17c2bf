// A discharger as a Cloudflare Worker (scripts/runtimes/httpbakery-flow.js serves it with workerd on a
// loopback port): its key pair and the page's origin arrive as bindings, as a deployed Worker gets its
// secrets and vars. It approves `is-user alice` for a minute and lets the page's origin call it (CORS).
// GET /requests lists what it answered, for the driver to check the flow.
import { checkers, KeyPair } from 'macaroon-engine/bakery';
import { createDischarger, DischargeRefusedError } from 'macaroon-engine/discharger';

const requests = [];
let discharger;

function dischargerFor(env) {
  discharger ??= createDischarger({
    key: KeyPair.fromPrivate(env.DISCHARGER_PRIVATE_KEY),
    check: (condition) => {
      if (condition !== 'is-user alice') throw new DischargeRefusedError(`unknown condition ${condition}`);
      return [checkers.declaredCaveat('user', 'alice'), checkers.timeBeforeCaveat(Date.now() + 3600_000)];
    },
    cors: { origins: [env.PAGE_ORIGIN] },
  });
  return discharger;
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/requests') return Response.json(requests);
    const response = await dischargerFor(env).fetch(request);
    requests.push(
      `${request.method} ${url.pathname} ${request.headers.get('origin') ?? '-'} ${response.status}`,
    );
    return response;
  },
};
