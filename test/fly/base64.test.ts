// The Fly text form's base64 reader (Go's StdEncoding.DecodeString) against Node's decoder: every byte
// string round-trips, and text Go refuses (bad characters, URL-safe alphabet, bad length or padding) is
// refused wherever the bad character stands.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeStdBase64 } from '../../src/fly/text.js';

describe('decodeStdBase64', () => {
  it('decodes what standard padded base64 encodes, at every length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = Buffer.from(bytes).toString('base64');
        expect(decodeStdBase64(text)).toEqual(new Uint8Array(bytes));
        // CR and LF are ignored anywhere, as Go does.
        const wrapped = text.replace(/(.{7})/g, '$1\r\n');
        expect(decodeStdBase64(wrapped)).toEqual(new Uint8Array(bytes));
      }),
    );
  });

  it('refuses a character outside the alphabet at any position, and bad lengths or padding', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 120 }),
        fc.nat(),
        fc.constantFrom('-', '_', '=', ' ', '.', 'é', '\u0000'),
        (bytes, at, bad) => {
          const text = Buffer.from(bytes).toString('base64');
          const i = at % text.length;
          // '=' is refused except where padding may stand.
          if (bad === '=' && i >= text.length - 2) return;
          expect(decodeStdBase64(text.slice(0, i) + bad + text.slice(i + 1))).toBeUndefined();
        },
      ),
    );
    expect(decodeStdBase64('QUJD')).toEqual(new Uint8Array([65, 66, 67]));
    expect(decodeStdBase64('QUI')).toBeUndefined();
    expect(decodeStdBase64('QQ')).toBeUndefined();
    expect(decodeStdBase64('Q===')).toBeUndefined();
    expect(decodeStdBase64('')).toEqual(new Uint8Array(0));
  });
});
