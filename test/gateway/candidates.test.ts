/**
 * Token candidates: a request may carry an Authorization token, `Macaroons` headers and `macaroon-*`
 * cookies. The first that authorizes, in that order of preference, wins; a malformed, failing or
 * surplus candidate never defeats one that authorizes. Property test over mixes, plus the regressions
 * that first showed the problem (one bad cookie, or four cookies, turned a valid Authorization into 400).
 */
import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchVerifier, type Decision, Gateway } from '../../src/gateway/index.js';
import { Macaroon, Verifier } from '../../src/index.js';
import { withMacaroonAuthNode } from '../../src/node/index.js';
import { loadEngines } from '../engines.js';

await loadEngines();

const ROOT_KEY = 'root key of the candidate tests';

type Kind =
  | 'valid'
  | 'wrong-key'
  | 'unsatisfied'
  | 'malformed'
  | 'oversized'
  | 'bad-percent'
  | 'empty-scheme';

/** What the gateway must answer for a candidate of this kind alone. */
function expectedAlone(kind: Kind, id: string): Decision | { status: 200; id: string } {
  switch (kind) {
    case 'valid':
      return { status: 200, id };
    case 'wrong-key':
      return { status: 401, reason: 'signature-mismatch' };
    case 'unsatisfied':
      return { status: 401, reason: 'caveat-not-satisfied' };
    case 'oversized':
      return { status: 400, code: 'ERR_LIMIT_EXCEEDED' };
    default:
      return { status: 400, code: 'ERR_DECODE' };
  }
}

function tokenText(kind: Kind, id: string): string {
  switch (kind) {
    case 'valid':
      return Macaroon.create('svc', ROOT_KEY, id).addFirstPartyCaveat('a = 1').serialize();
    case 'wrong-key':
      return Macaroon.create('svc', 'another key', id).addFirstPartyCaveat('a = 1').serialize();
    case 'unsatisfied':
      return Macaroon.create('svc', ROOT_KEY, id).addFirstPartyCaveat('a = 2').serialize();
    case 'oversized':
      return 'A'.repeat(70_000); // well-formed base64, over the default maxTokenBytes
    case 'bad-percent':
      return '%zz';
    case 'empty-scheme':
      return '';
    default:
      return `@@${id}`;
  }
}

interface Slot {
  readonly kind: Kind;
  /** For cookies: how the value is written, and whether the name is one the gateway reads. */
  readonly encoding?: 'plain' | 'quoted' | 'percent';
  readonly ours?: boolean;
}

interface Mix {
  readonly authorization: Slot | undefined;
  readonly macaroons: readonly Slot[];
  readonly cookies: readonly Slot[];
}

const tokenKinds: Kind[] = ['valid', 'wrong-key', 'unsatisfied', 'malformed', 'oversized'];
const mixes = fc.record({
  authorization: fc.option(fc.record({ kind: fc.constantFrom<Kind>(...tokenKinds, 'empty-scheme') }), {
    nil: undefined,
  }),
  macaroons: fc.array(fc.record({ kind: fc.constantFrom<Kind>(...tokenKinds) }), { maxLength: 4 }),
  cookies: fc.array(
    fc.record({
      kind: fc.constantFrom<Kind>(...tokenKinds, 'bad-percent'),
      encoding: fc.constantFrom<'plain' | 'quoted' | 'percent'>('plain', 'quoted', 'percent'),
      ours: fc.boolean(),
    }),
    { maxLength: 6 },
  ),
}) as fc.Arbitrary<Mix>;

/** The request's headers, and the candidates in the gateway's documented order of preference. */
function build(mix: Mix): { headers: Headers; ordered: { kind: Kind; id: string }[] } {
  const headers = new Headers();
  const ordered: { kind: Kind; id: string }[] = [];
  if (mix.authorization) {
    const id = 'authorization';
    headers.set('authorization', `Macaroon ${tokenText(mix.authorization.kind, id)}`);
    ordered.push({ kind: mix.authorization.kind, id });
  }
  mix.macaroons.forEach((slot, i) => {
    const id = `header-${i}`;
    headers.append('macaroons', tokenText(slot.kind, id));
    ordered.push({ kind: slot.kind, id });
  });
  const pairs: string[] = [];
  mix.cookies.forEach((slot, i) => {
    const id = `cookie-${i}`;
    const text = tokenText(slot.kind, id);
    const value =
      slot.encoding === 'quoted'
        ? `"${text}"`
        : slot.encoding === 'percent' && slot.kind !== 'bad-percent'
          ? encodeURIComponent(text).replace(/-/g, '%2D')
          : text;
    pairs.push(`${slot.ours ? 'macaroon-' : 'session-'}${i}=${value}`);
    if (slot.ours) ordered.push({ kind: slot.kind, id });
  });
  if (pairs.length > 0) headers.set('cookie', pairs.join('; '));
  return { headers, ordered };
}

/** The documented rule: the first that authorizes; else 5xx, else the first 401, else the first 400. */
function expected(ordered: readonly { kind: Kind; id: string }[]): unknown {
  const alone = ordered.map(({ kind, id }) => expectedAlone(kind, id));
  return (
    alone.find((d) => d.status === 200) ??
    alone.find((d) => d.status === 401) ??
    alone.find((d) => d.status === 400) ?? { status: 401, reason: 'missing-token' }
  );
}

function observed(d: Decision): unknown {
  if (d.status !== 200) return d;
  return { status: 200, id: new TextDecoder().decode(d.macaroon.identifier) };
}

function verifier(): Verifier {
  return new Verifier().satisfyExact('a = 1');
}

const gateways = {
  'a fixed key': () => new Gateway({ rootKey: ROOT_KEY, verifier: new BatchVerifier(verifier()) }),
  'a key resolver': () => new Gateway({ rootKey: async () => ROOT_KEY, verifier: verifier() }),
};

describe('the first candidate that authorizes wins, whatever else the request carries', () => {
  for (const [name, make] of Object.entries(gateways)) {
    it(`holds for every mix of header and cookies (${name})`, async () => {
      const gateway = make();
      await fc.assert(
        fc.asyncProperty(mixes, async (mix) => {
          const { headers, ordered } = build(mix);
          expect(observed(await gateway.authorize(headers))).toEqual(expected(ordered));
        }),
        { numRuns: 300 },
      );
    });
  }

  it('a valid Authorization token beats one cookie with broken percent-encoding', async () => {
    const gateway = gateways['a fixed key']();
    const headers = new Headers({
      authorization: `Macaroon ${tokenText('valid', 'mine')}`,
      cookie: 'macaroon-x=%zz',
    });
    expect(observed(await gateway.authorize(headers))).toEqual({ status: 200, id: 'mine' });
  });

  it('a valid Authorization token beats many macaroon-* cookies', async () => {
    const gateway = gateways['a fixed key']();
    const cookies = Array.from({ length: 40 }, (_, i) => `macaroon-${i}=${tokenText('wrong-key', `x${i}`)}`);
    const headers = new Headers({
      authorization: `Macaroon ${tokenText('valid', 'mine')}`,
      cookie: cookies.join('; '),
    });
    expect(observed(await gateway.authorize(headers))).toEqual({ status: 200, id: 'mine' });
  });

  it("a user's own cookie is found behind a sibling domain's cookies", async () => {
    const gateway = gateways['a fixed key']();
    const planted = Array.from(
      { length: 40 },
      (_, i) => `macaroon-p${i}=${tokenText('unsatisfied', `p${i}`)}`,
    );
    const headers = new Headers({
      cookie: [...planted, `macaroon-mine=${tokenText('valid', 'mine')}`].join('; '),
    });
    expect(observed(await gateway.authorize(headers))).toEqual({ status: 200, id: 'mine' });
  });

  it('a cap, when asked for, ignores the candidates past it instead of failing', async () => {
    const gateway = new Gateway({ rootKey: ROOT_KEY, verifier: verifier(), maxTokens: 1 });
    const headers = new Headers({
      authorization: `Macaroon ${tokenText('valid', 'mine')}`,
      cookie: 'macaroon-a=%zz; macaroon-b=@@',
    });
    expect(observed(await gateway.authorize(headers))).toEqual({ status: 200, id: 'mine' });
  });
});

describe('over HTTP (node:http on loopback)', () => {
  const server = createServer(
    withMacaroonAuthNode(
      (_req, res) => {
        res.writeHead(200);
        res.end('ok');
      },
      { gateway: gateways['a fixed key']() },
    ),
  );
  let port = 0;
  beforeAll(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.close();
    server.closeAllConnections();
  });

  function get(headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/', headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('answers 200 for a valid Authorization token next to a broken or planted cookie', async () => {
    const authorization = `Macaroon ${tokenText('valid', 'mine')}`;
    expect(await get({ authorization, cookie: 'macaroon-x=%zz' })).toBe(200);
    const four = [0, 1, 2, 3].map((i) => `macaroon-${i}=${tokenText('valid', `other-${i}`)}`).join('; ');
    expect(await get({ authorization, cookie: four })).toBe(200);
    expect(await get({ cookie: 'macaroon-x=%zz' })).toBe(400);
  });
});
