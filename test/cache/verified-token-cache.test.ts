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

  it('refuses bad bounds', () => {
    expect(() => new VerifiedTokenCache({ maxEntries: 0 })).toThrow(/maxEntries/);
    expect(() => new VerifiedTokenCache({ maxBytes: 1.5 })).toThrow(/maxBytes/);
  });
});
