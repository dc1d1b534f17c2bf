/**
 * Verifier.satisfyChecker with bakery's std checker: the same verdicts on both engines, through verify
 * and through verifyBatch (serialized items take the WASM fast path), `context.now` as the clock, and
 * `declared` inferred from the whole slice.
 */
import { describe, expect, it } from 'vitest';
import {
  BakeryMacaroon,
  checkers,
  discharge,
  dischargeAll,
  KeyPair,
  ThirdPartyStore,
} from '../../src/bakery/index.js';
import { type Macaroon, NotAuthorizedError, Verifier } from '../../src/index.js';
import { ENGINES } from '../engines.js';

const ROOT_KEY = new TextEncoder().encode('a root key of twenty-four');
const NOW = Date.parse('2030-06-01T00:00:00Z');

async function slice(firstParty: string[], dischargeCaveats: string[]): Promise<Macaroon[]> {
  const svc = KeyPair.generate();
  const tp = KeyPair.generate();
  const locator = new ThirdPartyStore().add('https://auth.example', { publicKey: tp.public, version: 3 });
  let m = BakeryMacaroon.create({ rootKey: ROOT_KEY, id: 'id-1', location: 'svc', version: 3 });
  for (const c of firstParty) m = await m.addCaveat({ condition: c });
  m = await m.addCaveat(
    { location: 'https://auth.example', condition: 'is-user alice' },
    { key: svc, locator },
  );
  return dischargeAll(m, ({ id, caveat }) =>
    discharge({ id, caveat, key: tp, checker: () => dischargeCaveats.map((condition) => ({ condition })) }),
  );
}

function verdict(v: Verifier, ms: Macaroon[], context: unknown): string {
  const [root, ...ds] = ms as [Macaroon, ...Macaroon[]];
  try {
    v.verify(root, ROOT_KEY, ds, { context });
    return 'ok';
  } catch (e) {
    if (e instanceof NotAuthorizedError) return e.reason;
    throw e;
  }
}

const CASES: { name: string; first: string[]; discharge: string[]; want: string; exact?: string[] }[] = [
  {
    name: 'time-before in the future',
    first: ['time-before 2031-01-01T00:00:00Z'],
    discharge: [],
    want: 'ok',
  },
  {
    name: 'time-before in the past',
    first: ['time-before 2030-01-01T00:00:00Z'],
    discharge: [],
    want: 'caveat-not-satisfied',
  },
  {
    name: 'time-before exactly now',
    first: ['time-before 2030-06-01T00:00:00Z'],
    discharge: [],
    want: 'caveat-not-satisfied',
  },
  {
    name: 'time-before one nanosecond later',
    first: ['time-before 2030-06-01T00:00:00.000000001Z'],
    discharge: [],
    want: 'ok',
  },
  {
    name: 'time-before unparsable',
    first: ['time-before tomorrow'],
    discharge: [],
    want: 'caveat-not-satisfied',
  },
  {
    name: 'declared from the discharge',
    first: ['declared user alice'],
    discharge: ['declared user alice'],
    want: 'ok',
  },
  {
    name: 'declared with another value',
    first: ['declared user alice'],
    discharge: ['declared user bob'],
    want: 'caveat-not-satisfied',
  },
  {
    name: 'conflicting declarations drop the key',
    first: ['declared user alice'],
    discharge: ['declared user alice', 'declared user mallory'],
    want: 'caveat-not-satisfied',
  },
  {
    name: 'a conflict satisfied exactly still drops the key',
    first: ['declared user alice'],
    discharge: ['declared user mallory'],
    exact: ['declared user mallory'],
    want: 'caveat-not-satisfied',
  },
  {
    name: 'a declaration satisfies itself, as in bakery',
    first: ['declared user alice'],
    discharge: [],
    want: 'ok',
  },
  { name: 'declared with no value', first: ['declared user'], discharge: [], want: 'caveat-not-satisfied' },
  { name: 'error caveat', first: ['error bad'], discharge: [], want: 'caveat-not-satisfied' },
  { name: 'unknown condition', first: ['is-admin'], discharge: [], want: 'caveat-not-satisfied' },
  {
    name: 'unknown condition satisfied exactly',
    first: ['is-admin'],
    discharge: [],
    exact: ['is-admin'],
    want: 'ok',
  },
];

describe('satisfyChecker(checkers.std())', async () => {
  const built = await Promise.all(CASES.map((c) => slice(c.first, c.discharge)));
  for (const engine of ENGINES) {
    describe(`${engine} engine`, () => {
      const verifier = () => {
        const v = new Verifier({ engine }).satisfyChecker(checkers.std());
        return v;
      };
      CASES.forEach((c, i) => {
        it(`${c.name}: ${c.want}`, () => {
          const v = verifier();
          for (const e of c.exact ?? []) v.satisfyExact(e);
          expect(verdict(v, built[i] as Macaroon[], { now: NOW })).toBe(c.want);
        });
      });
      it('verifyBatch gives the same verdicts, serialized items and Macaroon items alike', () => {
        const v = verifier();
        const items = CASES.flatMap((c, i) => {
          const [root, ...ds] = built[i] as [Macaroon, ...Macaroon[]];
          const exact = c.exact ?? [];
          return [
            {
              macaroon: root.serialize(),
              rootKey: ROOT_KEY,
              discharges: ds.map((d) => d.serialize()),
              exact,
              context: { now: NOW },
            },
            { macaroon: root, rootKey: ROOT_KEY, discharges: ds, exact, context: { now: new Date(NOW) } },
          ];
        });
        const got = v.verifyBatch(items).map((r) => (r.ok ? 'ok' : (r.error as NotAuthorizedError).reason));
        expect(got).toEqual(CASES.flatMap((c) => [c.want, c.want]));
      });
    });
  }

  it('context.now overrides the clock; without it the real clock decides', async () => {
    const ms = await slice(['time-before 2000-01-01T00:00:00Z'], []);
    const v = new Verifier().satisfyChecker(checkers.std());
    expect(verdict(v, ms, { now: Date.parse('1999-12-31T23:59:59Z') })).toBe('ok');
    expect(verdict(v, ms, undefined)).toBe('caveat-not-satisfied');
  });

  it('registers custom conditions and namespaces; an unregistered one is refused', async () => {
    const c = checkers
      .std()
      .registerNamespace('https://example.com/ns', 'ex')
      .register('is-admin', 'https://example.com/ns', (ctx) =>
        ctx.admin === true ? undefined : 'not an admin',
      );
    expect(c.check('ex:is-admin', { admin: true })).toBeUndefined();
    expect(c.check('ex:is-admin', { admin: false })?.reason).toBe('not-satisfied');
    expect(c.check('is-admin', { admin: true })?.reason).toBe('not-recognized');
    expect(() => c.register('x', 'unregistered', () => undefined)).toThrow(/no prefix/);
    expect(() => c.register('is-admin', 'https://example.com/ns', () => undefined)).toThrow(/already/);
    const ms = await slice(['ex:is-admin'], []);
    const v = new Verifier().satisfyChecker(c);
    expect(verdict(v, ms, { now: NOW, admin: true })).toBe('ok');
    expect(verdict(v, ms, { now: NOW, admin: false })).toBe('caveat-not-satisfied');
  });

  it('with allowUnusedDischarges, an unused discharge declares nothing', async () => {
    const ms = await slice(['declared user alice'], []);
    const [root, d] = ms as [Macaroon, Macaroon];
    const stray = (await slice([], ['declared user mallory']))[1] as Macaroon;
    for (const engine of ENGINES) {
      const v = new Verifier({ engine, allowUnusedDischarges: true }).satisfyChecker(checkers.std());
      // Had the stray discharge counted, "user" would conflict and the root's declaration would fail.
      expect(v.verifyUnsafe(root, ROOT_KEY, [d, stray], { context: { now: NOW } })).toBe(true);
      expect(
        v.verifyBatch([
          {
            macaroon: root.serialize(),
            rootKey: ROOT_KEY,
            discharges: [d.serialize(), stray.serialize()],
            context: { now: NOW },
          },
        ])[0]?.ok,
      ).toBe(true);
    }
  });

  it('allow and deny as Python has them', () => {
    const c = checkers.std();
    expect(c.check('allow read write', { operations: ['read'] })).toBeUndefined();
    expect(c.check('allow read', { operations: ['read', 'write'] })?.message).toMatch(/write not allowed/);
    expect(c.check('allow read', {})?.message).toMatch(/read not allowed/);
    expect(c.check('deny write', { operations: ['read'] })).toBeUndefined();
    expect(c.check('deny write', { operations: ['write'] })?.message).toMatch(/write not allowed/);
    expect(c.check('deny write', {})).toBeUndefined();
  });

  it('satisfyExact and satisfyGeneral are unchanged beside a checker', async () => {
    const ms = await slice(['account = 42', 'time-before 2031-01-01T00:00:00Z'], []);
    const v = new Verifier().satisfyChecker(checkers.std());
    expect(verdict(v, ms, { now: NOW })).toBe('caveat-not-satisfied');
    v.satisfyGeneral((p) => p === 'account = 42');
    expect(verdict(v, ms, { now: NOW })).toBe('ok');
  });
});
