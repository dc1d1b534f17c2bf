/**
 * A MacaroonStore for web pages: what a service asked for is kept as the `macaroon-<suffix>` cookie
 * httpbakery's client sets (name, path from MacaroonPath, expiry from the slice's `time-before`), written
 * through `document.cookie`, so the browser sends it to the service from then on, across page loads,
 * and services read it as they read any httpbakery client's cookies.
 *
 * A page can only write cookies for its own host: slices for services on other hosts, and slices too
 * large for a cookie, are kept in memory and sent in the `Macaroons` header instead. Cookies belong to a
 * host, not an origin: every port of the host receives them (RFC 6265 §8.5).
 */

import { InvalidArgumentError } from '../errors.js';
import type { Macaroon } from '../macaroon.js';
import { type MacaroonCookie, type MacaroonStore, MemoryMacaroonStore } from './store.js';

/**
 * The part of `Document` the store uses (a test passes a fake).
 *
 * @example
 * ```ts
 * const doc: CookieDocument = { cookie: '', location: { hostname: 'app.example', protocol: 'https:' } };
 * ```
 */
export interface CookieDocument {
  /** The page's cookies, as `document.cookie` reads and writes them. */
  cookie: string;
  /** The page's location (null where there is none). */
  readonly location: {
    /** The page's host name: cookies are written only for services on it. */
    readonly hostname: string;
    /** The page's scheme, `https:` or `http:`, as `location.protocol` gives it. */
    readonly protocol: string;
  } | null;
}

/**
 * Options of `BrowserCookieStore`.
 *
 * @example
 * ```ts
 * new BrowserCookieStore({ sameSite: 'Lax', secure: true });
 * ```
 */
export interface BrowserCookieStoreOptions {
  /** The document whose cookies are written (default: globalThis.document). */
  readonly document?: CookieDocument | undefined;
  /**
   * The cookies' SameSite attribute (default 'Strict': the browser sends them only with requests made
   * from the service's own site, so another site cannot make the user's browser spend them).
   */
  readonly sameSite?: 'Strict' | 'Lax' | undefined;
  /** The Secure attribute (default: when the service's URL is https). */
  readonly secure?: boolean | undefined;
  /** Largest cookie written, name and value (default 4096 bytes, browsers' limit); larger stays in memory. */
  readonly maxCookieBytes?: number | undefined;
}

/**
 * Keeps discharged macaroons as browser cookies (opt in: `new BakeryClient({ store: new
 * BrowserCookieStore() })`). The client then fetches with `credentials: 'include'` for the page's host,
 * so a service on another port of it must allow credentialed CORS (`cors: { origins, credentials: true }`).
 *
 * @example
 * ```ts
 * import { BakeryClient, BrowserCookieStore } from 'macaroon-engine/client';
 * const client = new BakeryClient({ store: new BrowserCookieStore() });
 * const response = await client.fetch('/api/accounts/42'); // the discharged slice is now a macaroon-* cookie
 * ```
 */
export class BrowserCookieStore implements MacaroonStore {
  readonly #document: CookieDocument;
  readonly #memory = new MemoryMacaroonStore();
  readonly #sameSite: 'Strict' | 'Lax';
  readonly #secure: boolean | undefined;
  readonly #maxBytes: number;

  constructor(options: BrowserCookieStoreOptions = {}) {
    const doc = options.document ?? (globalThis as { document?: CookieDocument }).document;
    if (typeof doc !== 'object' || doc === null || !('cookie' in doc)) {
      throw new InvalidArgumentError('no document with cookies here (BrowserCookieStore is for web pages)');
    }
    if (options.sameSite !== undefined && options.sameSite !== 'Strict' && options.sameSite !== 'Lax') {
      throw new InvalidArgumentError("sameSite must be 'Strict' or 'Lax'");
    }
    this.#document = doc;
    this.#sameSite = options.sameSite ?? 'Strict';
    this.#secure = options.secure;
    this.#maxBytes = options.maxCookieBytes ?? 4096;
  }

  /** Whether a cookie written here reaches `url`: the page's own host (any port). */
  #covers(url: URL): boolean {
    const page = this.#document.location;
    return page !== null && page.hostname !== '' && url.hostname === page.hostname;
  }

  sendsCookies(url: URL): boolean {
    return this.#covers(url);
  }

  macaroonsFor(url: URL): (readonly Macaroon[])[] {
    return this.#memory.macaroonsFor(url);
  }

  keep(url: URL, slice: readonly Macaroon[], cookie: MacaroonCookie): void {
    const size = new TextEncoder().encode(cookie.name + cookie.value).length;
    // A path a cookie attribute cannot carry (";" would end it; URLs percent-encode the rest) stays in memory too.
    if (!this.#covers(url) || size > this.#maxBytes || cookie.path.includes(';')) {
      this.#memory.keep(url, slice, cookie);
      return;
    }
    const secure = this.#secure ?? url.protocol === 'https:';
    const attributes = [
      `${cookie.name}=${cookie.value}`,
      `Path=${cookie.path}`,
      ...(cookie.expires ? [`Expires=${cookie.expires.toUTCString()}`] : []),
      `SameSite=${this.#sameSite}`,
      ...(secure ? ['Secure'] : []),
    ];
    this.#document.cookie = attributes.join('; ');
  }
}
