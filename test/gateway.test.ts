import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { base64StdEncode } from '../src/codec/base64.js';
import { honoMacaroonAuth } from '../src/gateway/hono.js';
import {
  BatchVerifier,
  type BundleItem,
  type BundleTarget,
  denial,
  extractTokens,
  Gateway,
  KeyLookupError,
  KeyStore,
  MicroBatcher,
  timeBefore,
  UnknownRootKeyError,
  withMacaroonAuth,
} from '../src/gateway/index.js';
import {
  type BatchItem,
  type BatchResult,
  DecodeError,
  EngineError,
  Macaroon,
  type NotAuthorizedError,
  Verifier,
  type VerifyOptions,
} from '../src/index.js';
import { type AuthorizedRequest, macaroonMiddleware, withMacaroonAuthNode } from '../src/node/http.js';

const ROOT_KEY = 'gateway test root key, 32 bytes!';
const HOUR = 3600_000;

function headers(init: Record<string, string>): Headers {
  return new Headers(init);
}

function accountToken(account: string, rootKey: string | Uint8Array = ROOT_KEY, id = 'key-1:abc'): Macaroon {
  return Macaroon.create('https://gateway.example/', rootKey, id)
    .addFirstPartyCaveat(`account = ${account}`)
    .addFirstPartyCaveat('action = read')
    .addFirstPartyCaveat(`time < ${new Date(Date.now() + HOUR).toISOString()}`);
}

/** A root macaroon with a third-party caveat and its discharge, bound or not. */
function withDischarge(account: string, bind = true): Macaroon[] {
  const root = accountToken(account).addThirdPartyCaveat('https://auth.example/', 'caveat key', 'tp-1');
  const discharge = Macaroon.create('https://auth.example/', 'caveat key', 'tp-1');
  return [root, bind ? root.prepareForRequest(discharge) : discharge];
}

function accountVerifier(): Verifier {
  return new Verifier().satisfyExact('action = read').satisfyGeneral(timeBefore);
}

function accountFacts(account: string): VerifyOptions {
  return { exact: [`account = ${account}`] };
}

describe('MicroBatcher', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('flushes as soon as a batch reaches maxBatchSize', async () => {
    const batches: number[][] = [];
    const never = () => undefined; // no time-based flush: only the size can trigger one
    const b = new MicroBatcher(
      (items: number[]) => {
        batches.push(items);
        return items.map((i) => i * 10);
      },
      { maxBatchSize: 3, maxWaitMs: 1000, schedule: never },
    );
    const first = [b.submit(1), b.submit(2)];
    expect(batches).toEqual([]);
    first.push(b.submit(3));
    expect(batches).toEqual([[1, 2, 3]]);
    const fourth = b.submit(4);
    expect(b.pending).toBe(1);
    expect(await Promise.all(first)).toEqual([10, 20, 30]);
    b.flush();
    expect(await fourth).toBe(40);
    expect(b.stats).toEqual({ batches: 2, items: 4 });
  });

  it('flushes maxWaitMs after the first item of a batch', async () => {
    vi.useFakeTimers();
    const batches: string[][] = [];
    const b = new MicroBatcher(
      (items: string[]) => {
        batches.push(items);
        return items;
      },
      { maxBatchSize: 100, maxWaitMs: 20, schedule: (run, ms) => setTimeout(run, ms) },
    );
    const a = b.submit('a');
    vi.advanceTimersByTime(10);
    const c = b.submit('c');
    vi.advanceTimersByTime(9);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([['a', 'c']]);
    expect(await Promise.all([a, c])).toEqual(['a', 'c']);
  });

  it('by default runs a batch at the end of the current turn, holding every item submitted in it', async () => {
    const batches: number[][] = [];
    const b = new MicroBatcher((items: number[]) => {
      batches.push(items);
      return items;
    });
    const all = [1, 2, 3, 4, 5].map((i) => b.submit(i));
    expect(batches).toEqual([]);
    await Promise.all(all);
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('does not let the timer of a batch flushed by size cut the next batch short', () => {
    const timers: (() => void)[] = [];
    const batches: number[][] = [];
    const b = new MicroBatcher(
      (items: number[]) => {
        batches.push(items);
        return items;
      },
      { maxBatchSize: 2, maxWaitMs: 5, schedule: (run) => timers.push(run) },
    );
    void b.submit(1);
    void b.submit(2); // flushed by size; the timer scheduled for item 1 is now stale
    void b.submit(3);
    timers[0]?.();
    expect(batches).toEqual([[1, 2]]);
    timers[1]?.();
    expect(batches).toEqual([[1, 2], [3]]);
  });

  it('holds a due batch while maxInFlight batches run, and runs it, grown, when one finishes', async () => {
    const timers: (() => void)[] = [];
    const batches: string[][] = [];
    const finish: (() => void)[] = [];
    const b = new MicroBatcher(
      (items: string[]) => {
        batches.push(items);
        return new Promise<string[]>((resolve) => finish.push(() => resolve(items)));
      },
      { maxBatchSize: 10, maxInFlight: 1, schedule: (run) => timers.push(run) },
    );
    const first = [b.submit('a'), b.submit('b')];
    timers.shift()?.();
    expect(batches).toEqual([['a', 'b']]);
    const second = [b.submit('c'), b.submit('d')];
    timers.shift()?.(); // due, but one batch is running: it waits and grows
    const third = b.submit('e');
    expect(batches).toHaveLength(1);
    expect(timers).toHaveLength(0);
    finish.shift()?.();
    expect(await Promise.all(first)).toEqual(['a', 'b']);
    expect(batches).toEqual([
      ['a', 'b'],
      ['c', 'd', 'e'],
    ]);
    finish.shift()?.();
    expect(await Promise.all([...second, third])).toEqual(['c', 'd', 'e']);
  });

  it('rejects every item of a batch whose runner fails or miscounts', async () => {
    const throwing = new MicroBatcher<number, number>(
      () => {
        throw new Error('boom');
      },
      { maxBatchSize: 2 },
    );
    await expect(Promise.all([throwing.submit(1), throwing.submit(2)])).rejects.toThrow('boom');
    const short = new MicroBatcher<number, number>(async () => [1], { maxBatchSize: 2 });
    await expect(Promise.all([short.submit(1), short.submit(2)])).rejects.toThrow(/1 results for 2 items/);
  });

  it('checks its options', () => {
    expect(() => new MicroBatcher((x: number[]) => x, { maxBatchSize: 0 })).toThrow(/maxBatchSize/);
    expect(() => new MicroBatcher((x: number[]) => x, { maxWaitMs: -1 })).toThrow(/maxWaitMs/);
  });
});

describe('BatchVerifier: one batch, each item with its own facts and verdict', () => {
  it('keeps each item’s context, exact facts and verdict apart within one batch', async () => {
    const verifier = new Verifier().satisfyGeneral(
      (predicate, context) => predicate === `user = ${(context as { user: string }).user}`,
    );
    const mint = (user: string) =>
      Macaroon.create('', ROOT_KEY, 'id').addFirstPartyCaveat(`user = ${user}`).addFirstPartyCaveat('x = 1');
    const seen: number[] = [];
    const bv = new BatchVerifier(
      (items) => {
        seen.push(items.length);
        return verifier.verifyBatch(items);
      },
      { maxBatchSize: 64 },
    );
    const tampered = mint('bob')
      .serialize()
      .replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const results = await Promise.all([
      bv.verify({ macaroon: mint('alice'), rootKey: ROOT_KEY, context: { user: 'alice' }, exact: ['x = 1'] }),
      bv.verify({ macaroon: mint('alice'), rootKey: ROOT_KEY, context: { user: 'bob' }, exact: ['x = 1'] }),
      bv.verify({ macaroon: mint('bob'), rootKey: ROOT_KEY, context: { user: 'bob' } }),
      bv.verify({ macaroon: tampered, rootKey: ROOT_KEY, context: { user: 'bob' }, exact: ['x = 1'] }),
      bv.verify({ macaroon: 'not a macaroon', rootKey: ROOT_KEY, exact: ['x = 1'] }),
      bv.verify({
        macaroon: mint('bob'),
        rootKey: 'another key',
        context: { user: 'bob' },
        exact: ['x = 1'],
      }),
      bv.verify({ macaroon: mint('bob'), rootKey: ROOT_KEY, context: { user: 'bob' }, exact: ['x = 1'] }),
    ]);
    expect(seen).toEqual([7]);
    const verdicts = results.map((r) =>
      r.ok ? 'ok' : ((r.error as NotAuthorizedError).reason ?? r.error?.code),
    );
    expect(verdicts).toEqual([
      'ok',
      'caveat-not-satisfied',
      'caveat-not-satisfied',
      'signature-mismatch',
      'ERR_DECODE',
      'signature-mismatch',
      'ok',
    ]);
  });

  it('resolves root keys from the identifier, sync or async, before the batch', async () => {
    const keys: Record<string, string> = { 'k-sync': 'sync key', 'k-async': 'async key' };
    const lookups: string[] = [];
    const resolver = (identifier: Uint8Array) => {
      const id = new TextDecoder().decode(identifier);
      lookups.push(id);
      return id === 'k-async' ? Promise.resolve(keys[id]) : keys[id];
    };
    const batchSizes: number[] = [];
    const verifier = new Verifier();
    const bv = new BatchVerifier((items) => {
      batchSizes.push(items.length);
      return verifier.verifyBatch(items);
    });
    const results = await Promise.all([
      bv.verify({ macaroon: Macaroon.create('', 'sync key', 'k-sync').serialize(), rootKey: resolver }),
      bv.verify({ macaroon: Macaroon.create('', 'async key', 'k-async'), rootKey: resolver }),
      bv.verify({ macaroon: Macaroon.create('', 'sync key', 'k-unknown'), rootKey: resolver }),
    ]);
    expect(lookups).toEqual(['k-sync', 'k-async', 'k-unknown']);
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    expect(results[2]?.error).toBeInstanceOf(UnknownRootKeyError);
    expect(batchSizes.reduce((a, b) => a + b, 0)).toBe(2); // the unknown key never reached a batch
  });

  it('turns a failed key lookup or a failed batch into per-item errors, never a rejection', async () => {
    const bv = new BatchVerifier(new Verifier());
    const lookup = await bv.verify({
      macaroon: Macaroon.create('', ROOT_KEY, 'id'),
      rootKey: async () => {
        throw new Error('key store unreachable');
      },
    });
    expect(lookup.error).toBeInstanceOf(KeyLookupError);
    const crashed = new BatchVerifier(async () => {
      throw new Error('worker died');
    });
    const r = await crashed.verify({ macaroon: Macaroon.create('', ROOT_KEY, 'id'), rootKey: ROOT_KEY });
    expect(r.ok).toBe(false);
    expect(r.error).toBeInstanceOf(EngineError);
  });
});

describe('KeyStore: several live keys, rotation and expiry', () => {
  it('verifies with every live key, mints with the newest, forgets keys after their grace period', () => {
    let now = 1_000_000;
    const store = new KeyStore({ now: () => now });
    store.add('k1', 'first key');
    expect(store.current()?.id).toBe('k1');
    const k2 = store.rotate({ id: 'k2', key: 'second key', graceMs: 60_000 });
    expect(store.current()?.id).toBe('k2');
    expect(store.lookup(new TextEncoder().encode('k1:token'))).toEqual(new TextEncoder().encode('first key'));
    expect(store.lookup(new TextEncoder().encode('k2:token'))).toEqual(k2.key);
    now += 59_999;
    expect(store.ids().sort()).toEqual(['k1', 'k2']);
    now += 1;
    expect(store.lookup(new TextEncoder().encode('k1:token'))).toBeUndefined();
    expect(store.ids()).toEqual(['k2']);
    expect(store.lookup(new TextEncoder().encode('k2:token'))).toEqual(k2.key);
  });

  it('honours notBefore and expiresAt, and ignores identifiers that name no key', () => {
    let now = 0;
    const store = new KeyStore({ now: () => now });
    store.add('later', 'k', { notBefore: 100, expiresAt: 200 });
    const id = new TextEncoder().encode('later:x');
    expect(store.lookup(id)).toBeUndefined();
    expect(store.current()).toBeUndefined();
    now = 100;
    expect(store.lookup(id)).toBeDefined();
    now = 200;
    expect(store.lookup(id)).toBeUndefined();
    expect(store.lookup(new TextEncoder().encode('no colon'))).toBeUndefined();
    expect(store.lookup(new TextEncoder().encode('unknown:x'))).toBeUndefined();
    expect(() => store.add('a:b', 'k')).toThrow(/key id/);
  });

  it('works end to end: tokens of a retired key fail after the grace period with unknown-root-key', async () => {
    let now = Date.now();
    const store = new KeyStore({ now: () => now });
    store.rotate({ graceMs: 0 });
    const old = store.newIdentifier();
    store.rotate({ graceMs: 1000 });
    const fresh = store.newIdentifier();
    const gateway = new Gateway({ rootKey: store.resolver, verifier: new BatchVerifier(new Verifier()) });
    const ask = (m: Macaroon) => gateway.authorize(headers({ authorization: `Macaroon ${m.serialize()}` }));
    const oldToken = Macaroon.create('', old.key, old.identifier);
    const freshToken = Macaroon.create('', fresh.key, fresh.identifier);
    expect((await ask(oldToken)).status).toBe(200);
    expect((await ask(freshToken)).status).toBe(200);
    now += 1000;
    expect(await ask(oldToken)).toEqual({ status: 401, reason: 'unknown-root-key' });
    expect((await ask(freshToken)).status).toBe(200);
  });
});

describe('token transport', () => {
  const [root, bound] = withDischarge('42') as [Macaroon, Macaroon];

  it('reads Authorization: Macaroon with a single token or any bundle form', () => {
    for (const value of [
      root.serialize(),
      root.serialize('v1j'),
      Macaroon.serializeBundle([root, bound]),
      Macaroon.serializeBundle([root, bound], 'json'),
      Macaroon.serializeBundle([root, bound], 'bakery'),
    ]) {
      const found = extractTokens(headers({ authorization: `macaroon   ${value}` }));
      expect(found).toEqual([{ source: 'authorization', value }]);
    }
  });

  it('ignores other Authorization schemes; an empty Macaroon one is a failing candidate', () => {
    expect(extractTokens(headers({ authorization: 'Bearer abc' }))).toEqual([]);
    const [empty] = extractTokens(headers({ authorization: 'Macaroon   ' }));
    expect(empty?.error).toBeInstanceOf(DecodeError);
  });

  it('reads repeated Macaroons headers and macaroon-* cookies (quoted or percent-encoded)', () => {
    const a = Macaroon.serializeBundle([root, bound], 'bakery');
    const b = Macaroon.serializeBundle([root], 'bakery');
    const c = Macaroon.serializeBundle([bound], 'bakery');
    const d = Macaroon.serializeBundle([bound, root], 'bakery');
    const h = new Headers();
    h.append('Macaroons', a);
    h.append('Macaroons', b);
    h.set(
      'cookie',
      `session=1; macaroon-abc="${c}"; other=macaroon-x; macaroon-def=${encodeURIComponent(d)}`,
    );
    expect(extractTokens(h)).toEqual([
      { source: 'macaroons-header', value: a },
      { source: 'macaroons-header', value: b },
      { source: 'cookie', name: 'macaroon-abc', value: c },
      { source: 'cookie', name: 'macaroon-def', value: d },
    ]);
  });

  it('keeps repeated values once, and caps candidates only when asked', () => {
    const t = root.serialize();
    const u = bound.serialize();
    const h = headers({ macaroons: [t, u, t].join(', '), cookie: `macaroon-a=${t}; macaroon-b=${u}` });
    expect(extractTokens(h)).toHaveLength(2);
    expect(extractTokens(h, { maxTokens: 1 })).toEqual([{ source: 'macaroons-header', value: t }]);
  });
});

describe('Gateway decisions', () => {
  const gateway = new Gateway({ rootKey: ROOT_KEY, verifier: new BatchVerifier(accountVerifier()) });

  it('authorizes bound discharges from every transport, and rejects unbound ones', async () => {
    const [root, bound] = withDischarge('42') as [Macaroon, Macaroon];
    const unbound = withDischarge('42', false);
    const bakery = Macaroon.serializeBundle([root, bound], 'bakery');
    const facts = accountFacts('42');
    expect((await gateway.authorize(headers({ macaroons: bakery }), facts)).status).toBe(200);
    expect((await gateway.authorize(headers({ cookie: `macaroon-x=${bakery}` }), facts)).status).toBe(200);
    const slice = Macaroon.serializeBundle([root, bound]);
    const ok = await gateway.authorize(headers({ authorization: `Macaroon ${slice}` }), facts);
    expect(ok.status).toBe(200);
    expect(ok.status === 200 && ok.discharges.length).toBe(1);
    const bad = Macaroon.serializeBundle(unbound);
    expect(await gateway.authorize(headers({ authorization: `Macaroon ${bad}` }), facts)).toEqual({
      status: 401,
      reason: 'signature-mismatch',
    });
    expect(
      await gateway.authorize(headers({ authorization: `Macaroon ${root.serialize()}` }), facts),
    ).toEqual({
      status: 401,
      reason: 'discharge-missing',
    });
  });

  it('answers 401 missing-token, 400 for malformed tokens', async () => {
    expect(await gateway.authorize(headers({}))).toEqual({ status: 401, reason: 'missing-token' });
    expect(await gateway.authorize(headers({ authorization: 'Macaroon %%%' }))).toEqual({
      status: 400,
      code: 'ERR_DECODE',
    });
    const json = base64StdEncode(new TextEncoder().encode('[{"i":"x"}]'));
    expect((await gateway.authorize(headers({ cookie: `macaroon-a=${json}` }))).status).toBe(400);
  });

  it('takes the first bundle that authorizes, else the most useful failure', async () => {
    const good = accountToken('42').serialize();
    const other = accountToken('43').serialize();
    const facts = accountFacts('42');
    const h = (auth: string, cookie: string) => headers({ authorization: `Macaroon ${auth}`, cookie });
    expect((await gateway.authorize(h(other, `macaroon-a=${good}`), facts)).status).toBe(200);
    expect(await gateway.authorize(h('@@', `macaroon-a=${other}`), facts)).toEqual({
      status: 401,
      reason: 'caveat-not-satisfied',
    });
  });

  it('answers 503 when the key lookup fails, without details', async () => {
    const failing = new Gateway({
      rootKey: () => Promise.reject(new Error('db down: password=hunter2')),
      verifier: new Verifier(),
    });
    const d = await failing.authorize(
      headers({ authorization: `Macaroon ${accountToken('1').serialize()}` }),
    );
    expect(d).toEqual({ status: 503, code: 'ERR_KEY_LOOKUP' });
    expect(denial(d as Exclude<typeof d, { status: 200 }>).body).not.toContain('hunter2');
  });
});

describe('Gateway with a target that decodes bundles itself (the worker pool)', () => {
  function recordingTarget() {
    const seen: (BatchItem | BundleItem)[] = [];
    const verifier = accountVerifier();
    const target: BundleTarget = {
      decodesBundles: true,
      verifyBatch(items) {
        seen.push(...items);
        const one = (i: BatchItem): BatchResult => verifier.verifyBatch([i])[0] as BatchResult;
        return items.map((item) => {
          if (!('bundle' in item) || item.bundle === undefined) return one(item as BatchItem);
          try {
            const [macaroon, ...discharges] = Macaroon.deserializeBundle(item.bundle);
            return one({ ...item, macaroon: macaroon as Macaroon, discharges });
          } catch (e) {
            return { ok: false, error: e as DecodeError };
          }
        });
      },
    };
    return { seen, target };
  }

  it('hands bundles over undecoded with a fixed key, and decodes the 200’s macaroons only on access', async () => {
    const { seen, target } = recordingTarget();
    const gateway = new Gateway({ rootKey: ROOT_KEY, verifier: new BatchVerifier(target) });
    const bundle = Macaroon.serializeBundle(withDischarge('42'));
    const d = await gateway.authorize(headers({ authorization: `Macaroon ${bundle}` }), accountFacts('42'));
    expect(seen).toEqual([{ bundle, rootKey: ROOT_KEY, exact: ['account = 42'] }]);
    expect(d.status).toBe(200);
    expect(d.status === 200 && new TextDecoder().decode(d.macaroon.identifier)).toBe('key-1:abc');
    expect(d.status === 200 && d.discharges.length).toBe(1);
    expect(await gateway.authorize(headers({ authorization: 'Macaroon AgE' }))).toEqual({
      status: 400,
      code: 'ERR_DECODE',
    });
  });

  it('decodes on the main thread when the key must be found from the identifier', async () => {
    const { seen, target } = recordingTarget();
    const gateway = new Gateway({ rootKey: () => ROOT_KEY, verifier: new BatchVerifier(target) });
    const bundle = Macaroon.serializeBundle(withDischarge('42'));
    const d = await gateway.authorize(headers({ authorization: `Macaroon ${bundle}` }), accountFacts('42'));
    expect(d.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]).not.toHaveProperty('bundle');
    expect((seen[0] as BatchItem).macaroon).toBeInstanceOf(Macaroon);
  });
});

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

describe('timeBefore', () => {
  it('accepts RFC 3339 deadlines in the future only, treating a missing zone as UTC', () => {
    const now = Date.parse('2030-06-01T12:00:00Z');
    expect(timeBefore('time < 2030-06-01T12:00:01Z', { now })).toBe(true);
    expect(timeBefore('time < 2030-06-01T12:00:00Z', { now })).toBe(false);
    expect(timeBefore('time < 2030-06-01T12:01', { now })).toBe(true);
    expect(timeBefore('time < 2030-06-01T13:30:00+02:00', { now })).toBe(false);
    expect(timeBefore('time < tomorrow', { now })).toBe(false);
    expect(timeBefore('time > 2040-01-01T00:00:00Z', { now })).toBe(false);
    expect(timeBefore('time < 2040-13-45T00:00:00Z', { now })).toBe(false);
  });
});
