/**
 * The `cors` option of the discharger and of withDischargeRequired, and withCors: preflights answered
 * before authorization, only for listed origins, the origin echoed with Vary (never a wildcard),
 * WWW-Authenticate exposed so a page's client recognises discharge-required, credentials only when asked.
 */
import { describe, expect, it } from 'vitest';
import { BakeryMacaroon, checkers, KeyPair } from '../../src/bakery/index.js';
import { createDischarger, withCors, withDischargeRequired } from '../../src/discharger/index.js';
import { Gateway } from '../../src/gateway/index.js';
import { InvalidArgumentError, Verifier } from '../../src/index.js';

const APP = 'http://127.0.0.1:5173';

function preflight(url: string, origin: string, method = 'POST', headers = 'bakery-protocol-version') {
  return new Request(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': headers,
    },
  });
}

const discharger = createDischarger({
  key: KeyPair.generate(),
  check: () => [checkers.declaredCaveat('user', 'alice')],
  cors: { origins: [APP] },
});

const rootKey = new TextEncoder().encode('root key of the cors test');
const service = withDischargeRequired(() => new Response('ok'), {
  gateway: new Gateway({ rootKey, verifier: new Verifier().satisfyChecker(checkers.std()) }),
  mint: (_r, version) => BakeryMacaroon.create({ rootKey, id: 'cors', version }),
  cors: { origins: (o) => o === APP, credentials: true, maxAge: 60 },
});

describe('discharger cors', () => {
  it('answers a preflight from a listed origin with the protocol headers and its methods', async () => {
    const r = await discharger.fetch(preflight('http://auth.test/discharge', APP));
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe(APP);
    expect(r.headers.get('access-control-allow-methods')).toBe('GET, HEAD, POST');
    const allowed = r.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['bakery-protocol-version', 'macaroons', 'content-type']));
    expect(r.headers.get('access-control-max-age')).toBe('600');
    expect(r.headers.get('vary')).toMatch(/Origin/);
    // Not asked for: no credentials.
    expect(r.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('refuses a preflight from another origin, without CORS headers', async () => {
    const r = await discharger.fetch(preflight('http://auth.test/discharge', 'http://evil.test'));
    expect(r.status).toBe(403);
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('an answer to a listed origin is readable; to another origin it is not; without Origin nothing changes', async () => {
    const info = (origin?: string) =>
      discharger.fetch(new Request('http://auth.test/discharge/info', { headers: origin ? { origin } : {} }));
    const ok = await info(APP);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP);
    expect(ok.headers.get('access-control-expose-headers')).toMatch(/WWW-Authenticate/);
    expect((await ok.json()).Version).toBe(3);
    const other = await info('http://evil.test');
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('vary')).toBe('Origin');
    const none = await info();
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
    expect(none.headers.get('vary')).toBeNull();
  });

  it('an OPTIONS that is not a preflight is routed as usual (405)', async () => {
    const r = await discharger.fetch(
      new Request('http://auth.test/discharge', { method: 'OPTIONS', headers: { origin: APP } }),
    );
    expect(r.status).toBe(405);
    expect(r.headers.get('access-control-allow-origin')).toBe(APP);
  });
});

describe('service cors', () => {
  it('a preflight is answered before authorization (it carries no macaroons)', async () => {
    const r = await service(
      preflight('http://api.test/accounts/1', APP, 'GET', 'bakery-protocol-version,macaroons'),
    );
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-credentials')).toBe('true');
    expect(r.headers.get('access-control-allow-methods')).toBe('GET, HEAD, POST, PUT, PATCH, DELETE');
    expect(r.headers.get('access-control-max-age')).toBe('60');
  });

  it('the discharge-required 401 exposes WWW-Authenticate to the page', async () => {
    const r = await service(
      new Request('http://api.test/accounts/1', { headers: { origin: APP, 'bakery-protocol-version': '3' } }),
    );
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Macaroon');
    expect(r.headers.get('access-control-allow-origin')).toBe(APP);
    expect(r.headers.get('access-control-allow-credentials')).toBe('true');
    expect(r.headers.get('access-control-expose-headers')).toMatch(/WWW-Authenticate/);
    expect((await r.json()).Code).toBe('macaroon discharge required');
  });

  it('an existing Vary is extended, not replaced', async () => {
    const h = withCors(() => new Response('x', { headers: { vary: 'Accept-Encoding' } }), { origins: [APP] });
    const r = await h(new Request('http://x.test/', { headers: { origin: APP } }));
    expect(r.headers.get('vary')).toBe('Accept-Encoding, Origin');
  });

  it('extra allowed and exposed headers, and methods, are listed', async () => {
    const h = withCors(() => new Response(null, { status: 204 }), {
      origins: [APP],
      methods: ['GET'],
      allowHeaders: ['Authorization'],
      exposeHeaders: ['X-Request-Id'],
    });
    const pre = await h(preflight('http://x.test/', APP, 'GET', 'authorization'));
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET');
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/, Authorization$/);
    const r = await h(new Request('http://x.test/', { headers: { origin: APP } }));
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate, X-Request-Id');
  });
});

describe('cors options are checked', () => {
  const handler = () => new Response('x');
  it.each([
    [{ origins: ['*'] }, /not an origin/],
    [{ origins: ['https://app.example/'] }, /not an origin/],
    [{ origins: ['https://app.example/path'] }, /not an origin/],
    [{ origins: ['app.example'] }, /not an origin/],
    [{ origins: [] }, /non-empty/],
    [{ origins: 'https://app.example' }, /non-empty/],
    [{ origins: [APP], allowHeaders: ['*'] }, /not a header/],
    [{ origins: [APP], allowHeaders: ['a b'] }, /not a header/],
    [{ origins: [APP], maxAge: -1 }, /maxAge/],
  ])('%j is refused', (options, message) => {
    expect(() => withCors(handler, options as never)).toThrow(InvalidArgumentError);
    expect(() => withCors(handler, options as never)).toThrow(message);
  });

  it('an origin with a default port is compared as browsers send it', async () => {
    expect(() => withCors(handler, { origins: ['https://app.example:443'] })).toThrow(/not an origin/);
    const h = withCors(handler, { origins: ['https://app.example', 'http://localhost:8080'] });
    const r = await h(new Request('http://x.test/', { headers: { origin: 'http://localhost:8080' } }));
    expect(r.headers.get('access-control-allow-origin')).toBe('http://localhost:8080');
  });
});
