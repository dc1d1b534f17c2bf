import { describe, expect, it } from 'vitest';
import { BatchVerifier, KeyLookupError, UnknownRootKeyError } from '../../src/gateway/index.js';
import { EngineError, Macaroon, type NotAuthorizedError, Verifier } from '../../src/index.js';

import { ROOT_KEY } from './fixtures.js';

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
