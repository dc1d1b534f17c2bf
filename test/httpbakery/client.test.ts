/**
 * The httpbakery flow with this library on both ends, over real loopback HTTP: the service answers 401
 * discharge-required, the client discharges at the discharger, binds, retries and gets 200; the client's
 * bounds, interaction-required as a typed error with a hook, and refusals.
 */
import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BakeryMacaroon, KeyPair } from '../../src/bakery/index.js';
import { BakeryClient, DischargeError, InteractionRequiredError } from '../../src/client/index.js';
import { LimitExceededError } from '../../src/index.js';
import { loadEngines } from '../engines.js';
import { type Flow, listen, startFlow } from './servers.js';

beforeAll(loadEngines);

describe('our client, our service, our discharger', () => {
  let flow: Flow;
  beforeAll(async () => {
    flow = await startFlow();
  });
  afterAll(() => flow.close());

  it('401 with the discharge-required error, as httpbakery writes it', async () => {
    const r = await fetch(`${flow.api.url}/accounts/42`, { headers: { 'Bakery-Protocol-Version': '3' } });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Macaroon');
    expect(r.headers.get('content-type')).toBe('application/json');
    const body = await r.json();
    expect(body.Code).toBe('macaroon discharge required');
    expect(body.Info.CookieNameSuffix).toBe('auth');
    expect(body.Info.MacaroonPath).toBe('/');
    expect(BakeryMacaroon.fromJSON(body.Info.Macaroon).version).toBe(3);
  });

  it('a version-0 client gets 407 and a version-1 macaroon for version 1', async () => {
    // undici's fetch turns any 407 into a network error, so ask node:http.
    const status = await new Promise<number | undefined>((resolve, reject) =>
      get(`${flow.api.url}/accounts/42`, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).on('error', reject),
    );
    expect(status).toBe(407);
    const r = await fetch(`${flow.api.url}/accounts/42`, { headers: { 'Bakery-Protocol-Version': '1' } });
    expect(r.status).toBe(401);
    expect(BakeryMacaroon.fromJSON((await r.json()).Info.Macaroon).version).toBe(1);
  });

  it('the client discharges, retries once and gets 200; the next request needs no discharge', async () => {
    const client = new BakeryClient({ allowInsecure: true, timeoutMs: 20_000 });
    const before = flow.minted.length;
    const r = await client.fetch(`${flow.api.url}/accounts/42`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ account: '42', discharges: 1 });
    const again = await client.fetch(`${flow.api.url}/accounts/43`);
    expect(again.status).toBe(200);
    expect(flow.minted.length - before).toBe(1);
  });

  it('a request body is sent again on the retry', async () => {
    const client = new BakeryClient({ allowInsecure: true });
    const r = await client.fetch(`${flow.api.url}/accounts/9`, { method: 'POST', body: 'the body' });
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('the body');
  });

  it('third-party info from /discharge/info, and /publickey', async () => {
    const client = new BakeryClient({ allowInsecure: true });
    const info = await client.thirdPartyInfo(flow.discharger.url);
    expect(info.publicKey.equals(flow.tp.public)).toBe(true);
    expect(info.version).toBe(3);
    const legacy = await (await fetch(`${flow.discharger.url}/publickey`)).json();
    expect(legacy).toEqual({ PublicKey: String(flow.tp.public) });
  });

  it('refuses http third parties unless allowInsecure', async () => {
    await expect(new BakeryClient().fetch(`${flow.api.url}/accounts/1`)).rejects.toThrow(/not https/);
  });

  it('a discharger refusal is a DischargeError with the httpbakery code', async () => {
    const client = new BakeryClient({ allowInsecure: true });
    const kp = KeyPair.generate();
    const m = await BakeryMacaroon.create({ rootKey: 'k', id: 'x' }).addCaveat(
      { location: flow.discharger.url, condition: 'is-user mallory' },
      { key: kp, locator: { thirdPartyInfo: () => ({ publicKey: flow.tp.public, version: 3 }) } },
    );
    const error = await client.dischargeAll(m).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DischargeError);
    expect((error as DischargeError).status).toBe(401);
    expect((error as DischargeError).bakeryCode).toBe('permission denied');
  });

  it('bounds: a timeout aborts, and responses over maxResponseBytes are refused', async () => {
    const slow = await listen(
      () => new Promise<Response>((r) => setTimeout(() => r(new Response('late')), 2000)),
    );
    try {
      const client = new BakeryClient({ timeoutMs: 100 });
      await expect(client.fetch(slow.url)).rejects.toThrow(/abort|timeout/i);
    } finally {
      await slow.close();
    }
    const client = new BakeryClient({ allowInsecure: true, maxResponseBytes: 100 });
    await expect(client.fetch(`${flow.api.url}/accounts/1`)).rejects.toThrow(LimitExceededError);
  });
});

describe('interaction required', () => {
  let flow: Flow;
  beforeAll(async () => {
    flow = await startFlow({ interaction: true });
  });
  afterAll(() => flow.close());

  it('surfaces as a typed error carrying the methods offered', async () => {
    const client = new BakeryClient({ allowInsecure: true });
    const error = await client.fetch(`${flow.api.url}/accounts/1`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InteractionRequiredError);
    expect((error as InteractionRequiredError).interaction.methods).toEqual({
      test: { url: 'https://login.example' },
    });
    expect((error as InteractionRequiredError).location).toBe(flow.discharger.url);
  });

  it('the interact hook supplies a token and the discharge is retried with it', async () => {
    const seen: string[] = [];
    const client = new BakeryClient({
      allowInsecure: true,
      interact: async (e) => {
        seen.push(e.message);
        return { kind: 'test', value: 'token-1' };
      },
    });
    const r = await client.fetch(`${flow.api.url}/accounts/7`);
    expect(r.status).toBe(200);
    expect(seen).toEqual(['log in first']);
  });
});
