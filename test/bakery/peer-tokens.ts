/**
 * Helpers shared by the bakery vector and interoperability tests: read a peer's keys and plans, replay a
 * peer's macaroon with its own randomness (to compare bytes), discharge with this library, and judge.
 */

import { TP1, TP2 } from '../../scripts/vectors/bakery-plans.js';
import {
  BakeryMacaroon,
  type Caveat,
  checkers,
  decodeCaveat,
  discharge,
  dischargeAll,
  KeyPair,
  ThirdPartyStore,
} from '../../src/bakery/index.js';
import { addCaveatWith } from '../../src/bakery/macaroon.js';
import { utf8DecodeStrict } from '../../src/bytes.js';
import { base64Decode } from '../../src/codec/base64.js';
import { Macaroon, NotAuthorizedError, Verifier } from '../../src/index.js';

export interface PeerKeys {
  readonly svc: { public: string; private: string };
  readonly tp1: { public: string; private: string };
  readonly tp2: { public: string; private: string };
}

export interface DischargerSpec {
  readonly expectCondition?: string;
  readonly refuse?: string;
  readonly caveats: readonly Caveat[];
}

export function keyPairs(keys: PeerKeys) {
  return {
    svc: KeyPair.fromJSON(keys.svc),
    tp1: KeyPair.fromJSON(keys.tp1),
    tp2: KeyPair.fromJSON(keys.tp2),
  };
}

export function locatorFor(keys: PeerKeys, version: 0 | 1 | 2 | 3 = 3): ThirdPartyStore {
  return new ThirdPartyStore()
    .add(TP1, { publicKey: keys.tp1.public, version })
    .add(TP2, { publicKey: keys.tp2.public, version });
}

/** The caveat payload of a third-party caveat: the caveat data (v3) or the id itself. */
export function payloadOf(m: BakeryMacaroon, id: Uint8Array): Uint8Array {
  return m.caveatPayload(id) ?? id;
}

/** The nonce inside an encrypted caveat (v1: the JSON wrapper's; v2/v3: bytes 37 to 61). */
export function caveatNonce(payload: Uint8Array): Uint8Array {
  if (payload[0] === 2 || payload[0] === 3) return payload.slice(37, 61);
  const wrapper = JSON.parse(utf8DecodeStrict(base64Decode(utf8DecodeStrict(payload) as string)) as string);
  return base64Decode(wrapper.Nonce);
}

/**
 * Rebuilds a peer's macaroon here: same id, same caveats, and for each third-party caveat the peer's own
 * caveat root key, box nonce and vid nonce (recovered with the third party's key). A byte-identical
 * result proves the encoding and the chain are the peer's.
 */
export async function replay(
  peer: BakeryMacaroon,
  keys: PeerKeys,
  rootKey: Uint8Array,
): Promise<BakeryMacaroon> {
  const kp = keyPairs(keys);
  const locator = locatorFor(keys);
  const pm = peer.macaroon;
  let m = BakeryMacaroon.create({
    rootKey,
    id: pm.identifier,
    location: pm.location,
    version: peer.version,
    namespace: peer.namespace,
  });
  for (const c of pm.caveats) {
    if (!c.verificationId) {
      m = await m.addCaveat({ condition: utf8DecodeStrict(c.identifier) as string });
      continue;
    }
    const payload = payloadOf(peer, c.identifier);
    const tp = c.location === TP1 ? kp.tp1 : kp.tp2;
    const info = decodeCaveat(tp, payload);
    const randomness = {
      rootKey: info.rootKey,
      nonce: caveatNonce(payload),
      vidNonce: c.verificationId.slice(0, 24),
    };
    m = await addCaveatWith(
      m,
      { location: c.location as string, condition: info.condition },
      { key: kp.svc, locator },
      () => randomness,
    );
  }
  return m;
}

/** Discharges every third-party caveat of `m` HERE, with the dischargers' specs, and binds. */
export async function dischargeHere(
  m: BakeryMacaroon,
  keys: PeerKeys,
  specs: Readonly<Record<string, DischargerSpec>>,
): Promise<Macaroon[]> {
  const kp = keyPairs(keys);
  const locator = locatorFor(keys);
  return dischargeAll(m, ({ location, id, caveat }) => {
    const spec = specs[location];
    if (!spec) throw new Error(`no discharger at ${location}`);
    return discharge({
      id,
      caveat,
      key: location === TP1 ? kp.tp1 : kp.tp2,
      locator,
      checker: (info) => {
        if (spec.expectCondition !== undefined && info.condition !== spec.expectCondition) {
          throw new Error(`unexpected condition ${info.condition}`);
        }
        if (spec.refuse) throw new Error(spec.refuse);
        return spec.caveats;
      },
    });
  });
}

/** Our verdict on a slice with the std checker at `nowMs`: 'ok' or the NotAuthorizedError message. */
export function judge(
  slice: readonly Macaroon[],
  rootKey: Uint8Array,
  nowMs: number,
  engine: 'js' | 'wasm' = 'wasm',
): { ok: boolean; error?: string } {
  const [root, ...ds] = slice as [Macaroon, ...Macaroon[]];
  try {
    new Verifier({ engine })
      .satisfyChecker(checkers.std())
      .verify(root, rootKey, ds, { context: { now: nowMs } });
    return { ok: true };
  } catch (e) {
    if (e instanceof NotAuthorizedError) return { ok: false, error: e.message };
    throw e;
  }
}

/** A peer's slice (plain macaroon JSON objects) as Macaroons. */
export function sliceFromJson(slice: readonly unknown[]): Macaroon[] {
  return slice.map((j) => BakeryMacaroon.fromJSON(j).macaroon);
}

export { Macaroon };
