/** What a person debugging sees: console.log of a macaroon, caveat predicates, discharge errors. */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../src/bytes.js';
import { base64UrlEncode } from '../src/codec/base64.js';
import { Macaroon, NotAuthorizedError, Verifier } from '../src/index.js';

const key = 'inspect test root key';
const m = Macaroon.create('https://api.example/', key, 'user-42')
  .addFirstPartyCaveat('account = 42')
  .addFirstPartyCaveat(new Uint8Array([0xff, 0x00, 0x01]))
  .addThirdPartyCaveat('https://auth.example/', 'caveat key', 'check-mfa');

describe('util.inspect', () => {
  const text = inspect(m);

  it('shows the location, the identifier and every caveat', () => {
    expect(text).toContain("location: 'https://api.example/'");
    expect(text).toContain("identifier: 'user-42'");
    expect(text).toContain("'account = 42'");
    expect(text).toContain(`'base64:${base64UrlEncode(new Uint8Array([0xff, 0x00, 0x01]))}'`);
    expect(text).toContain("thirdParty: 'https://auth.example/'");
    expect(text).toContain("identifier: 'check-mfa'");
    expect(text.startsWith('Macaroon {')).toBe(true);
  });

  it('never shows the signature, in any encoding, nor the vid', () => {
    for (const shown of [text, inspect(m, { depth: 10, showHidden: true }), inspect([m, { m }])]) {
      expect(shown).not.toContain(bytesToHex(m.signature));
      expect(shown).not.toContain(base64UrlEncode(m.signature));
      expect(shown).not.toContain(`${String(m.signature[0])}, ${String(m.signature[1])}`);
      expect(shown).not.toContain(base64UrlEncode(m.caveats[2]?.verificationId ?? new Uint8Array(0)));
    }
  });
});

describe('caveat predicates', () => {
  it('are strings where the caveat is UTF-8 first-party, absent otherwise', () => {
    expect(m.caveats.map((c) => c.predicate)).toEqual(['account = 42', undefined, undefined]);
  });
});

describe('discharge errors name the likely cause', () => {
  const root = Macaroon.create('', key, 'root').addThirdPartyCaveat('tp', 'ck', 'tp-id');
  const discharge = Macaroon.create('tp', 'ck', 'tp-id');
  const error = (f: () => void): NotAuthorizedError => {
    try {
      f();
    } catch (e) {
      if (e instanceof NotAuthorizedError) return e;
    }
    throw new Error('expected a NotAuthorizedError');
  };

  it('an unbound discharge says to bind it', () => {
    const e = error(() => new Verifier().verify(root, key, [discharge]));
    expect(e.reason).toBe('signature-mismatch');
    expect(e.message).toMatch(/not bound to this root macaroon/);
    expect(e.message).toMatch(/prepareForRequest/);
  });

  it('a discharge bound to another root says so too', () => {
    const other = Macaroon.create('', key, 'other').addThirdPartyCaveat('tp', 'ck', 'tp-id');
    const e = error(() => new Verifier().verify(root, key, [other.prepareForRequest(discharge)]));
    expect(e.message).toMatch(/bound to another root/);
  });

  it('a wrong root key is named as such', () => {
    const plain = Macaroon.create('', key, 'plain');
    const e = error(() => new Verifier().verify(plain, 'wrong'));
    expect(e.message).toMatch(/wrong root key/);
  });
});
