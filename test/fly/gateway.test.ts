// FlyGateway and withFlyAuth: FlyV1 (and Bearer) headers verified per request, decisions and responses.
import { describe, expect, it } from 'vitest';
import { FlyGateway, FlyMacaroon, toFlyHeader, withFlyAuth } from '../../src/fly/index.js';

const key = new Uint8Array(32).fill(4);
const kid = new TextEncoder().encode('org-7-key-1');
const token = FlyMacaroon.create({ key, kid, location: 'https://api.fly.io/v1' }).attenuate([
  { type: 'Organization', body: { id: 7, mask: 'r' } },
]);
const headers = (value?: string) => new Headers(value === undefined ? {} : { authorization: value });
const read = { action: 'r', orgid: 7 };

describe('FlyGateway', () => {
  const gateway = new FlyGateway({
    keys: async (k) => (new TextDecoder().decode(k) === 'org-7-key-1' ? key : undefined),
  });

  it('authorizes a FlyV1 header with an async key lookup, and a Bearer one', async () => {
    const ok = await gateway.authorize(headers(toFlyHeader([token])), read);
    expect(ok.status).toBe(200);
    if (ok.status === 200) expect(ok.caveats).toEqual([{ type: 'Organization', body: { id: 7, mask: 'r' } }]);
    expect((await gateway.authorize(headers(`Bearer ${token.encode()}`), read)).status).toBe(200);
  });

  it('answers 401 with the reason and stage, 400 for a malformed header, 401 missing-token otherwise', async () => {
    expect(await gateway.authorize(headers(toFlyHeader([token])), { action: 'w', orgid: 7 })).toEqual({
      status: 401,
      reason: 'denied',
      stage: 'validate',
    });
    const other = FlyMacaroon.create({ key, kid: new Uint8Array([9]), location: 'https://api.fly.io/v1' });
    expect(await gateway.authorize(headers(toFlyHeader([other])), read)).toEqual({
      status: 401,
      reason: 'unknown-key',
      stage: 'select',
    });
    expect(await gateway.authorize(headers('FlyV1 fm2_!!!!'), read)).toEqual({
      status: 400,
      code: 'ERR_DECODE',
    });
    expect(await gateway.authorize(headers(), read)).toEqual({ status: 401, reason: 'missing-token' });
    expect(await gateway.authorize(headers('Macaroon abc'), read)).toEqual({
      status: 401,
      reason: 'missing-token',
    });
  });

  it('answers 503 when the key lookup fails', async () => {
    const broken = new FlyGateway({
      keys: async () => {
        throw new Error('database down');
      },
    });
    expect(await broken.authorize(headers(toFlyHeader([token])), read)).toEqual({
      status: 503,
      code: 'ERR_KEY_LOOKUP',
    });
  });
});

describe('withFlyAuth', () => {
  const handler = withFlyAuth((_req, auth) => new Response(`hello ${auth.caveats.length}`), {
    gateway: new FlyGateway({ keys: key }),
    access: (req) => ({ action: req.method === 'GET' ? 'r' : 'w', orgid: 7 }),
  });

  it('runs the handler only when the token allows the request', async () => {
    const ok = await handler(new Request('https://x/', { headers: { authorization: toFlyHeader([token]) } }));
    expect([ok.status, await ok.text()]).toEqual([200, 'hello 1']);
    const denied = await handler(
      new Request('https://x/', { method: 'POST', headers: { authorization: toFlyHeader([token]) } }),
    );
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toBe('FlyV1 reason="denied"');
    expect(await denied.json()).toEqual({ error: 'unauthorized', reason: 'denied' });
  });
});
