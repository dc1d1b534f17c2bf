import { describe, expect, it } from 'vitest';
import { base64StdEncode } from '../../src/codec/base64.js';
import {
  BatchVerifier,
  type BundleItem,
  type BundleTarget,
  denial,
  Gateway,
} from '../../src/gateway/index.js';
import { type BatchItem, type BatchResult, type DecodeError, Macaroon, Verifier } from '../../src/index.js';

import { accountFacts, accountToken, accountVerifier, headers, ROOT_KEY, withDischarge } from './fixtures.js';

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
