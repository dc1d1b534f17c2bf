/**
 * canonicalTokenKey: the text of a token is malleable (whitespace inside base64, either alphabet,
 * padding, JSON spacing, V1 or V2, locations, a token split in two words after the scheme), and every
 * such text that still authorizes maps to one key; any other token maps to another key.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Gateway } from '../src/gateway/index.js';
import { canonicalTokenKey, InvalidArgumentError, Macaroon, Verifier } from '../src/index.js';

const ROOT_KEY = 'root key of the canonical-key tests';
const CAVEAT_KEY = 'caveat key of the canonical-key tests';

const root = Macaroon.create('https://api.example/', ROOT_KEY, 'user-42')
  .addFirstPartyCaveat('account = 42')
  .addThirdPartyCaveat('https://auth.example/', CAVEAT_KEY, 'check-mfa');
const discharge = root.prepareForRequest(
  Macaroon.create('https://auth.example/', CAVEAT_KEY, 'check-mfa').addFirstPartyCaveat('mfa = ok'),
);
const verifier = new Verifier().satisfyExact('account = 42').satisfyExact('mfa = ok');
const KEY = canonicalTokenKey(root, [discharge]);

const standardAlphabet = (t: string) => t.replace(/-/g, '+').replace(/_/g, '/');
const padded = (t: string) => t + '='.repeat((4 - (t.length % 4)) % 4);

/** Text rewrites that keep the content: what a tester finds by mutating a valid token. */
const rewrites: Record<string, (text: string) => string> = {
  'standard alphabet': standardAlphabet,
  'mixed alphabets': (t) => t.replace(/-/, '+').replace(/_/g, '/'),
  padding: padded,
  'a newline every 8 characters': (t) => t.replace(/(.{8})/g, '$1\n'),
  'spaces and tabs inside': (t) => t.replace(/(.{5})/g, '$1 \t'),
  'leading and trailing whitespace': (t) => `  \n${t}\r\n `,
};

/** The bundle the gateway receives, as many different texts of one content. */
function bundleTexts(): Record<string, string> {
  const binary = Macaroon.serializeBundle([root, discharge]);
  const texts: Record<string, string> = {
    binary,
    json: Macaroon.serializeBundle([root, discharge], 'json'),
    bakery: Macaroon.serializeBundle([root, discharge], 'bakery'),
    'JSON with other spacing and key order': JSON.stringify(
      [root, discharge].map((m) => Object.fromEntries(Object.entries(m.toJSON()).reverse())),
      null,
      2,
    ),
    'V1 JSON': `[${root.serialize('v1j')},${discharge.serialize('v1j')}]`,
    'other locations': JSON.stringify(
      [root, discharge].map((m) => ({ ...m.toJSON(), l: 'https://elsewhere.example/' })),
    ),
  };
  for (const [name, rewrite] of Object.entries(rewrites)) texts[`binary, ${name}`] = rewrite(binary);
  return texts;
}

describe('canonicalTokenKey', () => {
  it('maps every rewritten text of one bundle to one key, and each still authorizes', async () => {
    const gateway = new Gateway({ rootKey: ROOT_KEY, verifier });
    for (const [name, text] of Object.entries(bundleTexts())) {
      const [m, ...ds] = Macaroon.deserializeBundle(text);
      expect({ name, key: canonicalTokenKey(m as Macaroon, ds) }).toEqual({ name, key: KEY });
      expect(verifier.verifyUnsafe(m as Macaroon, ROOT_KEY, ds)).toBe(true);
      if (/[\r\n]/.test(text)) continue; // not a valid header value
      const decision = await gateway.authorize(new Headers({ authorization: `Macaroon ${text}` }));
      expect({ name, status: decision.status }).toEqual({ name, status: 200 });
      if (decision.status === 200) {
        expect(canonicalTokenKey(decision.macaroon, decision.discharges)).toBe(KEY);
      }
    }
  });

  it('maps a token split into two words after the scheme to the same key', async () => {
    const bare = Macaroon.create('l', ROOT_KEY, 'user-42').addFirstPartyCaveat('account = 42');
    const text = bare.serialize();
    const gateway = new Gateway({ rootKey: ROOT_KEY, verifier });
    const d = await gateway.authorize(
      new Headers({ authorization: `Macaroon ${text.slice(0, 12)} ${text.slice(12)}` }),
    );
    expect(d.status).toBe(200);
    if (d.status === 200) expect(canonicalTokenKey(d.macaroon)).toBe(canonicalTokenKey(bare));
  });

  it('maps random whitespace, padding and alphabet rewrites of a token to its key', () => {
    const text = root.serialize();
    const key = canonicalTokenKey(root);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(text.length), fc.constantFrom(' ', '\n', '\t', '\r\n')), { maxLength: 8 }),
        fc.boolean(),
        fc.boolean(),
        (spaces, standard, pad) => {
          let t = standard ? standardAlphabet(text) : text;
          if (pad) t = padded(t);
          const chars = [...t];
          for (const [at, ws] of spaces.sort((a, b) => b[0] - a[0]))
            chars.splice(Math.min(at, chars.length), 0, ws);
          const m = Macaroon.deserialize(chars.join(''));
          expect(canonicalTokenKey(m)).toBe(key);
          expect(verifier.verifyUnsafe(m, ROOT_KEY, [discharge])).toBe(true);
        },
      ),
    );
  });

  it('gives a different key to a different token', () => {
    const keys = new Set([
      KEY,
      canonicalTokenKey(root),
      canonicalTokenKey(root, [discharge, discharge]),
      canonicalTokenKey(root.addFirstPartyCaveat('time < 2030-01-01T00:00:00Z'), [discharge]),
      canonicalTokenKey(Macaroon.create('https://api.example/', ROOT_KEY, 'user-43'), [discharge]),
      canonicalTokenKey(Macaroon.create('https://api.example/', 'other key', 'user-42')),
      canonicalTokenKey(Macaroon.create('https://api.example/', ROOT_KEY, 'user-42')),
      // The unbound discharge differs from the bound one by its signature only.
      canonicalTokenKey(root, [
        Macaroon.create('x', CAVEAT_KEY, 'check-mfa').addFirstPartyCaveat('mfa = ok'),
      ]),
    ]);
    expect(keys.size).toBe(8);
  });

  it('tells field boundaries apart (length-prefixed fields)', () => {
    const a = Macaroon.create('l', ROOT_KEY, 'ab').addFirstPartyCaveat('c');
    const json = JSON.parse(a.serialize('v2j'));
    const moved = Macaroon.deserialize(JSON.stringify({ ...json, i: 'a', c: [{ i: 'bc' }] }));
    expect(canonicalTokenKey(moved)).not.toBe(canonicalTokenKey(a));
  });

  it('is 43 characters of base64url, and refuses what is not a Macaroon', () => {
    expect(KEY).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(() => canonicalTokenKey('token' as unknown as Macaroon)).toThrow(InvalidArgumentError);
    expect(() => canonicalTokenKey(root, ['d' as unknown as Macaroon])).toThrow(InvalidArgumentError);
  });
});
