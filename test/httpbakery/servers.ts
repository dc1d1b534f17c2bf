/**
 * A service and a discharger of this library on loopback (port 0), for the httpbakery tests: the
 * service answers `GET /accounts/:id` when the request carries a macaroon discharged by the discharger
 * (which approves `is-user alice` and declares user=alice), and the discharge-required error otherwise.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BakeryMacaroon, checkers, KeyPair, ThirdPartyStore } from '../../src/bakery/index.js';
import {
  createDischarger,
  DischargeRefusedError,
  InteractionRequiredError,
  withDischargeRequired,
} from '../../src/discharger/index.js';
import { Gateway } from '../../src/gateway/index.js';
import { Verifier } from '../../src/index.js';
import { fetchListener } from '../../src/node/index.js';

export interface Running {
  readonly url: string;
  close(): Promise<void>;
}

export function listen(handler: (request: Request) => Promise<Response> | Response): Promise<Running> {
  const server: Server = createServer(fetchListener(handler));
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}

export interface Flow {
  readonly api: Running;
  readonly discharger: Running;
  readonly tp: KeyPair;
  readonly minted: number[];
  close(): Promise<void>;
}

export async function startFlow(options: { interaction?: boolean } = {}): Promise<Flow> {
  const tp = KeyPair.generate();
  const discharger = await listen(
    createDischarger({
      key: tp,
      check: (condition, _request, { token }) => {
        if (options.interaction && !token) {
          throw new InteractionRequiredError('log in first', {
            methods: { test: { url: 'https://login.example' } },
          });
        }
        if (condition !== 'is-user alice') throw new DischargeRefusedError(`unknown condition ${condition}`);
        return [checkers.declaredCaveat('user', 'alice'), checkers.timeBeforeCaveat(Date.now() + 60_000)];
      },
    }).fetch,
  );
  const svc = KeyPair.generate();
  const rootKey = crypto.getRandomValues(new Uint8Array(24));
  const locator = new ThirdPartyStore().add(discharger.url, { publicKey: tp.public, version: 3 });
  const minted: number[] = [];
  const gateway = new Gateway({
    rootKey,
    verifier: new Verifier().satisfyChecker(checkers.std()),
  });
  const api = await listen(
    withDischargeRequired(
      async (request, auth) =>
        request.method === 'POST'
          ? new Response(await request.text())
          : Response.json({
              account: new URL(request.url).pathname.split('/')[2],
              discharges: auth.discharges.length,
            }),
      {
        gateway,
        mint: async (_request, version) => {
          minted.push(version);
          return BakeryMacaroon.create({
            rootKey,
            id: crypto.randomUUID(),
            location: 'api',
            version,
          }).addCaveats(
            [{ condition: 'declared user alice' }, { location: discharger.url, condition: 'is-user alice' }],
            { key: svc, locator },
          );
        },
      },
    ),
  );
  return {
    api,
    discharger,
    tp,
    minted,
    close: async () => {
      await api.close();
      await discharger.close();
    },
  };
}
