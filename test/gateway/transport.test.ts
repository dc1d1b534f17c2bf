import { describe, expect, it } from 'vitest';
import { extractTokens } from '../../src/gateway/index.js';
import { DecodeError, Macaroon } from '../../src/index.js';

import { headers, withDischarge } from './fixtures.js';

describe('token transport', () => {
  const [root, bound] = withDischarge('42') as [Macaroon, Macaroon];

  it('reads Authorization: Macaroon with a single token or any bundle form', () => {
    for (const value of [
      root.serialize(),
      root.serialize('v1j'),
      Macaroon.serializeBundle([root, bound]),
      Macaroon.serializeBundle([root, bound], 'json'),
      Macaroon.serializeBundle([root, bound], 'bakery'),
    ]) {
      const found = extractTokens(headers({ authorization: `macaroon   ${value}` }));
      expect(found).toEqual([{ source: 'authorization', value }]);
    }
  });

  it('ignores other Authorization schemes; an empty Macaroon one is a failing candidate', () => {
    expect(extractTokens(headers({ authorization: 'Bearer abc' }))).toEqual([]);
    const [empty] = extractTokens(headers({ authorization: 'Macaroon   ' }));
    expect(empty?.error).toBeInstanceOf(DecodeError);
  });

  it('reads repeated Macaroons headers and macaroon-* cookies (quoted or percent-encoded)', () => {
    const a = Macaroon.serializeBundle([root, bound], 'bakery');
    const b = Macaroon.serializeBundle([root], 'bakery');
    const c = Macaroon.serializeBundle([bound], 'bakery');
    const d = Macaroon.serializeBundle([bound, root], 'bakery');
    const h = new Headers();
    h.append('Macaroons', a);
    h.append('Macaroons', b);
    h.set(
      'cookie',
      `session=1; macaroon-abc="${c}"; other=macaroon-x; macaroon-def=${encodeURIComponent(d)}`,
    );
    expect(extractTokens(h)).toEqual([
      { source: 'macaroons-header', value: a },
      { source: 'macaroons-header', value: b },
      { source: 'cookie', name: 'macaroon-abc', value: c },
      { source: 'cookie', name: 'macaroon-def', value: d },
    ]);
  });

  it('keeps repeated values once, and caps candidates only when asked', () => {
    const t = root.serialize();
    const u = bound.serialize();
    const h = headers({ macaroons: [t, u, t].join(', '), cookie: `macaroon-a=${t}; macaroon-b=${u}` });
    expect(extractTokens(h)).toHaveLength(2);
    expect(extractTokens(h, { maxTokens: 1 })).toEqual([{ source: 'macaroons-header', value: t }]);
  });
});
