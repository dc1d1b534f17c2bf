/** The configurable Authorization scheme, the denial hook and RFC 9457 problem documents, in each adapter. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { honoMacaroonAuth, type MacaroonVariables } from '../../src/gateway/hono.js';
import {
  type Denial,
  Gateway,
  problemDetails,
  timeBefore,
  withMacaroonAuth,
} from '../../src/gateway/index.js';
import { InvalidArgumentError, Macaroon, Verifier } from '../../src/index.js';
import { macaroonMiddleware, withMacaroonAuthNode } from '../../src/node/index.js';

const KEY = 'denial hook test key';
const token = Macaroon.create('', KEY, 'id').addFirstPartyCaveat('action = read').serialize();
const badToken = Macaroon.create('', 'another key', 'id').addFirstPartyCaveat('action = read').serialize();
const verifier = () => new Verifier().satisfyExact('action = read').satisfyGeneral(timeBefore);
const request = (authorization?: string) =>
  new Request('http://x/', authorization ? { headers: { authorization } } : {});

describe('Authorization schemes', () => {
  it('reads Macaroon by default and leaves Bearer to others', async () => {
    const gateway = new Gateway({ rootKey: KEY, verifier: verifier() });
    expect(gateway.scheme).toBe('Macaroon');
    expect((await gateway.authorize(request(`Macaroon ${token}`).headers)).status).toBe(200);
    expect(await gateway.authorize(request(`Bearer ${token}`).headers)).toEqual({
      status: 401,
      reason: 'missing-token',
    });
  });

  it('reads Bearer when asked, case-insensitively, and names the first scheme in challenges', async () => {
    const gateway = new Gateway({ rootKey: KEY, verifier: verifier(), schemes: ['Bearer', 'Macaroon'] });
    expect(gateway.scheme).toBe('Bearer');
    for (const auth of [`Bearer ${token}`, `bearer ${token}`, `Macaroon ${token}`]) {
      expect((await gateway.authorize(request(auth).headers)).status).toBe(200);
    }
    const handler = withMacaroonAuth(() => new Response('ok'), { gateway });
    const denied = await handler(request(`Bearer ${badToken}`));
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toBe('Bearer reason="signature-mismatch"');
  });

  it('refuses schemes that are not HTTP auth-scheme names', () => {
    for (const schemes of [[], ['Mac aroon'], [''], 'Bearer', [42]]) {
      expect(() => new Gateway({ rootKey: KEY, verifier: verifier(), schemes: schemes as never })).toThrow(
        InvalidArgumentError,
      );
    }
  });
});

describe('problem+json', () => {
  it('is RFC 9457 with the stable reason or code and nothing else', () => {
    const p = problemDetails({ status: 401, reason: 'caveat-not-satisfied' });
    expect(p.status).toBe(401);
    expect(p.headers['content-type']).toBe('application/problem+json');
    expect(p.headers['www-authenticate']).toBe('Macaroon reason="caveat-not-satisfied"');
    expect(JSON.parse(p.body)).toEqual({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      reason: 'caveat-not-satisfied',
    });
    expect(JSON.parse(problemDetails({ status: 503, code: 'ERR_ENGINE' }).body)).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      code: 'ERR_ENGINE',
    });
  });
});

let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});
async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('onDenied in every adapter', () => {
  const gateway = new Gateway({ rootKey: KEY, verifier: verifier() });
  const seen: Denial[] = [];
  const onDenied = (d: Denial) => {
    seen.push(d);
    return d.status === 401 ? d.problem : undefined;
  };
  const check = async (response: Response, bad: boolean) => {
    const body = await response.text();
    expect(body).not.toContain(token);
    expect(body).not.toContain(badToken);
    if (bad) {
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(JSON.parse(body)).toMatchObject({ status: 401, reason: 'signature-mismatch' });
    } else {
      // The hook returned nothing for a 400: the default answer, observed.
      expect(response.status).toBe(400);
      expect(JSON.parse(body)).toEqual({ error: 'malformed-token', code: 'ERR_DECODE' });
    }
  };

  it('Web handler', async () => {
    seen.length = 0;
    const handler = withMacaroonAuth(() => new Response('ok'), { gateway, onDenied });
    await check(await handler(request(`Macaroon ${badToken}`)), true);
    await check(await handler(request('Macaroon %%%')), false);
    expect(seen.map((d) => [d.status, d.reason ?? d.code])).toEqual([
      [401, 'signature-mismatch'],
      [400, 'ERR_DECODE'],
    ]);
  });

  it('Hono', async () => {
    const app = new Hono<{ Variables: MacaroonVariables }>();
    app.get('/', honoMacaroonAuth({ gateway, onDenied }), (c) =>
      c.text(String(c.get('macaroon').discharges.length)),
    );
    await check(await app.request('/', { headers: { authorization: `Macaroon ${badToken}` } }), true);
    await check(await app.request('/', { headers: { authorization: 'Macaroon %%%' } }), false);
    expect(await (await app.request('/', { headers: { authorization: `Macaroon ${token}` } })).text()).toBe(
      '0',
    );
  });

  it('node:http handler and middleware', async () => {
    const wrapped = await listen(
      createServer(withMacaroonAuthNode((_req, res) => void res.end('ok'), { gateway, onDenied })),
    );
    const middleware = macaroonMiddleware({ gateway, onDenied });
    const connect = await listen(createServer((req, res) => middleware(req, res, () => res.end('ok'))));
    for (const url of [wrapped, connect]) {
      await check(await fetch(url, { headers: { authorization: `Macaroon ${badToken}` } }), true);
      await check(await fetch(url, { headers: { authorization: 'Macaroon %%%' } }), false);
      expect(await (await fetch(url, { headers: { authorization: `Macaroon ${token}` } })).text()).toBe('ok');
    }
  });

  it('a hook that throws is a 500 without details (node:http)', async () => {
    const url = await listen(
      createServer(
        withMacaroonAuthNode((_req, res) => void res.end('ok'), {
          gateway,
          onError: () => {},
          onDenied: () => {
            throw new Error(`secret ${token}`);
          },
        }),
      ),
    );
    const r = await fetch(url, { headers: { authorization: `Macaroon ${badToken}` } });
    expect(r.status).toBe(500);
    expect(await r.text()).not.toContain(token);
  });
});
