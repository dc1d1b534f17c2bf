// The Authorization header written the usual way (`Macaroon <token>`) is read by a shortcut; every
// other spelling by the general reading. A leading space changes nothing for the general reading (it
// trims) but always takes the general one: both must find the same candidates for any header.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractTokens } from '../../src/gateway/index.js';

const lookup = (authorization: string) => ({
  get: (name: string) => (name === 'authorization' ? authorization : null),
});

const scheme = fc.constantFrom(
  'Macaroon',
  'macaroon',
  'MACAROON',
  'Bearer',
  'Mac',
  'Macaroons',
  'K',
  'Macaroon\u212a',
  'Mac aroon',
);
const space = fc.constantFrom(' ', '  ', '\t', '\u00a0', '\u2003', '\ufeff', '\n', '');
const text = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'Z', '0', '=', '-', '_', '"', '\u00e9', ' ', '\t') }),
  fc.constantFrom('AgEL', 'eyJ2Ijoy', 'W3siYyI6'),
);
// Mostly `<scheme><space><token>…`, the shape the shortcut looks for, with anything around it.
const header = fc.oneof(
  fc.tuple(scheme, space, text, fc.array(fc.oneof(scheme, space, text), { maxLength: 3 })),
  fc.tuple(space, scheme, space, text),
  fc.array(fc.oneof(scheme, space, text), { maxLength: 6 }),
);

describe('Authorization shortcut', () => {
  it('finds what the general reading finds, for any header', () => {
    const schemes = fc.constantFrom(
      undefined,
      ['Macaroon'],
      ['Bearer', 'Macaroon'],
      ['macaroon'],
      ['Mac'],
      ['Mac aroon'],
    );
    fc.assert(
      fc.property(header, schemes, (parts, s) => {
        const header = parts.flat().join('');
        const options = s === undefined ? {} : { schemes: s };
        const found = extractTokens(lookup(header), options);
        const general = extractTokens(lookup(` ${header}`), options);
        expect(found.map((c) => ({ ...c, error: c.error?.message }))).toEqual(
          general.map((c) => ({ ...c, error: c.error?.message })),
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('reads the usual spelling, and leaves whitespace at the ends to the general reading', () => {
    expect(extractTokens(lookup('Macaroon AgEL x='))).toEqual([
      { source: 'authorization', value: 'AgEL x=' },
    ]);
    expect(extractTokens(lookup('Macaroon AgEL\t'))).toEqual([{ source: 'authorization', value: 'AgEL' }]);
    expect(extractTokens(lookup('Macaroon \u00a0AgEL'))).toEqual([
      { source: 'authorization', value: 'AgEL' },
    ]);
    expect(extractTokens(lookup('Macaroon AgEL'), { schemes: ['Bearer'] })).toEqual([]);
    // A scheme of extractTokens' own options with a space in it names nothing: the scheme ends there.
    expect(extractTokens(lookup('Mac aroon AgEL'), { schemes: ['Mac aroon'] })).toEqual([]);
  });
});
