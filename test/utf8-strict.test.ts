/**
 * utf8DecodeStrict checks well-formedness before decoding (binary fields are most often not UTF-8, and a
 * scan costs far less than a thrown exception): it must agree with a fatal TextDecoder on every input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8DecodeStrict } from '../src/bytes.js';

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
function reference(bytes: Uint8Array): string | undefined {
  try {
    return fatal.decode(bytes);
  } catch {
    return undefined;
  }
}

describe('utf8DecodeStrict', () => {
  it.each([
    ['empty', []],
    ['ascii', [0x61, 0x62]],
    ['2-byte', [0xc3, 0xa9]],
    ['overlong 2-byte', [0xc0, 0xaf]],
    ['overlong 3-byte', [0xe0, 0x80, 0xaf]],
    ['surrogate', [0xed, 0xa0, 0x80]],
    ['last before surrogates', [0xed, 0x9f, 0xbf]],
    ['U+10FFFF', [0xf4, 0x8f, 0xbf, 0xbf]],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['overlong 4-byte', [0xf0, 0x80, 0x80, 0x80]],
    ['truncated', [0xe2, 0x82]],
    ['truncated at the end', [0x61, 0xf0, 0x9f, 0x98]],
    ['lone continuation', [0x80]],
    ['0xff', [0xff]],
    ['BOM kept', [0xef, 0xbb, 0xbf, 0x61]],
    ['U+FFFD itself', [0xef, 0xbf, 0xbd]],
  ])('%s', (_name, bytes) => {
    const b = Uint8Array.from(bytes);
    expect(utf8DecodeStrict(b)).toBe(reference(b));
  });

  it('agrees with a fatal TextDecoder on random bytes and on random text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => utf8DecodeStrict(b) === reference(b)),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 32 }), fc.nat(40), fc.nat(255), (text, at, byte) => {
        const b = new TextEncoder().encode(text);
        if (at < b.length) b[at] = byte; // one byte changed inside valid UTF-8
        return utf8DecodeStrict(b) === reference(b);
      }),
      { numRuns: 3000 },
    );
  });
});
