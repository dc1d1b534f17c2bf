/**
 * A request the gateway authorizes is decoded once, inside the verifier: the gateway and its adapters
 * hand the application a decision whose macaroons are decoded only if the application reads them.
 */
import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { honoMacaroonAuth } from '../../src/gateway/hono.js';
import { BatchVerifier, Gateway } from '../../src/gateway/index.js';
import { Macaroon, Verifier } from '../../src/index.js';
import { type AuthorizedRequest, macaroonMiddleware } from '../../src/node/http.js';

const ROOT_KEY = 'a root key for the decode-once tests';
const token = Macaroon.create('', ROOT_KEY, 'id').addFirstPartyCaveat('action = read').serialize();
const gateway = () =>
  new Gateway({
    rootKey: ROOT_KEY,
    verifier: new BatchVerifier(new Verifier().satisfyExact('action = read')),
  });

afterEach(() => vi.restoreAllMocks());

describe('a 200 is not decoded again', () => {
  it('by the Hono middleware, unless the handler reads the macaroon', async () => {
    const app = new Hono<{ Variables: { macaroon: { macaroon: Macaroon } } }>();
    app.use(honoMacaroonAuth({ gateway: gateway() }));
    let read = false;
    app.get('/lazy', (c) => c.text(c.get('macaroon') ? 'ok' : 'missing'));
    app.get('/reads', (c) => {
      read = c.get('macaroon').macaroon instanceof Macaroon;
      return c.text('ok');
    });
    const decode = vi.spyOn(Macaroon, 'deserializeBundle');
    const res = await app.request('/lazy', { headers: { authorization: `Macaroon ${token}` } });
    expect(res.status).toBe(200);
    expect(decode).not.toHaveBeenCalled();
    expect((await app.request('/reads', { headers: { authorization: `Macaroon ${token}` } })).status).toBe(
      200,
    );
    expect(read).toBe(true);
    expect(decode).toHaveBeenCalledTimes(1);
  });

  it('by the connect-style middleware, unless the application reads req.macaroon', async () => {
    const middleware = macaroonMiddleware({ gateway: gateway() });
    const decode = vi.spyOn(Macaroon, 'deserializeBundle');
    const req = { headers: { authorization: `Macaroon ${token}` } } as unknown as AuthorizedRequest;
    await new Promise<void>((resolve, reject) => {
      middleware(req, {} as never, (e) => (e ? reject(e) : resolve()));
    });
    expect(req.macaroon).toBeDefined();
    expect(decode).not.toHaveBeenCalled();
    expect(new TextDecoder().decode(req.macaroon?.macaroon.identifier)).toBe('id');
    expect(decode).toHaveBeenCalledTimes(1);
  });
});
