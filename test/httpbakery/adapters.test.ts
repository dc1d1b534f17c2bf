/**
 * The discharger mounted in node:http, Express, Fastify and Hono, as the README shows: each serves the
 * httpbakery endpoints (the same fetch handler), and our client discharges through it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { BakeryMacaroon, checkers, KeyPair, ThirdPartyStore } from '../../src/bakery/index.js';
import { BakeryClient } from '../../src/client/index.js';
import { createDischarger } from '../../src/discharger/index.js';
import { fetchListener } from '../../src/node/index.js';

const tp = KeyPair.generate();
const discharger = createDischarger({ key: tp, check: () => [checkers.declaredCaveat('user', 'alice')] });

function serve(server: Server): Promise<{ url: string; close: () => void }> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => {
          server.closeAllConnections();
          server.close();
        },
      }),
    ),
  );
}

const mounts: Record<string, () => Promise<{ url: string; close: () => void }>> = {
  'node:http': () => serve(createServer(fetchListener(discharger.fetch))),
  Express: () => {
    const app = express();
    app.use(fetchListener(discharger.fetch));
    return serve(createServer(app));
  },
  Fastify: async () => {
    const app = Fastify();
    // Before Fastify parses the body: the handler reads the request itself.
    app.addHook('onRequest', (request, reply, done) => {
      reply.hijack();
      fetchListener(discharger.fetch)(request.raw, reply.raw);
      done();
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, close: () => void app.close() };
  },
  Hono: () => {
    const app = new Hono();
    app.all('*', (c) => discharger.fetch(c.req.raw));
    return serve(createServer(fetchListener(app.fetch)));
  },
};

describe('the discharger behind each framework', () => {
  for (const [name, mount] of Object.entries(mounts)) {
    it(`${name}: /discharge/info and a discharge through our client`, async () => {
      const { url, close } = await mount();
      try {
        expect(await (await fetch(`${url}/discharge/info`)).json()).toEqual({
          PublicKey: String(tp.public),
          Version: 3,
        });
        const locator = new ThirdPartyStore().add(url, { publicKey: tp.public, version: 3 });
        const m = await BakeryMacaroon.create({ rootKey: 'k', id: 'x' }).addCaveat(
          { location: url, condition: 'is-user alice' },
          { key: KeyPair.generate(), locator },
        );
        const [, d] = await new BakeryClient({ allowInsecure: true }).dischargeAll(m);
        expect(d?.caveats.map((c) => new TextDecoder().decode(c.identifier))).toEqual([
          'declared user alice',
        ]);
      } finally {
        close();
      }
    });
  }
});
