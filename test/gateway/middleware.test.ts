/** The adapters: Web handlers (src/gateway/web.ts), Hono (src/gateway/hono.ts), node:http and connect (src/node/http.ts). */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { honoMacaroonAuth } from '../../src/gateway/hono.js';
import { BatchVerifier, Gateway, withMacaroonAuth } from '../../src/gateway/index.js';
import type { Macaroon } from '../../src/index.js';
import { type AuthorizedRequest, macaroonMiddleware, withMacaroonAuthNode } from '../../src/node/http.js';

import { accountFacts, accountToken, accountVerifier, ROOT_KEY } from './fixtures.js';

describe('middleware', () => {
  const gateway = new Gateway({ rootKey: ROOT_KEY, verifier: new BatchVerifier(accountVerifier()) });
  const account = (url: string) => /\/accounts\/([^/?]+)/.exec(url)?.[1] ?? '';
  const valid = accountToken('42').serialize();
  const wrongKey = accountToken('42', 'not the root key').serialize();
  // [authorization header, expected status, expected reason]
  const cases: [string | undefined, number, string | undefined][] = [
    [`Macaroon ${valid}`, 200, undefined],
    [`Macaroon ${wrongKey}`, 401, 'signature-mismatch'],
    [`Macaroon ${accountToken('43').serialize()}`, 401, 'caveat-not-satisfied'],
    [undefined, 401, 'missing-token'],
    ['Macaroon AgE', 400, undefined],
  ];

  async function check(res: Response, status: number, reason: string | undefined): Promise<void> {
    expect(res.status).toBe(status);
    const text = await res.text();
    if (status === 401) {
      expect(res.headers.get('www-authenticate')).toBe(`Macaroon reason="${reason}"`);
      expect(JSON.parse(text)).toEqual({ error: 'unauthorized', reason });
    } else {
      expect(res.headers.get('www-authenticate')).toBeNull();
    }
    if (status === 400) expect(JSON.parse(text)).toEqual({ error: 'malformed-token', code: 'ERR_DECODE' });
    if (status === 200) expect(JSON.parse(text)).toEqual({ account: '42', identifier: 'key-1:abc' });
    // Never the token or the root key in an answer.
    expect(text).not.toContain(valid.slice(0, 20));
    expect(text).not.toContain(ROOT_KEY);
  }

  it('Web-standard handler: 200 / 401 with WWW-Authenticate / 400', async () => {
    const handler = withMacaroonAuth(
      (request, auth) =>
        Response.json({
          account: account(request.url),
          identifier: new TextDecoder().decode(auth.macaroon.identifier),
        }),
      { gateway, facts: (request) => accountFacts(account(request.url)) },
    );
    for (const [authorization, status, reason] of cases) {
      const res = await handler(
        new Request('http://gateway.test/accounts/42', { headers: authorization ? { authorization } : {} }),
      );
      await check(res, status, reason);
    }
  });

  it('Hono middleware: 200 / 401 with WWW-Authenticate / 400', async () => {
    const app = new Hono<{ Variables: { macaroon: { macaroon: Macaroon } } }>();
    app.use(
      '/accounts/:id',
      honoMacaroonAuth({ gateway, facts: (c) => accountFacts(c.req.param('id') ?? '') }),
    );
    app.get('/accounts/:id', (c) =>
      c.json({
        account: c.req.param('id'),
        identifier: new TextDecoder().decode(c.get('macaroon').macaroon.identifier),
      }),
    );
    for (const [authorization, status, reason] of cases) {
      const res = await app.request('/accounts/42', { headers: authorization ? { authorization } : {} });
      await check(res, status, reason);
    }
  });

  describe('node:http', () => {
    let server: Server | undefined;
    afterEach(async () => {
      server?.closeAllConnections();
      server?.close();
      if (server) await once(server, 'close');
      server = undefined;
    });

    async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
      server = createServer(handler);
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }

    const send = (res: import('node:http').ServerResponse, body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };

    it('withMacaroonAuthNode: 200 / 401 with WWW-Authenticate / 400', async () => {
      const url = await serve(
        withMacaroonAuthNode(
          (req, res, auth) =>
            send(res, {
              account: account(req.url ?? ''),
              identifier: new TextDecoder().decode(auth.macaroon.identifier),
            }),
          { gateway, facts: (req) => accountFacts(account(req.url ?? '')) },
        ),
      );
      for (const [authorization, status, reason] of cases) {
        const res = await fetch(`${url}/accounts/42`, { headers: authorization ? { authorization } : {} });
        await check(res, status, reason);
      }
    });

    it('connect-style macaroonMiddleware sets req.macaroon and calls next', async () => {
      const middleware = macaroonMiddleware({
        gateway,
        facts: (req) => accountFacts(account(req.url ?? '')),
      });
      const url = await serve((req, res) =>
        middleware(req, res, () => {
          const auth = (req as AuthorizedRequest).macaroon;
          send(res, {
            account: account(req.url ?? ''),
            identifier: new TextDecoder().decode(auth?.macaroon.identifier),
          });
        }),
      );
      for (const [authorization, status, reason] of cases) {
        const res = await fetch(`${url}/accounts/42`, { headers: authorization ? { authorization } : {} });
        await check(res, status, reason);
      }
    });

    it('answers a bare 500 when the application’s facts function throws', async () => {
      const errors: unknown[] = [];
      const url = await serve(
        withMacaroonAuthNode(() => undefined, {
          gateway,
          facts: () => {
            throw new Error('secret detail');
          },
          onError: (e) => errors.push(e),
        }),
      );
      const res = await fetch(`${url}/accounts/42`, { headers: { authorization: `Macaroon ${valid}` } });
      expect(res.status).toBe(500);
      expect(await res.text()).not.toContain('secret detail');
      expect(errors).toHaveLength(1);
    });
  });
});
