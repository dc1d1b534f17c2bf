/** Macaroon.equals: identifier, caveats and signature count; locations and the wire version do not. */
import { describe, expect, it } from 'vitest';
import { Macaroon } from '../src/index.js';

const KEY = 'root key of the equality tests';
const CAVEAT_KEY = 'caveat key of the equality tests';

function token(): Macaroon {
  return Macaroon.create('https://api.example/', KEY, 'user-42')
    .addFirstPartyCaveat('account = 42')
    .addThirdPartyCaveat('https://auth.example/', CAVEAT_KEY, 'check-mfa');
}

/** The same macaroon, with its locations rewritten in its V2 JSON form. */
function relocated(m: Macaroon, location: string, caveatLocation: string): Macaroon {
  const json = m.toJSON() as { l?: string; c: { l?: string; v?: string; v64?: string }[] };
  json.l = location;
  for (const c of json.c) if (c.v !== undefined || c.v64 !== undefined) c.l = caveatLocation;
  return Macaroon.deserialize(JSON.stringify(json));
}

describe('Macaroon.equals', () => {
  it('ignores the macaroon location', () => {
    const m = token();
    const other = relocated(m, 'https://elsewhere.example/', 'https://auth.example/');
    expect(other.location).toBe('https://elsewhere.example/');
    expect(m.equals(other)).toBe(true);
    expect(other.equals(m)).toBe(true);
  });

  it('ignores caveat locations', () => {
    const m = token();
    const other = relocated(m, m.location, 'https://other-auth.example/');
    expect(other.caveats[1]?.location).toBe('https://other-auth.example/');
    expect(m.equals(other)).toBe(true);
  });

  it('ignores an absent location against a present one, and the wire version', () => {
    const m = token();
    expect(m.equals(relocated(m, '', ''))).toBe(true);
    expect(m.equals(Macaroon.deserialize(m.serialize('v1')))).toBe(true);
    expect(m.equals(Macaroon.deserialize(m.serialize('v1j')))).toBe(true);
  });

  it('counts the identifier, every caveat and the signature', () => {
    const m = token();
    expect(m.equals(m.addFirstPartyCaveat('action = read'))).toBe(false);
    expect(m.equals(Macaroon.create(m.location, KEY, 'user-43').addFirstPartyCaveat('account = 42'))).toBe(
      false,
    );
    const json = m.toJSON() as { s?: string; s64?: string; c: { i: string }[] };
    const otherCaveat = JSON.parse(JSON.stringify(json));
    otherCaveat.c[0].i = 'account = 43';
    expect(m.equals(Macaroon.deserialize(JSON.stringify(otherCaveat)))).toBe(false);
    // Same content, another key: another signature.
    const a = Macaroon.create('l', KEY, 'id');
    const b = Macaroon.create('l', 'another key', 'id');
    expect(a.equals(b)).toBe(false);
  });

  it('tells a first-party caveat from a third-party one with the same identifier and signature', () => {
    const third = Macaroon.create('l', KEY, 'id').addThirdPartyCaveat('l', CAVEAT_KEY, 'cid');
    const json = JSON.parse(third.serialize('v2j'));
    json.c = [{ i: 'cid' }]; // the verification id dropped, the signature kept
    const first = Macaroon.deserialize(JSON.stringify(json));
    expect(first.signature).toEqual(third.signature);
    expect(first.equals(third)).toBe(false);
    expect(third.equals(first)).toBe(false);
  });

  it('is false for anything that is not a Macaroon', () => {
    const m = token();
    expect(m.equals({} as Macaroon)).toBe(false);
    expect(m.equals(null as unknown as Macaroon)).toBe(false);
  });
});
