/** The cache's bounds (entries and bytes), its eviction order and its statistics. */
import { describe, expect, it } from 'vitest';
import { type CacheEntry, VerifiedToken, VerifiedTokenCache } from '../../src/gateway/index.js';

function entry(size: number): CacheEntry {
  const identifier = new Uint8Array([1]);
  return {
    rootKey: 'k',
    identifier,
    digest: 'd',
    caveats: [],
    verified: new VerifiedToken(identifier, undefined, []),
    size,
  };
}

describe('VerifiedTokenCache', () => {
  it('holds at most maxEntries, evicting what was not used lately', () => {
    const cache = new VerifiedTokenCache({ maxEntries: 3 });
    for (const k of ['a', 'b', 'c']) cache.set(k, entry(10));
    expect(cache.get('a')).toBeDefined(); // a is used: b goes first
    cache.set('d', entry(10));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.stats).toMatchObject({ entries: 3, bytes: 30, evictions: 1, hits: 2, misses: 1 });
  });

  it('holds at most maxBytes, and never an entry larger than that', () => {
    const cache = new VerifiedTokenCache({ maxBytes: 100 });
    cache.set('a', entry(60));
    cache.set('b', entry(60));
    expect(cache.stats).toMatchObject({ entries: 1, bytes: 60 });
    expect(cache.get('a')).toBeUndefined();
    cache.set('huge', entry(101));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.get('b')).toBeDefined();
  });

  it('deletes what a revocation names', () => {
    const cache = new VerifiedTokenCache();
    cache.set('a', { ...entry(1), digest: 'x' });
    cache.set('b', { ...entry(1), digest: 'y' });
    expect(cache.deleteWhere((e) => e.digest === 'x')).toBe(1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBeDefined();
  });

  it('hits only the very same text in the same scope, whatever the index files together', () => {
    // An index that files every token under one number: only the comparison of texts tells them apart.
    const cache = new VerifiedTokenCache({}, { of: () => 7 });
    const a = entry(1);
    const b = entry(1);
    cache.set('token-a', a);
    cache.set('token-b', b, 'key-2');
    expect(cache.get('token-a')).toBe(a);
    expect(cache.get('token-b', 'key-2')).toBe(b);
    expect(cache.get('token-b')).toBeUndefined(); // another scope
    expect(cache.get('token-a', 'key-2')).toBeUndefined();
    expect(cache.get('token-')).toBeUndefined();
    expect(cache.get('token-a ')).toBeUndefined();
    expect(cache.delete('token-b')).toBe(false);
    expect(cache.delete('token-b', 'key-2')).toBe(true);
    expect(cache.get('token-a')).toBe(a);
  });

  it('bounds how many entries share one index number (a lookup compares a few texts at most)', () => {
    const cache = new VerifiedTokenCache({}, { of: (t) => (t.startsWith('x') ? 1 : 2) });
    for (let i = 0; i < 10; i++) cache.set(`x${i}`, entry(1));
    cache.set('y', entry(1));
    const held = Array.from({ length: 10 }, (_, i) => cache.get(`x${i}`) !== undefined);
    expect(held).toEqual([false, false, false, false, false, false, true, true, true, true]);
    expect(cache.get('y')).toBeDefined();
    expect(cache.stats).toMatchObject({ entries: 5, evictions: 6 });
  });

  it('admits a token on its second sighting in a scope, or its first with admitOnFirstSight', () => {
    const cache = new VerifiedTokenCache();
    expect(cache.admit('t', 'k1')).toBe(false);
    expect(cache.admit('t', 'k2')).toBe(false);
    expect(cache.admit('t', 'k1')).toBe(true);
    expect(cache.admit('t', 'k2')).toBe(true);
    expect(new VerifiedTokenCache({ admitOnFirstSight: true }).admit('t')).toBe(true);
  });

  it('refuses bad bounds', () => {
    expect(() => new VerifiedTokenCache({ maxEntries: 0 })).toThrow(/maxEntries/);
    expect(() => new VerifiedTokenCache({ maxBytes: 1.5 })).toThrow(/maxBytes/);
  });
});
