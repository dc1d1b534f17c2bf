/**
 * The discharger's answers to what httpbakery clients send, and to what they must not: every bad
 * request gets httpbakery's error JSON with a 4xx, never a 500 or a stack trace.
 */
import { describe, expect, it } from 'vitest';
import { BakeryMacaroon, checkers, KeyPair, ThirdPartyStore } from '../../src/bakery/index.js';
import { base64StdEncode, base64UrlEncode } from '../../src/codec/base64.js';
import { createDischarger } from '../../src/discharger/index.js';

const tp = KeyPair.generate();
const svc = KeyPair.generate();
const discharger = createDischarger({ key: tp, check: () => [checkers.declaredCaveat('user', 'alice')] });
const locator = new ThirdPartyStore().add('https://tp.example', { publicKey: tp.public, version: 3 });

function post(body: string, headers: Record<string, string> = {}): Promise<Response> {
  return discharger.fetch(
    new Request('https://tp.example/discharge', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    }),
  );
}

async function caveat(version: 1 | 2 | 3) {
  const m = await BakeryMacaroon.create({ rootKey: 'k', id: 'x', version }).addCaveat(
    { location: 'https://tp.example', condition: 'is-user alice' },
    { key: svc, locator },
  );
  const id = (m.macaroon.thirdPartyCaveats()[0] as { identifier: Uint8Array }).identifier;
  return { id, payload: m.caveatPayload(id) };
}

describe('POST /discharge', () => {
  it('discharges v1 (id as text), v2 (id64) and v3 (id64 + caveat64, either base64 alphabet)', async () => {
    for (const version of [1, 2, 3] as const) {
      const { id, payload } = await caveat(version);
      const form = new URLSearchParams();
      if (version === 1) form.set('id', new TextDecoder().decode(id));
      else form.set('id64', version === 2 ? base64UrlEncode(id) : base64StdEncode(id));
      if (payload) form.set('caveat64', base64StdEncode(payload));
      const r = await post(form.toString());
      expect(r.status).toBe(200);
      const d = BakeryMacaroon.fromJSON((await r.json()).Macaroon);
      expect(d.version).toBe(version);
      expect(d.macaroon.identifier).toEqual(id);
      expect(d.macaroon.location).toBe('');
    }
  });

  const bad: [string, () => Promise<Response>, number, RegExp][] = [
    ['not a form', () => post('{}', { 'content-type': 'application/json' }), 415, /not a form/],
    ['no id', () => post('caveat64=AAAA'), 400, /no caveat id/],
    ['bad base64', () => post('id64=***'), 400, /bad base64/],
    [
      'a caveat for another key',
      async () => {
        const other = KeyPair.generate();
        const m = await BakeryMacaroon.create({ rootKey: 'k', id: 'x', version: 2 }).addCaveat(
          { location: 'https://tp.example', condition: 'c' },
          {
            key: svc,
            locator: new ThirdPartyStore().add('https://tp.example', { publicKey: other.public, version: 2 }),
          },
        );
        return post(
          `id64=${base64UrlEncode((m.macaroon.thirdPartyCaveats()[0] as { identifier: Uint8Array }).identifier)}`,
        );
      },
      400,
      /public key mismatch/,
    ],
    ['a v3 id without its payload', () => post('id64=AwA'), 400, /payload not provided/],
    ['a body over the limit', () => post(`id=${'a'.repeat(20_000)}`), 413, /over/],
    [
      'too many fields',
      () => post(Array.from({ length: 40 }, (_, i) => `f${i}=1`).join('&')),
      400,
      /form fields/,
    ],
    ['a token without its kind', () => post('id=x&token=abc'), 400, /without token kind/],
  ];
  for (const [name, send, status, message] of bad) {
    it(`${name}: ${status} with httpbakery's error JSON`, async () => {
      const r = await send();
      expect(r.status).toBe(status);
      expect(r.headers.get('content-type')).toBe('application/json');
      const body = await r.json();
      expect(body.Code).toBe('bad request');
      expect(body.Message).toMatch(message);
      expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
    });
  }
});

describe('GET endpoints', () => {
  it('/discharge/info and /publickey', async () => {
    expect(await (await discharger.fetch(new Request('https://tp.example/discharge/info'))).json()).toEqual({
      PublicKey: String(tp.public),
      Version: 3,
    });
    expect(await (await discharger.fetch(new Request('https://tp.example/publickey'))).json()).toEqual({
      PublicKey: String(tp.public),
    });
    expect((await discharger.fetch(new Request('https://tp.example/other'))).status).toBe(404);
    expect((await discharger.fetch(new Request('https://tp.example/discharge'))).status).toBe(405);
  });
});
