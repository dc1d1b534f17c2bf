/**
 * Where a BakeryClient keeps the discharged macaroons a service asked for, and which it sends again. The
 * cookie httpbakery's Go client would set for a slice (NewCookie: its name, path and expiry) is worked out
 * here once, so that every store keeps the same thing: in memory by default, as browser cookies with
 * `BrowserCookieStore`.
 */

import { parseTime } from '../bakery/checkers/time.js';
import { bytesToHex, utf8DecodeStrict } from '../bytes.js';
import { InvalidArgumentError } from '../errors.js';
import { encodeMacaroonSlice } from '../httpbakery/protocol.js';
import type { Macaroon } from '../macaroon.js';

/**
 * The cookie httpbakery keeps a discharged slice in: `macaroon-<CookieNameSuffix>` (or
 * `macaroon-<hex root signature>`), the path from `MacaroonPath` resolved against the request URL (the
 * request's default cookie path without one), and the expiry from the earliest `time-before` caveat of
 * the slice (none: 100 years; less than a minute away: a session cookie, `expires` undefined).
 *
 * @example
 * ```ts
 * const slice = [macaroon, ...discharges]; // a root macaroon and its bound discharges
 * const cookie: MacaroonCookie = macaroonCookie(new URL('https://api.example/a/b'), slice, { suffix: 'api', macaroonPath: '/a' });
 * cookie.name; // 'macaroon-api'
 * ```
 */
export interface MacaroonCookie {
  /** The cookie's name: `macaroon-` and the service's suffix. */
  readonly name: string;
  /** `encodeMacaroonSlice(slice)`: std base64 of the JSON array, as the `Macaroons` header carries it. */
  readonly value: string;
  /** The path the browser sends the cookie for. */
  readonly path: string;
  /** When the cookie expires; undefined for a session cookie. */
  readonly expires: Date | undefined;
  /** The earliest `time-before` of the slice (ms since the epoch), or undefined when it has none. */
  readonly notAfter: number | undefined;
}

/** Go's PermanentExpiryDuration: a slice without `time-before` is kept for 100 years. */
const PERMANENT_MS = 100 * 365 * 24 * 3600 * 1000;

/** RFC 6265 §5.1.4: the directory of the request path ("/" when it has at most one "/"). */
function defaultPath(pathname: string): string {
  if (!pathname.startsWith('/')) return '/';
  const last = pathname.lastIndexOf('/');
  return last <= 0 ? '/' : pathname.slice(0, last);
}

/** `MacaroonPath` against the request URL, as Go's client resolves it; a path that is not clean is ignored. */
function resolvePath(url: URL, macaroonPath: string | undefined): string {
  if (macaroonPath === undefined || macaroonPath === '') return defaultPath(url.pathname);
  // Go's parseURLPath: no scheme, host, user, query or fragment.
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:|^\/\/|[?#]/.test(macaroonPath)) return defaultPath(url.pathname);
  return new URL(macaroonPath, url).pathname;
}

/** The earliest `time-before` among the slice's first-party caveats (standard namespace), in ms. */
function earliestTimeBefore(slice: readonly Macaroon[]): number | undefined {
  let earliest: number | undefined;
  for (const m of slice) {
    for (const c of m.caveats) {
      if (c.verificationId) continue;
      const text = utf8DecodeStrict(c.identifier);
      if (!text?.startsWith('time-before ')) continue;
      const t = parseTime(text.slice('time-before '.length));
      if (t && (earliest === undefined || t.ms < earliest)) earliest = t.ms;
    }
  }
  return earliest;
}

const SUFFIX = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The cookie httpbakery's client keeps `slice` in, for a request to `url` answered with a
 * discharge-required error carrying `suffix` (CookieNameSuffix) and `macaroonPath` (MacaroonPath).
 *
 * @example
 * ```ts
 * const { name, value, path, expires } = macaroonCookie(new URL('https://api.example/'), [macaroon, ...discharges], { suffix: 'auth', macaroonPath: '/' });
 * ```
 */
export function macaroonCookie(
  url: URL,
  slice: readonly Macaroon[],
  info: { readonly suffix?: string | undefined; readonly macaroonPath?: string | undefined } = {},
  now: number = Date.now(),
): MacaroonCookie {
  const [root] = slice;
  if (!root) throw new InvalidArgumentError('no macaroons in the slice');
  const suffix = info.suffix ? info.suffix : bytesToHex(root.signature);
  // A suffix a cookie name cannot carry (a service's mistake) falls back to Go's default name.
  const name = `macaroon-${SUFFIX.test(suffix) ? suffix : bytesToHex(root.signature)}`;
  const notAfter = earliestTimeBefore(slice);
  let expires: Date | undefined;
  if (notAfter === undefined) expires = new Date(now + PERMANENT_MS);
  else if (notAfter - now >= 60_000) expires = new Date(notAfter);
  return {
    name,
    value: encodeMacaroonSlice(slice),
    path: resolvePath(url, info.macaroonPath),
    expires,
    notAfter,
  };
}

/** RFC 6265 §5.1.4 path-match: the cookie path is the request path, or a prefix of it ending at a "/". */
export function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/**
 * Keeps what a BakeryClient discharged. The client calls `keep` after each discharge round, and before
 * each request sends the first slice `macaroonsFor` returns in a `Macaroons` header; a store that leaves
 * the sending to the browser (cookies) says so with `sendsCookies`, and the client then asks `fetch` to
 * include credentials.
 *
 * @example
 * ```ts
 * const client = new BakeryClient({ store: typeof document === 'undefined' ? new MemoryMacaroonStore() : new BrowserCookieStore() });
 * ```
 */
export interface MacaroonStore {
  /** The slices to send with a request to `url`, most recent first. */
  macaroonsFor(url: URL): (readonly Macaroon[])[];
  /** Keeps `slice` for requests to `url` (its origin, and paths under `cookie.path`). */
  keep(url: URL, slice: readonly Macaroon[], cookie: MacaroonCookie): void;
  /** True when the browser sends what was kept for `url` as cookies (the client then includes credentials). */
  sendsCookies?(url: URL): boolean;
}

interface Kept {
  readonly origin: string;
  readonly cookie: MacaroonCookie;
  readonly slice: readonly Macaroon[];
}

/**
 * The default store: slices in memory, by origin and cookie path, one per cookie name (a newer slice
 * replaces the one of the same name, as a cookie would), dropped once their `time-before` has passed,
 * at most `maxEntries` (default 64; the oldest goes first).
 *
 * @example
 * ```ts
 * const client = new BakeryClient({ store: new MemoryMacaroonStore({ maxEntries: 16 }) });
 * ```
 */
export class MemoryMacaroonStore implements MacaroonStore {
  readonly #kept: Kept[] = [];
  readonly #max: number;
  readonly #now: () => number;

  constructor(
    options: { readonly maxEntries?: number | undefined; readonly now?: (() => number) | undefined } = {},
  ) {
    const max = options.maxEntries ?? 64;
    if (!Number.isSafeInteger(max) || max < 1)
      throw new InvalidArgumentError('maxEntries must be at least 1');
    this.#max = max;
    this.#now = options.now ?? Date.now;
  }

  macaroonsFor(url: URL): (readonly Macaroon[])[] {
    const now = this.#now();
    for (let i = this.#kept.length - 1; i >= 0; i--) {
      const notAfter = this.#kept[i]?.cookie.notAfter;
      if (notAfter !== undefined && notAfter <= now) this.#kept.splice(i, 1);
    }
    return this.#kept
      .filter((k) => k.origin === url.origin && pathMatches(url.pathname, k.cookie.path))
      .map((k) => k.slice)
      .reverse();
  }

  keep(url: URL, slice: readonly Macaroon[], cookie: MacaroonCookie): void {
    const same = this.#kept.findIndex(
      (k) => k.origin === url.origin && k.cookie.name === cookie.name && k.cookie.path === cookie.path,
    );
    if (same !== -1) this.#kept.splice(same, 1);
    this.#kept.push({ origin: url.origin, cookie, slice });
    if (this.#kept.length > this.#max) this.#kept.shift();
  }
}
