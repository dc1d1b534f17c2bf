/**
 * docs/migrating-from-js-macaroon.md, checked: each js-macaroon call next to its replacement here, on
 * the same tokens, with js-macaroon 3.0.4 (the npm package `macaroon`) run for real.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Macaroon, NotAuthorizedError, Verifier } from '../src/index.js';

const js = createRequire(import.meta.url)('macaroon') as {
  newMacaroon(o: {
    identifier: string | Uint8Array;
    location?: string;
    rootKey: string | Uint8Array;
    version?: number;
  }): JsMacaroon;
  importMacaroon(data: unknown): JsMacaroon;
  importMacaroons(data: unknown): JsMacaroon[];
  dischargeMacaroon(
    m: JsMacaroon,
    get: (
      firstPartyLocation: string,
      location: string,
      id: Uint8Array,
      ok: (d: JsMacaroon) => void,
      fail: (e: unknown) => void,
    ) => void,
    onOk: (ms: JsMacaroon[]) => void,
    onError: (e: unknown) => void,
  ): void;
};
interface JsMacaroon {
  readonly signature: Uint8Array;
  addFirstPartyCaveat(c: string | Uint8Array): void;
  addThirdPartyCaveat(key: string | Uint8Array, id: string | Uint8Array, location: string): void;
  bindToRoot(sig: Uint8Array): void;
  exportJSON(): Record<string, unknown>;
  exportBinary(): Uint8Array;
  verify(key: string | Uint8Array, check: (c: string) => string | null, discharges?: JsMacaroon[]): void;
}

const rootKey = 'migration root key, 32 bytes long!';
const caveatKey = 'migration caveat key for the third party';

/**
 * A js-macaroon macaroon with a third-party caveat, read here through its V2 JSON: js-macaroon 3.0.4's
 * ByteBuffer never reads its own capacity (`_capacity` is undefined), so it doubles on every append and
 * `exportBinary()` of a macaroon with a few more fields asks for a typed array of over 4 GiB, which Node
 * 20 refuses (Node 22 allows it). Its bytes are compared with ours where they fit (first-party tokens).
 */
function fromJs(m: JsMacaroon): Macaroon {
  return Macaroon.deserialize(JSON.stringify(m.exportJSON()));
}

function pair() {
  const theirs = js.newMacaroon({
    identifier: 'id-1',
    location: 'https://api.example/',
    rootKey,
    version: 2,
  });
  theirs.addFirstPartyCaveat('account = 42');
  let ours = Macaroon.create('https://api.example/', rootKey, 'id-1', { version: 2 });
  ours = ours.addFirstPartyCaveat('account = 42');
  return { theirs, ours };
}

describe('js-macaroon → macaroon-engine, call by call', () => {
  it('newMacaroon + addFirstPartyCaveat = Macaroon.create + addFirstPartyCaveat (same token)', () => {
    const { theirs, ours } = pair();
    expect(ours.toJSON()).toEqual(theirs.exportJSON());
    expect(ours.toBytes()).toEqual(theirs.exportBinary());
  });

  it('importMacaroon = Macaroon.deserialize; importMacaroons = Macaroon.deserializeBundle', () => {
    const { theirs, ours } = pair();
    expect(Macaroon.deserialize(theirs.exportBinary()).equals(ours)).toBe(true);
    expect(Macaroon.deserialize(JSON.stringify(theirs.exportJSON())).equals(ours)).toBe(true);
    expect(js.importMacaroon(ours.toJSON()).signature).toEqual(ours.signature);
    const bundle = Macaroon.serializeBundle([ours, ours.addFirstPartyCaveat('x = 1')], 'json');
    expect(js.importMacaroons(JSON.parse(bundle)).map((m) => m.signature)).toEqual(
      Macaroon.deserializeBundle(bundle).map((m) => m.signature),
    );
  });

  it('addThirdPartyCaveat(key, id, location) = addThirdPartyCaveat(location, key, id); bindToRoot = prepareForRequest', () => {
    const { theirs } = pair();
    theirs.addThirdPartyCaveat(caveatKey, 'tp-1', 'https://auth.example/');
    const ours = fromJs(theirs);
    expect(ours.thirdPartyCaveats()).toEqual([
      { location: 'https://auth.example/', identifier: new TextEncoder().encode('tp-1') },
    ]);
    const d = js.newMacaroon({ identifier: 'tp-1', location: 'https://auth.example/', rootKey: caveatKey });
    const ourD = Macaroon.deserialize(d.exportBinary());
    d.bindToRoot(theirs.signature);
    expect(ours.prepareForRequest(ourD).signature).toEqual(d.signature);

    // Our third-party caveat, discharged and verified by js-macaroon.
    const mine = pair().ours.addThirdPartyCaveat('https://auth.example/', caveatKey, 'tp-2');
    const minted = Macaroon.create('https://auth.example/', caveatKey, 'tp-2');
    const theirsRoot = js.importMacaroon(mine.toJSON());
    const theirsD = js.importMacaroon(mine.prepareForRequest(minted).toJSON());
    expect(() =>
      theirsRoot.verify(rootKey, (c) => (c === 'account = 42' ? null : 'no'), [theirsD]),
    ).not.toThrow();
  });

  it('verify(rootKey, check, discharges) = Verifier.satisfyGeneral(check).verify, same verdicts', () => {
    const { theirs, ours } = pair();
    const check = (c: string) => (c === 'account = 42' ? null : 'unknown caveat');
    const agree = (key: string, condition: (c: string) => boolean) => {
      let theirsOk = true;
      try {
        theirs.verify(key, (c) => (condition(c) ? null : 'refused'));
      } catch {
        theirsOk = false;
      }
      const oursOk = new Verifier().satisfyGeneral((p) => condition(p)).verifyUnsafe(ours, key);
      expect(oursOk).toBe(theirsOk);
      return oursOk;
    };
    expect(check('account = 42')).toBeNull();
    expect(agree(rootKey, (c) => c === 'account = 42')).toBe(true);
    expect(agree(rootKey, () => false)).toBe(false);
    expect(agree('another key', () => true)).toBe(false);
    expect(() => new Verifier().verify(ours, 'another key')).toThrow(NotAuthorizedError);
  });

  it('dischargeMacaroon = thirdPartyCaveats + prepareForRequest (the loop in the guide)', async () => {
    const { theirs } = pair();
    theirs.addThirdPartyCaveat(caveatKey, 'tp-outer', 'https://auth.example/');
    const inner = 'inner third-party key';
    const mintDischarge = (id: string) => {
      const d = js.newMacaroon({
        identifier: id,
        location: 'https://auth.example/',
        rootKey: id === 'tp-outer' ? caveatKey : inner,
      });
      if (id === 'tp-outer') d.addThirdPartyCaveat(inner, 'tp-inner', 'https://inner.example/');
      return d;
    };
    const theirsAll = await new Promise<JsMacaroon[]>((resolve, reject) =>
      js.dischargeMacaroon(
        theirs,
        (_first, _loc, id, ok) => ok(mintDischarge(new TextDecoder().decode(id))),
        resolve,
        reject,
      ),
    );

    // The guide's loop.
    async function discharge(
      root: Macaroon,
      getDischarge: (location: string, caveatId: Uint8Array) => Promise<Macaroon>,
    ): Promise<Macaroon[]> {
      const bound: Macaroon[] = [];
      const pending = [root];
      for (let m = pending.pop(); m; m = pending.pop()) {
        for (const { location, identifier } of m.thirdPartyCaveats()) {
          const d = await getDischarge(location, identifier);
          bound.push(root.prepareForRequest(d));
          pending.push(d);
        }
      }
      return bound;
    }
    const root = fromJs(theirs);
    const ours = await discharge(root, async (_loc, id) =>
      Macaroon.deserialize(mintDischarge(new TextDecoder().decode(id)).exportBinary()),
    );
    // js-macaroon's list starts with the root; the discharges differ only in the random nonces of
    // third-party caveats, so compare what verification needs: both sets verify, each in the other library.
    const verifier = new Verifier().satisfyExact('account = 42');
    expect(verifier.verifyUnsafe(root, rootKey, ours)).toBe(true);
    const theirsDischarges = theirsAll.slice(1).map((d) => Macaroon.deserialize(d.exportBinary()));
    expect(verifier.verifyUnsafe(root, rootKey, theirsDischarges)).toBe(true);
    expect(() =>
      js.importMacaroon(root.toJSON()).verify(
        rootKey,
        (c) => (c === 'account = 42' ? null : 'no'),
        ours.map((d) => js.importMacaroon(d.toJSON())),
      ),
    ).not.toThrow();
  });
});
