// FlyGateway with `batch`: requests arriving together are verified in one batch (one engine call per
// round of chains), with the decisions each request gets on its own.
import { afterEach, describe, expect, it } from 'vitest';
import { setWasmEngine, wasmEngineLoaded } from '../../src/engine/registry.js';
import { tsEngine } from '../../src/engine/ts.js';
import type { Engine, HmacChain } from '../../src/engine/types.js';
import {
  encodeFlyToken,
  type FlyDecision,
  FlyGateway,
  FlyMacaroon,
  toFlyHeader,
} from '../../src/fly/index.js';

const key = new Uint8Array(32).fill(4);
const authKey = new Uint8Array(32).fill(8);
const kid = new TextEncoder().encode('org-7-key-1');
const base = FlyMacaroon.create({ key, kid, location: 'https://api.fly.io/v1' });
const plain = base.attenuate([{ type: 'Organization', body: { id: 7, mask: 'r' } }]);
const withTicket = base.addThirdParty({ key: authKey, location: 'https://auth.example/' });
const ticket = (withTicket.thirdPartyTickets()[0] as { ticket: Uint8Array }).ticket;
const discharge = FlyMacaroon.dischargeTicket({
  key: authKey,
  location: 'https://auth.example/',
  ticket,
}).discharge.bindToParent(withTicket);
const tampered = plain.toBytes();
tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
const headers = (value?: string) => new Headers(value === undefined ? {} : { authorization: value });
const read = { action: 'r', orgid: 7 };

/** The TS engine, counting its chain calls, installed as the 'wasm' engine for the test. */
function counting(): { engine: Engine; calls: number[] } {
  const calls: number[] = [];
  const engine: Engine = {
    name: 'wasm-simd',
    verify: tsEngine.verify,
    hmacChains(chains: readonly HmacChain[]) {
      calls.push(chains.length);
      return tsEngine.hmacChains?.(chains) ?? [];
    },
  };
  return { engine, calls };
}

/** A decision as data (a 200's token as its encoding). */
function view(d: FlyDecision): unknown {
  return d.status === 200 ? { status: 200, token: d.token.encode(), caveats: d.caveats } : d;
}

const loaded = wasmEngineLoaded();
afterEach(() => setWasmEngine(loaded));

describe('FlyGateway batch', () => {
  const cases: [string, string | undefined, object][] = [
    ['plain', toFlyHeader([plain]), read],
    ['denied', toFlyHeader([plain]), { action: 'w', orgid: 7 }],
    ['third party, bound discharge', toFlyHeader([withTicket, discharge]), read],
    ['discharge missing', toFlyHeader([withTicket]), read],
    ['tampered tail', toFlyHeader([encodeFlyToken(tampered)]), read],
    ['malformed', 'FlyV1 fm2_!!!!', read],
    ['missing', undefined, read],
  ];

  it('gives every request the decision it gets alone, from one chain call per round', async () => {
    const { engine, calls } = counting();
    setWasmEngine(engine);
    const keys = async (k: Uint8Array) => (new TextDecoder().decode(k) === 'org-7-key-1' ? key : undefined);
    const alone = new FlyGateway({ keys, engine: 'js' });
    const batched = new FlyGateway({ keys, engine: 'wasm', batch: true });
    const want = await Promise.all(cases.map(([, h, a]) => alone.authorize(headers(h), a as never)));
    expect(want.map((d) => d.status)).toEqual([200, 401, 200, 401, 401, 400, 401]);
    const got = await Promise.all(cases.map(([, h, a]) => batched.authorize(headers(h), a as never)));
    expect(got.map(view)).toEqual(want.map(view));
    // Five requests reached verification together: the permission chains in one call, the discharge in
    // the next, the discharge proof's finalization in the last.
    expect(calls).toEqual([5, 1, 1]);
  });

  it('takes the micro-batcher options, and a fixed key', async () => {
    const { engine, calls } = counting();
    setWasmEngine(engine);
    const gateway = new FlyGateway({ keys: key, engine: 'wasm', batch: { maxBatchSize: 2 } });
    const got = await Promise.all(
      [0, 1, 2, 3].map(() => gateway.authorize(headers(toFlyHeader([plain])), read)),
    );
    expect(got.map((d) => d.status)).toEqual([200, 200, 200, 200]);
    expect(calls).toEqual([2, 2]);
  });
});
