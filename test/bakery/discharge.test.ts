/**
 * bakery's Discharge details: need-declared (the checker sees the inner condition; keys it does not
 * declare get empty declarations), third-party caveats on a discharge (ids prefixed by the discharge id
 * for v3), the discharge's version, location and namespace, and dischargeAll's bounds.
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
import { LimitExceededError } from '../../src/index.js';

const svc = KeyPair.generate();
const tp = KeyPair.generate();
const tp2 = KeyPair.generate();
const locator = new ThirdPartyStore()
  .add('https://tp.example', { publicKey: tp.public, version: 3 })
  .add('https://tp2.example', { publicKey: tp2.public, version: 3 });
const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function caveatFor(condition: string, version: 1 | 2 | 3 = 3) {
  const m = await BakeryMacaroon.create({ rootKey: 'k', id: 'root', version }).addCaveat(
    { location: 'https://tp.example', condition },
    { key: svc, locator },
  );
  const id = (m.macaroon.thirdPartyCaveats()[0] as { identifier: Uint8Array }).identifier;
  return { m, id, caveat: m.caveatPayload(id) };
}

describe('discharge', () => {
  it('need-declared: the checker sees the inner condition; undeclared keys get empty declarations', async () => {
    const cav = checkers.needDeclaredCaveat(
      { location: 'https://tp.example', condition: 'is-member admins' },
      'user',
      'group',
    );
    const { id, caveat } = await caveatFor(cav.condition);
    const seen: string[] = [];
    const d = await discharge({
      id,
      caveat,
      key: tp,
      checker: (info) => {
        seen.push(info.condition);
        return [checkers.declaredCaveat('user', 'alice')];
      },
    });
    expect(seen).toEqual(['is-member admins']);
    expect(d.macaroon.caveats.map((c) => text(c.identifier))).toEqual([
      'declared user alice',
      'declared group ',
    ]);
  });

  it('refuses malformed need-declared caveats', async () => {
    for (const condition of ['need-declared', 'need-declared user', 'need-declared ,user cond']) {
      const { id, caveat } = await caveatFor(condition);
      await expect(discharge({ id, caveat, key: tp, checker: () => [] })).rejects.toThrow();
    }
  });

  it('mints with an empty location, the caveat version and namespace; a v3 discharge prefixes its own caveat ids', async () => {
    for (const version of [1, 2, 3] as const) {
      const { id, caveat } = await caveatFor('c', version);
      const d = await discharge({
        id,
        caveat,
        key: tp,
        locator,
        checker: () => [{ location: 'https://tp2.example', condition: 'second' }],
      });
      expect(d.version).toBe(version);
      expect(d.macaroon.location).toBe('');
      expect(d.macaroon.identifier).toEqual(id);
      const [nested] = d.macaroon.thirdPartyCaveats();
      if (version === 3) {
        expect(String(d.namespace)).toBe('std:');
        expect((nested as { identifier: Uint8Array }).identifier).toEqual(new Uint8Array([...id, 0]));
      }
    }
  });

  it('a checker that throws refuses; dischargeAll binds everything to the root, depth-first nesting bounded', async () => {
    const { m, id, caveat } = await caveatFor('c');
    await expect(
      discharge({ id, caveat, key: tp, checker: () => Promise.reject(new Error('no')) }),
    ).rejects.toThrow('no');
    // A third party that adds a caveat for itself to every discharge never ends: the bounds stop it.
    const endless = (request: { id: Uint8Array; caveat: Uint8Array | undefined }) =>
      discharge({
        id: request.id,
        caveat: request.caveat,
        key: tp,
        locator,
        checker: () => [{ location: 'https://tp.example', condition: 'again' }],
      });
    await expect(dischargeAll(m, endless, { maxDepth: 4 })).rejects.toThrow(LimitExceededError);
    await expect(dischargeAll(m, endless, { maxDischarges: 3, maxDepth: 100 })).rejects.toThrow(
      LimitExceededError,
    );
    const [root, ...ds] = await dischargeAll(m, (r) =>
      discharge({ id: r.id, caveat: r.caveat, key: tp, checker: () => [] }),
    );
    expect(root?.equals(m.macaroon)).toBe(true);
    expect(ds).toHaveLength(1);
  });
});
