/**
 * The client's stores: the cookie httpbakery's client keeps a slice in (name from CookieNameSuffix or the
 * root signature, path from MacaroonPath or the request's default path, expiry from the earliest
 * time-before as Go's NewCookie), the memory store (RFC 6265 path-match, replacement by name, expiry),
 * and BrowserCookieStore against a fake document (attributes written, hosts it cannot cover, sizes);
 * then the whole flow over loopback HTTP with the cookie store, the service reading the cookie.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex } from '../../src/bytes.js';
import {
  BakeryClient,
  BrowserCookieStore,
  type CookieDocument,
  MemoryMacaroonStore,
  macaroonCookie,
} from '../../src/client/index.js';
import { pathMatches } from '../../src/client/store.js';
import { decodeMacaroonSlice } from '../../src/discharger/index.js';
import { InvalidArgumentError, Macaroon } from '../../src/index.js';
import { loadEngines } from '../engines.js';
import { type Flow, startFlow } from './servers.js';

beforeAll(loadEngines);

const NOW = Date.parse('2030-06-01T12:00:00Z');

function sliceWith(...conditions: string[]): Macaroon[] {
  let root = Macaroon.create('api', 'k', 'root');
  for (const c of conditions) root = root.addFirstPartyCaveat(c);
  let d = Macaroon.create('', 'd', 'discharge');
  d = d.addFirstPartyCaveat('declared user alice');
  return [root, root.prepareForRequest(d)];
}

/** A document whose cookie jar follows RFC 6265 closely enough: attributes parsed, path and expiry applied. */
class FakeDocument implements CookieDocument {
  readonly writes: string[] = [];
  readonly jar = new Map<string, { value: string; attributes: Map<string, string> }>();
  constructor(
    readonly location: { hostname: string; protocol: string; pathname: string },
    readonly now = () => NOW,
  ) {}

  get cookie(): string {
    return [...this.jar]
      .filter(([, c]) => {
        const expires = c.attributes.get('expires');
        const path = c.attributes.get('path') ?? '/';
        return (
          (expires === undefined || Date.parse(expires) > this.now()) &&
          pathMatches(this.location.pathname, path)
        );
      })
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  set cookie(text: string) {
    this.writes.push(text);
    const [pair = '', ...rest] = text.split(';');
    const eq = pair.indexOf('=');
    const attributes = new Map<string, string>();
    for (const a of rest) {
      const [k = '', v = ''] = a.trim().split('=');
      attributes.set(k.toLowerCase(), v);
    }
    this.jar.set(pair.slice(0, eq).trim(), { value: pair.slice(eq + 1).trim(), attributes });
  }
}

describe('macaroonCookie (httpbakery NewCookie)', () => {
  const url = new URL('https://api.example/accounts/42');

  it('is named after the suffix, else the root signature; the value is the Macaroons encoding', () => {
    const slice = sliceWith();
    const rootSignature = bytesToHex((slice[0] as Macaroon).signature);
    const named = macaroonCookie(url, slice, { suffix: 'api' }, NOW);
    expect(named.name).toBe('macaroon-api');
    expect(decodeMacaroonSlice(named.value)).toEqual(slice.map((m) => m.toJSON()));
    expect(macaroonCookie(url, slice, {}, NOW).name).toBe(`macaroon-${rootSignature}`);
    // A suffix a cookie name cannot carry falls back to the signature.
    expect(macaroonCookie(url, slice, { suffix: 'a;b' }, NOW).name).toBe(`macaroon-${rootSignature}`);
  });

  it('the path is MacaroonPath resolved against the request URL, else the default path', () => {
    const slice = sliceWith();
    expect(macaroonCookie(url, slice, { macaroonPath: '/' }, NOW).path).toBe('/');
    expect(macaroonCookie(url, slice, { macaroonPath: '/accounts' }, NOW).path).toBe('/accounts');
    expect(macaroonCookie(url, slice, { macaroonPath: '../x/y' }, NOW).path).toBe('/x/y');
    expect(macaroonCookie(url, slice, { macaroonPath: 'z' }, NOW).path).toBe('/accounts/z');
    // Absent, or not a clean path (Go's parseURLPath): RFC 6265's default path of the request.
    expect(macaroonCookie(url, slice, {}, NOW).path).toBe('/accounts');
    expect(macaroonCookie(url, slice, { macaroonPath: 'https://evil.example/' }, NOW).path).toBe('/accounts');
    expect(macaroonCookie(url, slice, { macaroonPath: '/a?b' }, NOW).path).toBe('/accounts');
    expect(macaroonCookie(new URL('https://api.example/x'), slice, {}, NOW).path).toBe('/');
  });

  it('expires at the earliest time-before of the whole slice; none: 100 years; under a minute: session', () => {
    const two = sliceWith('time-before 2030-06-01T13:00:00Z', 'time-before 2030-06-01T12:30:00.5Z');
    expect(macaroonCookie(url, two, {}, NOW).expires?.toISOString()).toBe('2030-06-01T12:30:00.500Z');
    expect(macaroonCookie(url, two, {}, NOW).notAfter).toBe(Date.parse('2030-06-01T12:30:00.500Z'));
    const none = macaroonCookie(url, sliceWith('declared user alice'), {}, NOW);
    expect(none.expires?.getTime()).toBe(NOW + 100 * 365 * 24 * 3600 * 1000);
    expect(none.notAfter).toBeUndefined();
    expect(
      macaroonCookie(url, sliceWith('time-before 2030-06-01T12:00:59Z'), {}, NOW).expires,
    ).toBeUndefined();
    expect(
      macaroonCookie(url, sliceWith('time-before 2020-01-01T00:00:00Z'), {}, NOW).expires,
    ).toBeUndefined();
    // A time Go would not parse, or a namespaced condition, is not an expiry.
    expect(macaroonCookie(url, sliceWith('time-before tomorrow'), {}, NOW).notAfter).toBeUndefined();
    expect(
      macaroonCookie(url, sliceWith('std:time-before 2030-06-01T12:30:00Z'), {}, NOW).notAfter,
    ).toBeUndefined();
  });

  it('an empty slice is refused', () => {
    expect(() => macaroonCookie(url, [])).toThrow(InvalidArgumentError);
  });
});

describe('MemoryMacaroonStore', () => {
  it('matches origin and path as cookies do, newest first, one slice per name and path', () => {
    let now = NOW;
    const store = new MemoryMacaroonStore({ now: () => now });
    const url = new URL('https://api.example/accounts/42');
    const a = sliceWith('a');
    const b = sliceWith('b', 'time-before 2030-06-01T12:10:00Z');
    store.keep(url, a, macaroonCookie(url, a, { suffix: 'x', macaroonPath: '/accounts' }, NOW));
    store.keep(url, b, macaroonCookie(url, b, { suffix: 'y', macaroonPath: '/' }, NOW));
    expect(store.macaroonsFor(new URL('https://api.example/accounts/1'))).toEqual([b, a]);
    expect(store.macaroonsFor(new URL('https://api.example/accounts'))).toEqual([b, a]);
    expect(store.macaroonsFor(new URL('https://api.example/accountsX'))).toEqual([b]);
    expect(store.macaroonsFor(new URL('http://api.example/accounts/1'))).toEqual([]);
    expect(store.macaroonsFor(new URL('https://api.example:8443/accounts/1'))).toEqual([]);
    // The same name and path replaces.
    const c = sliceWith('c');
    store.keep(url, c, macaroonCookie(url, c, { suffix: 'x', macaroonPath: '/accounts' }, NOW));
    expect(store.macaroonsFor(new URL('https://api.example/accounts/1'))).toEqual([c, b]);
    // Past its time-before, a slice is gone.
    now = Date.parse('2030-06-01T12:10:00Z');
    expect(store.macaroonsFor(new URL('https://api.example/accounts/1'))).toEqual([c]);
  });

  it('keeps at most maxEntries', () => {
    const store = new MemoryMacaroonStore({ maxEntries: 2 });
    const url = new URL('https://api.example/');
    const slices = [sliceWith('1'), sliceWith('2'), sliceWith('3')];
    slices.forEach((s, i) => {
      store.keep(url, s, macaroonCookie(url, s, { suffix: String(i) }));
    });
    expect(store.macaroonsFor(url)).toEqual([slices[2], slices[1]]);
    expect(() => new MemoryMacaroonStore({ maxEntries: 0 })).toThrow(InvalidArgumentError);
  });

  it('path-match follows RFC 6265', () => {
    expect(pathMatches('/a/b', '/a')).toBe(true);
    expect(pathMatches('/a/b', '/a/')).toBe(true);
    expect(pathMatches('/a', '/a')).toBe(true);
    expect(pathMatches('/ab', '/a')).toBe(false);
    expect(pathMatches('/', '/a')).toBe(false);
  });
});

describe('BrowserCookieStore', () => {
  const page = { hostname: 'app.example', protocol: 'https:', pathname: '/' };

  it('writes the httpbakery cookie with its path, expiry, SameSite and Secure', () => {
    const doc = new FakeDocument(page);
    const store = new BrowserCookieStore({ document: doc });
    const url = new URL('https://app.example:8443/api/accounts/1');
    const slice = sliceWith('time-before 2030-06-01T13:00:00Z');
    const cookie = macaroonCookie(url, slice, { suffix: 'api', macaroonPath: '/api' }, NOW);
    store.keep(url, slice, cookie);
    expect(doc.writes).toEqual([
      `macaroon-api=${cookie.value}; Path=/api; Expires=Sat, 01 Jun 2030 13:00:00 GMT; SameSite=Strict; Secure`,
    ]);
    // The browser sends it; nothing goes in the Macaroons header.
    expect(store.sendsCookies(url)).toBe(true);
    expect(store.macaroonsFor(url)).toEqual([]);
    // Visible to a page under the path, as a browser shows it.
    doc.location.pathname = '/api/page';
    expect(doc.cookie).toBe(`macaroon-api=${cookie.value}`);
  });

  it('a session cookie has no Expires; http is not Secure unless asked; Lax on request', () => {
    const doc = new FakeDocument({ hostname: '127.0.0.1', protocol: 'http:', pathname: '/' });
    const url = new URL('http://127.0.0.1:8080/x');
    const slice = sliceWith('time-before 2030-06-01T12:00:30Z');
    new BrowserCookieStore({ document: doc, sameSite: 'Lax' }).keep(
      url,
      slice,
      macaroonCookie(url, slice, { suffix: 's', macaroonPath: '/' }, NOW),
    );
    expect(doc.writes[0]).toMatch(/^macaroon-s=[A-Za-z0-9+/=]+; Path=\/; SameSite=Lax$/);
    new BrowserCookieStore({ document: doc, secure: true }).keep(
      url,
      slice,
      macaroonCookie(url, slice, { suffix: 's', macaroonPath: '/' }, NOW),
    );
    expect(doc.writes[1]).toMatch(/; SameSite=Strict; Secure$/);
  });

  it('another host, a cookie too large, or a path a cookie cannot carry: kept in memory, sent as a header', () => {
    const doc = new FakeDocument(page);
    const store = new BrowserCookieStore({ document: doc, maxCookieBytes: 600 });
    const other = new URL('https://api.other.example/x');
    const slice = sliceWith();
    store.keep(other, slice, macaroonCookie(other, slice, { suffix: 'o' }));
    expect(store.sendsCookies(other)).toBe(false);
    expect(store.macaroonsFor(other)).toEqual([slice]);
    const own = new URL('https://app.example/x');
    const big = sliceWith('x'.repeat(600));
    store.keep(own, big, macaroonCookie(own, big, { suffix: 'big' }));
    expect(store.macaroonsFor(own)).toEqual([big]);
    const odd = new URL('https://app.example/a;b/c');
    store.keep(odd, slice, macaroonCookie(odd, slice, { suffix: 'odd' }));
    expect(store.macaroonsFor(odd)).toEqual([slice, big]);
    expect(doc.writes).toEqual([]);
  });

  it('needs a document', () => {
    expect(() => new BrowserCookieStore()).toThrow(/no document/);
    expect(
      () => new BrowserCookieStore({ document: new FakeDocument(page), sameSite: 'None' as never }),
    ).toThrow(InvalidArgumentError);
  });
});

describe('the flow with a cookie store, over loopback HTTP', () => {
  let flow: Flow;
  beforeAll(async () => {
    flow = await startFlow();
  });
  afterAll(() => flow.close());

  it('the discharged slice becomes the macaroon-auth cookie; the service accepts it as a cookie', async () => {
    const doc = new FakeDocument({ hostname: '127.0.0.1', protocol: 'http:', pathname: '/' });
    const seen: RequestInit[] = [];
    // A browser sends the page's cookies with a credentialed request; Node's fetch does not, so do it here.
    const browserish: typeof fetch = (input, init) => {
      const request = new Request(input, init);
      seen.push({ credentials: request.credentials });
      const headers = new Headers(request.headers);
      if (request.credentials === 'include' && doc.cookie) headers.set('cookie', doc.cookie);
      return fetch(new Request(request, { headers }));
    };
    const client = new BakeryClient({
      allowInsecure: true,
      fetch: browserish,
      store: new BrowserCookieStore({ document: doc }),
    });
    const r = await client.fetch(`${flow.api.url}/accounts/5`);
    expect(r.status).toBe(200);
    expect(doc.writes).toHaveLength(1);
    // The discharge lasts a minute in this flow: under Go's rule that is a session cookie (no Expires).
    expect(doc.writes[0]).toMatch(/^macaroon-auth=[A-Za-z0-9+/=]+; Path=\/; SameSite=Strict$/);
    // The service's requests (401, retry) were credentialed, the discharger's (POST /discharge) not.
    expect(seen.map((s) => s.credentials)).toEqual(['include', 'same-origin', 'include']);
    // A new client (a reload of the page) needs no discharge: the cookie is enough.
    const minted = flow.minted.length;
    const again = await new BakeryClient({
      allowInsecure: true,
      fetch: browserish,
      store: new BrowserCookieStore({ document: doc }),
    }).fetch(`${flow.api.url}/accounts/6`);
    expect(again.status).toBe(200);
    expect(flow.minted.length).toBe(minted);
  });
});
