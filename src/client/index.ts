/**
 * `macaroon-engine/client`: an httpbakery client. `new BakeryClient().fetch(url)` discharges whatever a
 * service asks for and retries; `client.dischargeAll(m)` for callers with their own transport.
 */

export { type InteractionInfo, InteractionRequiredError } from '../discharger/errors.js';
export { BakeryClient, type BakeryClientOptions, DischargeError, type InteractionToken } from './client.js';
export { BrowserCookieStore, type BrowserCookieStoreOptions, type CookieDocument } from './cookies.js';
export {
  type MacaroonCookie,
  type MacaroonStore,
  MemoryMacaroonStore,
  macaroonCookie,
} from './store.js';
