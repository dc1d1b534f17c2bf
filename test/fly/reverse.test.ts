/**
 * vectors/fly/reverse.json: tokens minted, attenuated, discharged and bound here, with the verdicts
 * superfly/macaroon gave them (vectors/fly/README.md). We reach the same verdicts, and attenuating the
 * same base with the same caveats still gives the bytes both implementations wrote.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hexToBytes } from '../../src/bytes.js';
import { FlyMacaroon, verifyFly } from '../../src/fly/index.js';

interface ReverseCase {
  readonly name: string;
  readonly header: string;
  readonly key: string;
  readonly location: string;
  readonly access: never;
  readonly now: number;
  readonly trusted3Ps?: Record<string, string[]>;
  readonly go: { ok: boolean; stage?: string; caveats?: unknown };
  readonly base?: string;
  readonly caveats?: never;
  readonly goAttenuated?: string;
}

const file = JSON.parse(readFileSync(new URL('../../vectors/fly/reverse.json', import.meta.url), 'utf8')) as {
  cases: ReverseCase[];
};

describe('tokens made here, as superfly/macaroon judged them', () => {
  it('has third-party, attenuation and denial cases', () => {
    expect(file.cases.filter((c) => c.goAttenuated).length).toBeGreaterThan(4);
    expect(file.cases.filter((c) => c.name.startsWith('third party')).length).toBeGreaterThan(4);
    expect(file.cases.filter((c) => !c.go.ok).length).toBeGreaterThan(3);
  });

  for (const c of file.cases) {
    it(`${c.name} → ${c.go.ok ? 'ok' : c.go.stage}`, () => {
      const trusted3Ps = Object.fromEntries(
        Object.entries(c.trusted3Ps ?? {}).map(([loc, keys]) => [
          loc,
          keys.map((k) => hexToBytes(k) as Uint8Array),
        ]),
      );
      const r = verifyFly(c.header, {
        keys: () => hexToBytes(c.key) as Uint8Array,
        access: c.access,
        now: c.now * 1000,
        trusted3Ps,
        location: c.location,
      });
      expect(r.ok ? 'ok' : r.stage).toBe(c.go.ok ? 'ok' : c.go.stage);
      if (c.go.ok && r.ok) {
        expect(JSON.parse(JSON.stringify(r.caveats))).toEqual(c.go.caveats);
      }
      if (c.base !== undefined && c.caveats !== undefined) {
        const again = FlyMacaroon.decode(c.base).attenuate(c.caveats).encode();
        expect(again).toBe(c.goAttenuated);
        expect(`FlyV1 ${again}`).toBe(c.header);
      }
    });
  }
});
