// The page script for the httpbakery flow in Chromium (scripts/runtimes/httpbakery-flow.js): our client,
// bundled from the tarball, walks the flow over real HTTP against the Workers served by workerd on other
// loopback ports (other origins): 401 discharge-required from the service, POST /discharge to the
// discharger, bind, retry, 200; the slice kept as httpbakery's macaroon-* cookie, which a fresh client
// (a reload) then uses without any discharge.
import { BakeryClient, BrowserCookieStore } from 'macaroon-engine/client';

function recordingFetch(steps) {
  return async (input, init) => {
    const request = new Request(input, init);
    const response = await fetch(request);
    const url = new URL(request.url);
    steps.push(`${request.method} ${url.port} ${url.pathname} ${response.status}`);
    return response;
  };
}

globalThis.runHttpBakeryFlow = async ({ service }) => {
  const result = { origin: location.origin };
  try {
    const steps = [];
    const client = new BakeryClient({
      allowInsecure: true,
      fetch: recordingFetch(steps),
      store: new BrowserCookieStore(),
      timeoutMs: 20_000,
    });
    const first = await client.fetch(`${service}/accounts/42`);
    result.first = { steps, status: first.status, body: await first.json() };
    // document.cookie shows cookies whose path matches the page's: this one lives under /accounts.
    result.cookieVisibleHere = document.cookie.includes('macaroon-accounts=');
    const again = [];
    const reloaded = new BakeryClient({
      allowInsecure: true,
      fetch: recordingFetch(again),
      store: new BrowserCookieStore(),
    });
    const second = await reloaded.fetch(`${service}/accounts/43`);
    result.second = { steps: again, status: second.status, body: await second.json() };
  } catch (e) {
    result.error = `${e?.name}: ${e?.message}`;
  }
  return result;
};
