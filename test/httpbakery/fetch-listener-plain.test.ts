/**
 * fetchListener serves the discharger's plain form on node:http (Node's headers and body read directly,
 * the answer written as is, no Web Request/Response): every endpoint answers exactly as the Web handler
 * does, bodies over the limit are refused whether or not their length is declared, CORS applies, and
 * the check still receives a Request with the method, URL and headers.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BakeryMacaroon, checkers, KeyPair, ThirdPartyStore } from '../../src/bakery/index.js';
import { base64UrlEncode } from '../../src/codec/base64.js';
import { createDischarger, DischargeRefusedError } from '../../src/discharger/index.js';
import { fetchListener } from '../../src/node/index.js';
import { loadEngines } from '../engines.js';

beforeAll(loadEngines);

const APP = 'http://app.test';
const seen: { url: string; method: string; user: string | null; hasBody: boolean }[] = [];
const tp = KeyPair.generate();
const discharger = createDischarger({
  key: tp,
  prefix: '/auth',
  maxBodyBytes: 2048,
  check: (condition, request) => {
    seen.push({
      url: request.url,
      method: request.method,
      user: request.headers.get('x-user'),
      hasBody: request.body !== null,
    });
    if (condition !== 'is-user alice') throw new DischargeRefusedError('no');
    return [checkers.declaredCaveat('user', 'alice')];
  },
  cors: { origins: [APP] },
});

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer(fetchListener(discharger.fetch));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

async function form(condition: string): Promise<string> {
  const locator = new ThirdPartyStore().add('https://tp.test', { publicKey: tp.public, version: 3 });
  const m = await BakeryMacaroon.create({ rootKey: 'k', id: 'x', version: 3 }).addCaveat(
    { location: 'https://tp.test', condition },
    { key: KeyPair.generate(), locator },
  );
  const id = m.macaroon.thirdPartyCaveats()[0]?.identifier as Uint8Array;
  return `id64=${base64UrlEncode(id)}&caveat64=${base64UrlEncode(m.caveatPayload(id) as Uint8Array)}`;
}

/** The same request over node:http and to the Web handler: status, headers and body must agree. */
async function both(path: string, init: RequestInit = {}) {
  const overHttp = await fetch(`${base}${path}`, init);
  const direct = await discharger.fetch(new Request(`${base}${path}`, init));
  const pick = (r: Response) => ({
    status: r.status,
    type: r.headers.get('content-type'),
    allow: r.headers.get('allow'),
    acao: r.headers.get('access-control-allow-origin'),
    vary: r.headers.get('vary'),
  });
  const a = { ...pick(overHttp), body: await overHttp.text() };
  const b = { ...pick(direct), body: await direct.text() };
  return { a, b };
}

describe('the discharger through fetchListener (plain path)', () => {
  it.each([
    ['GET', '/auth/discharge/info'],
    ['GET', '/auth/publickey'],
    ['POST', '/auth/discharge/info'],
    ['GET', '/auth/discharge'],
    ['GET', '/elsewhere'],
  ])('%s %s answers as the Web handler does', async (method, path) => {
    const { a, b } = await both(path, { method, headers: { origin: APP } });
    expect(a).toEqual(b);
    expect(a.acao).toBe(APP);
  });

  it('a discharge: 200 with the macaroon; the check got method, URL and headers, no body', async () => {
    seen.length = 0;
    const r = await fetch(`${base}/auth/discharge?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-user': 'alice' },
      body: await form('is-user alice'),
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-length')).toBe(String((await r.clone().arrayBuffer()).byteLength));
    const body = await r.json();
    expect(BakeryMacaroon.fromJSON(body.Macaroon).macaroon.caveats).toHaveLength(1);
    expect(seen).toEqual([
      { url: `${base}/auth/discharge?x=1`, method: 'POST', user: 'alice', hasBody: false },
    ]);
  });

  it('refusals and bad requests answer as the Web handler does', async () => {
    const refused = await both('/auth/discharge', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'bakery-protocol-version': '3' },
      body: await form('is-user mallory'),
    });
    expect(refused.a).toEqual(refused.b);
    expect(refused.a.status).toBe(401);
    const notForm = await both('/auth/discharge', { method: 'POST', body: 'id=x' });
    expect(notForm.a.status).toBe(415);
    expect(notForm.a).toEqual(notForm.b);
    const badBase64 = await both('/auth/discharge', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'id64=***',
    });
    expect(badBase64.a.status).toBe(400);
    expect(badBase64.a).toEqual(badBase64.b);
  });

  it('a body over maxBodyBytes is a 413, declared or streamed, and the connection is closed', async () => {
    const big = `id64=${'A'.repeat(4000)}`;
    const declared = await fetch(`${base}/auth/discharge`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(declared.headers.get('connection')).toBe('close');
    expect((await declared.json()).Code).toBe('bad request');
    // Chunked: no Content-Length, so the limit applies while reading.
    const chunked = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
      const req = httpRequest(`${base}/auth/discharge`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode, body }));
      });
      req.on('error', reject);
      for (let i = 0; i < 8; i++) req.write('A'.repeat(500));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).Message).toMatch(/over 2048 bytes/);
  });

  it('a CORS preflight is answered on the plain path too', async () => {
    const { a, b } = await both('/auth/discharge', {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'POST' },
    });
    expect(a.status).toBe(204);
    expect(a).toEqual(b);
  });

  it('a handler without a plain form still goes through Web Requests', async () => {
    const web = createServer(fetchListener((request) => discharger.fetch(request)));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    try {
      seen.length = 0;
      const port = (web.address() as AddressInfo).port;
      const r = await fetch(`http://127.0.0.1:${port}/auth/discharge`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: await form('is-user alice'),
      });
      expect(r.status).toBe(200);
      // The Web path hands the check the Request itself, its body read.
      expect(seen[0]?.hasBody).toBe(true);
    } finally {
      web.closeAllConnections();
      web.close();
    }
  });
});
