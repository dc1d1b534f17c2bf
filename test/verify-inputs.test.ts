/** verify and verifyUnsafe take what verifyBatch takes: a Macaroon, or a token as text or bytes. */
import { describe, expect, it } from 'vitest';
import { DecodeError, Macaroon, NotAuthorizedError, Verifier } from '../src/index.js';

const key = 'root key for input tests';
const caveatKey = 'caveat key for input tests';
const root = Macaroon.create('', key, 'id')
  .addFirstPartyCaveat('a = 1')
  .addThirdPartyCaveat('tp', caveatKey, 'tp-id');
const discharge = root.prepareForRequest(Macaroon.create('tp', caveatKey, 'tp-id'));
const verifier = new Verifier().satisfyExact('a = 1');

describe('verify inputs', () => {
  it.each([
    ['Macaroon objects', root, discharge],
    ['V2 text', root.serialize('v2'), discharge.serialize('v2')],
    ['V2 JSON text', root.serialize('v2j'), discharge.serialize('v2j')],
    ['V2 bytes', root.toBytes('v2'), discharge.toBytes('v2')],
    ['V1 text', root.serialize('v1'), discharge.serialize('v1')],
  ])('%s', (_name, m, d) => {
    expect(() => verifier.verify(m, key, [d])).not.toThrow();
    expect(verifier.verifyUnsafe(m, key, [d])).toBe(true);
    expect(verifier.verifyUnsafe(m, 'another key', [d])).toBe(false);
    expect(verifier.verifyBatch([{ macaroon: m, rootKey: key, discharges: [d] }])).toEqual([{ ok: true }]);
  });

  it('a string that is not a macaroon is a DecodeError, in verify and verifyUnsafe alike', () => {
    expect(() => verifier.verify('not a macaroon', key)).toThrow(DecodeError);
    expect(() => verifier.verifyUnsafe(root, key, ['not a macaroon'])).toThrow(DecodeError);
  });

  it('a missing discharge is still refused', () => {
    expect(() => verifier.verify(root.serialize(), key)).toThrow(NotAuthorizedError);
  });
});
