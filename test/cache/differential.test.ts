/**
 * Differential property: a gateway with a verified-token cache gives exactly the verdicts of the same
 * gateway without one, on both engines, with keys from a fixed key or from a store. Random request
 * streams mix repeated and tampered tokens, satisfied and unsatisfied caveats, a moving clock (so keys
 * rotate out and `time <` caveats expire while cached), revocations by identifier and by key, key
 * deletion and a key replaced under the same identifier, between requests.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decision, Gateway, timeBefore, VerifiedTokenCache } from '../../src/gateway/index.js';
import { Macaroon, Verifier } from '../../src/index.js';
import { openMemoryStore, type RootKeyStore } from '../../src/store/index.js';
import { ENGINES } from '../engines.js';

const RUNS = Number(process.env.DIFFERENTIAL_RUNS ?? 60);
const T0 = Date.parse('2030-01-01T00:00:00Z');
const POLICY = { generateIntervalMs: 1000, expiryMs: 2000 };

type Action =
  | { kind: 'request'; token: number; account: number; action: 'read' | 'write'; form: number }
  | { kind: 'revoke'; token: number }
  | { kind: 'revokeKey'; token: number }
  | { kind: 'deleteKey'; token: number }
  | { kind: 'advance'; ms: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('request' as const),
      token: fc.nat(15),
      account: fc.nat(2),
      action: fc.constantFrom('read' as const, 'write' as const),
      form: fc.nat(1),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('revoke' as const), token: fc.nat(15) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('revokeKey' as const), token: fc.nat(15) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteKey' as const), token: fc.nat(15) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 1500 }) }),
  },
);

interface Token {
  readonly identifier: Uint8Array;
  readonly keyId: string | undefined;
  /** The same token as a binary bundle and as a JSON bundle: different text, separate cache entries. */
  readonly forms: readonly string[];
}

const CAVEATS = [
  'action = read',
  'service = accounts',
  'declared user alice',
  `time < ${new Date(T0 + 1500).toISOString()}`,
  `time < ${new Date(T0 + 60_000).toISOString()}`,
  'never satisfied',
];

/** Mints 16 tokens over a moving clock (several keys), some with discharges, some tampered. */
async function mintTokens(
  seed: number,
  clock: { now: number },
  keyFor: () => Promise<{ identifier: string; key: Uint8Array; keyId: string | undefined }>,
): Promise<Token[]> {
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const out: Token[] = [];
  for (let i = 0; i < 16; i++) {
    if (i % 4 === 0) clock.now += 700;
    const { identifier, key, keyId } = await keyFor();
    let m = Macaroon.create('https://svc/', key, identifier).addFirstPartyCaveat(`account = ${rnd(3)}`);
    for (let c = rnd(4); c > 0; c--) m = m.addFirstPartyCaveat(CAVEATS[rnd(CAVEATS.length)] as string);
    // A deadline the stream's clock passes while the token may be cached (minting ends near T0 + 2800).
    if (rnd(2) === 0) m = m.addFirstPartyCaveat(`time < ${new Date(T0 + 3000 + rnd(8) * 700).toISOString()}`);
    const discharges: Macaroon[] = [];
    if (rnd(3) === 0) {
      const caveatKey = new Uint8Array(32).fill(i + 1);
      m = m.addThirdPartyCaveat('https://tp/', caveatKey, `tp-${i}`);
      let d = Macaroon.create('https://tp/', caveatKey, `tp-${i}`);
      if (rnd(2) === 0) d = d.addFirstPartyCaveat(CAVEATS[rnd(CAVEATS.length)] as string);
      discharges.push(m.prepareForRequest(d));
    }
    if (rnd(6) === 0) {
      // Tampered: a caveat added without the key (the signature no longer matches).
      const json = JSON.parse(JSON.stringify(m)) as { c?: { i: string }[] };
      json.c = [...(json.c ?? []), { i: 'action = read' }];
      m = Macaroon.deserialize(JSON.stringify(json));
    }
    const list = [m, ...discharges];
    out.push({
      identifier: m.identifier,
      keyId,
      forms: [Macaroon.serializeBundle(list, 'binary'), Macaroon.serializeBundle(list, 'json')],
    });
  }
  return out;
}

function verdict(d: Decision): string {
  if (d.status === 200) return '200';
  if (d.status === 401) return `401 ${d.reason}`;
  if (d.status === 400) return `400 ${d.code}`;
  return `${d.status} ${d.code}`;
}

function headers(token: string) {
  return { get: (name: string) => (name === 'authorization' ? `Macaroon ${token}` : null) };
}

function verifierFor(engine: (typeof ENGINES)[number]) {
  return new Verifier({ engine }).satisfyExact('service = accounts').satisfyGeneral(timeBefore);
}

async function runStream(
  engine: (typeof ENGINES)[number],
  useStore: boolean,
  seed: number,
  actions: readonly Action[],
  seen: Set<string>,
): Promise<{ hits: number; otherHits: number }> {
  const clock = { now: T0 };
  let store: RootKeyStore | undefined;
  const fixedKey = new Uint8Array(32).fill(7);
  if (useStore) store = await openMemoryStore({ policy: POLICY, now: () => clock.now, resyncIntervalMs: 0 });
  const tokens = await mintTokens(seed, clock, async () => {
    if (!store) return { identifier: `fixed:${clock.now}`, key: fixedKey, keyId: undefined };
    return store.newIdentifier();
  });
  const verifier = verifierFor(engine);
  // Store streams cache on first sight (more hits while keys rotate); fixed-key streams on the first or
  // the second, by seed (both admission rules are exercised, and enough hits either way).
  const firstSight = useStore || seed % 2 === 0;
  const cache = new VerifiedTokenCache({ maxEntries: 12, admitOnFirstSight: firstSight });
  const unheard = new VerifiedTokenCache({ maxEntries: 12, admitOnFirstSight: firstSight });
  const otherKey = new Uint8Array(32).fill(8);
  // Pairs that must agree, each cached gateway beside the same gateway without a cache. With a store:
  // one gateway hears revocations (and drops cached tokens at once), one does not (only its per-hit
  // revocation check stands between a cached token and a 200). With fixed keys: two gateways under
  // different keys share one cache (the cache's scopes and the per-hit key check keep one's tokens from
  // the other), and a third takes its key from a resolver whose answer for the same identifier changes
  // on `deleteKey` (replaced in place: only the per-hit key comparison ends the cached entries).
  let replaced = false;
  const resolver = () => (replaced ? otherKey : fixedKey);
  const pairs = store
    ? [
        [new Gateway({ store, verifier, cache }), new Gateway({ store, verifier })],
        [
          new Gateway({ rootKey: store.resolver, revocations: store, verifier, cache: unheard }),
          new Gateway({ rootKey: store.resolver, revocations: store, verifier }),
        ],
      ]
    : [
        [new Gateway({ rootKey: fixedKey, verifier, cache }), new Gateway({ rootKey: fixedKey, verifier })],
        [new Gateway({ rootKey: otherKey, verifier, cache }), new Gateway({ rootKey: otherKey, verifier })],
        [
          new Gateway({ rootKey: resolver, verifier, cache: unheard }),
          new Gateway({ rootKey: resolver, verifier }),
        ],
      ];
  for (const a of actions) {
    const t = tokens[(a as { token?: number }).token ?? 0] as Token;
    switch (a.kind) {
      case 'advance':
        clock.now += a.ms;
        break;
      case 'revoke':
        if (store) await store.revoke({ identifier: t.identifier });
        break;
      case 'revokeKey':
        if (store && t.keyId) await store.revoke({ keyId: t.keyId });
        break;
      case 'deleteKey':
        if (store && t.keyId) await store.deleteKey(t.keyId);
        if (!store) replaced = !replaced;
        break;
      case 'request': {
        const token = t.forms[a.form] as string;
        const facts = {
          exact: [`account = ${a.account}`, `action = ${a.action}`],
          context: { now: clock.now },
        };
        for (const [cached, plain] of pairs as [Gateway, Gateway][]) {
          const [withCache, without] = await Promise.all([
            cached.authorize(headers(token), facts),
            plain.authorize(headers(token), facts),
          ]);
          expect(verdict(withCache)).toBe(verdict(without));
          seen.add(verdict(without));
          if (withCache.status === 200 && without.status === 200) {
            expect(withCache.verified.caveats.map((c) => c.predicate)).toEqual(
              without.verified.caveats.map((c) => c.predicate),
            );
            expect(withCache.verified.declared).toEqual(without.verified.declared);
          }
        }
      }
    }
  }
  for (const [cached] of pairs as [Gateway, Gateway][]) cached.close();
  await store?.close();
  return { hits: cache.stats.hits, otherHits: unheard.stats.hits };
}

describe('a gateway with a verified-token cache gives the verdicts of one without', () => {
  for (const engine of ENGINES) {
    for (const useStore of [false, true]) {
      it(`${engine} engine, ${useStore ? 'keys from a store (rotation, revocation, deletion)' : 'a fixed key'}`, async () => {
        let hits = 0;
        let otherHits = 0;
        const seen = new Set<string>();
        await fc.assert(
          fc.asyncProperty(
            fc.nat(),
            fc.array(action, { minLength: 10, maxLength: 80 }),
            async (seed, actions) => {
              const run = await runStream(engine, useStore, seed, actions, seen);
              hits += run.hits;
              otherHits += run.otherHits;
            },
          ),
          { numRuns: RUNS },
        );
        // The streams did exercise the cache, and every kind of verdict it must reproduce.
        expect(hits).toBeGreaterThan(RUNS / 4);
        expect(otherHits).toBeGreaterThan(RUNS / 4);
        const expected = ['200', '401 caveat-not-satisfied', '401 signature-mismatch'];
        if (useStore) expected.push('401 revoked', '401 unknown-root-key');
        for (const v of expected) expect(seen).toContain(v);
      });
    }
  }
});
