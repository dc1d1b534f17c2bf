/**
 * The small base64 module ready() decodes the embedded builds with (assembly/bootstrap.ts): the very
 * bytes of each build, the bytes of Buffer's decoder for any base64, and undefined (the TS decoder then
 * decodes) for anything it does not take or when it cannot run.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as builds from '../../src/engine/wasm-bytes.js';
import { decodeWithModule } from '../../src/engine/wasm-modules.js';

describe('the bootstrap base64 module', () => {
  it('decodes each embedded build to the bytes of the build', () => {
    for (const text of [builds.scalar, builds.simd]) {
      expect(Buffer.from(decodeWithModule(builds.bootstrap, text) as Uint8Array)).toEqual(
        Buffer.from(text, 'base64'),
      );
    }
  });

  it('decodes base64 of every length, padded or not, as Buffer does', () => {
    for (let n = 0; n <= 200; n++) {
      const bytes = randomBytes(n);
      for (const text of [bytes.toString('base64'), bytes.toString('base64').replace(/=+$/, '')]) {
        expect(Buffer.from(decodeWithModule(builds.bootstrap, text) as Uint8Array)).toEqual(bytes);
      }
    }
    const big = randomBytes(300_000); // over the module's first page of memory: it grows
    expect(Buffer.from(decodeWithModule(builds.bootstrap, big.toString('base64')) as Uint8Array)).toEqual(
      big,
    );
  });

  it('gives undefined for text it does not take, or when the module cannot run', () => {
    expect(decodeWithModule(builds.bootstrap, 'AAAA\nAAAA')).toBeUndefined();
    expect(decodeWithModule(builds.bootstrap, 'AAAé')).toBeUndefined();
    expect(decodeWithModule('AGFzbQ==', 'AAAA')).toBeUndefined(); // not a whole module
  });
});
