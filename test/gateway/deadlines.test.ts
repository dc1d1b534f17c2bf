/**
 * Deadlines: a root-key resolver, a facts function or a verification that never settles fails its
 * request closed (503, ERR_TIMEOUT) instead of holding it, and its socket, forever; each miss is
 * counted in gateway.stats and told to onTimeout. Real HTTP on loopback, a free port.
 */
import { once } from 'node:events';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  BatchVerifier,
  DEFAULT_HOOK_TIMEOUT_MS,
  Gateway,
  type GatewayOptions,
  type TimeoutEvent,
  withMacaroonAuth,
} from '../../src/gateway/index.js';
import { InvalidArgumentError, Macaroon, Verifier } from '../../src/index.js';
import { type NodeAuthOptions, withMacaroonAuthNode } from '../../src/node/index.js';

const ROOT_KEY = 'root key of the deadline tests';
const never = <T>(): Promise<T> => new Promise<T>(() => {});
const token = Macaroon.create('svc', ROOT_KEY, 'id').addFirstPartyCaveat('a = 1').serialize();
const authorization = `Macaroon ${token}`;

function verifier(): Verifier {
  return new Verifier().satisfyExact('a = 1');
}

/** Serves `listener` on a free loopback port for the duration of `run`. */
async function serve<T>(listener: RequestListener, run: (url: string) => Promise<T>): Promise<T> {
  const server = createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    return await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

async function get(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { headers: { authorization } });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

function gatewayWith(options: Partial<GatewayOptions>, events: TimeoutEvent[]): Gateway {
  return new Gateway({
    rootKey: ROOT_KEY,
    verifier: verifier(),
    timeoutMs: 200,
    onTimeout: (e) => events.push(e),
    ...options,
  });
}

function nodeServer(gateway: Gateway, facts?: NodeAuthOptions['facts']): RequestListener {
  return withMacaroonAuthNode(
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    },
    { gateway, onError: () => {}, ...(facts ? { facts } : {}) },
  );
}

const TIMED_OUT = { error: 'verification-unavailable', code: 'ERR_TIMEOUT' };

describe('a hook that never settles fails its request closed with 503', () => {
  it('a root-key resolver', async () => {
    const events: TimeoutEvent[] = [];
    const gateway = gatewayWith({ rootKey: never }, events);
    const answer = await serve(nodeServer(gateway), get);
    expect(answer).toEqual({ status: 503, body: TIMED_OUT });
    expect(events).toEqual([{ hook: 'root-key', timeoutMs: 200 }]);
    expect(gateway.stats.timeouts).toBe(1);
    expect(gateway.stats.timeoutsByHook).toEqual({ 'root-key': 1, facts: 0, verification: 0 });
  });

  it("the request's facts", async () => {
    const events: TimeoutEvent[] = [];
    const gateway = gatewayWith({}, events);
    const answer = await serve(nodeServer(gateway, never), get);
    expect(answer).toEqual({ status: 503, body: TIMED_OUT });
    expect(events).toEqual([{ hook: 'facts', timeoutMs: 200 }]);
    expect(gateway.stats.timeoutsByHook.facts).toBe(1);
  });

  it('the verification (a batch target, such as a worker pool, that never answers)', async () => {
    const events: TimeoutEvent[] = [];
    const gateway = gatewayWith({ verifier: new BatchVerifier(() => never()) }, events);
    const answer = await serve(nodeServer(gateway), get);
    expect(answer).toEqual({ status: 503, body: TIMED_OUT });
    expect(events).toEqual([{ hook: 'verification', timeoutMs: 200 }]);
    expect(gateway.stats.timeoutsByHook.verification).toBe(1);
  });

  it('through the Web-standard adapter as well', async () => {
    const events: TimeoutEvent[] = [];
    const gateway = gatewayWith({ rootKey: async () => never() }, events);
    const handler = withMacaroonAuth(() => new Response('ok'), { gateway });
    const res = await handler(new Request('http://localhost/', { headers: { authorization } }));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual(TIMED_OUT);
    expect(gateway.stats.timeouts).toBe(1);
  });

  it(`by default, after ${DEFAULT_HOOK_TIMEOUT_MS} ms`, async () => {
    const gateway = new Gateway({ rootKey: never, verifier: verifier() });
    const answer = await serve(nodeServer(gateway), get);
    expect(answer).toEqual({ status: 503, body: TIMED_OUT });
    expect(gateway.stats.timeouts).toBe(1);
  });
});

describe('hooks that settle in time are unaffected', () => {
  it('a slow resolver and slow facts within the deadline authorize', async () => {
    const events: TimeoutEvent[] = [];
    const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 20));
    const gateway = gatewayWith({ rootKey: () => later(ROOT_KEY), timeoutMs: 5000 }, events);
    const answer = await serve(
      nodeServer(gateway, () => later({})),
      get,
    );
    expect(answer).toEqual({ status: 200, body: { ok: true } });
    expect(events).toEqual([]);
    expect(gateway.stats.timeouts).toBe(0);
  });

  it('a facts function that fails is the application’s failure (500), not a timeout', async () => {
    const gateway = gatewayWith({}, []);
    const answer = await serve(
      nodeServer(gateway, () => Promise.reject(new Error('bug'))),
      get,
    );
    expect(answer.status).toBe(500);
    expect(gateway.stats.timeouts).toBe(0);
  });

  it('an observer that throws does not change the answer', async () => {
    const gateway = new Gateway({
      rootKey: never,
      verifier: verifier(),
      timeoutMs: 50,
      onTimeout: () => {
        throw new Error('observer bug');
      },
    });
    const d = await gateway.authorize(new Headers({ authorization }));
    expect(d).toEqual({ status: 503, code: 'ERR_TIMEOUT' });
  });

  it('refuses a deadline that is not a positive number of milliseconds', () => {
    for (const timeoutMs of [0, -1, Number.NaN, 2 ** 31, '100']) {
      expect(
        () => new Gateway({ rootKey: ROOT_KEY, verifier: verifier(), timeoutMs: timeoutMs as number }),
      ).toThrow(InvalidArgumentError);
    }
    expect(
      () => new Gateway({ rootKey: ROOT_KEY, verifier: verifier(), timeoutMs: Number.POSITIVE_INFINITY }),
    ).not.toThrow();
  });
});
