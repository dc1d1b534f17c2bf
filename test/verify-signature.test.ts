/** verifySignature: the chain only, and the first-party predicates of every macaroon walked. */
import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  InvalidArgumentError,
  Macaroon,
  NotAuthorizedError,
  verifySignature,
} from '../src/index.js';

const key = 'verify signature root key';
const binary = new Uint8Array([0xfe, 0x01]);
const root = Macaroon.create('', key, 'root')
  .addFirstPartyCaveat('account = 42')
  .addFirstPartyCaveat(binary)
  .addThirdPartyCaveat('tp', 'ck', 'tp-id');
const discharge = root.prepareForRequest(
  Macaroon.create('tp', 'ck', 'tp-id').addFirstPartyCaveat('time < 2001-01-01'),
);

describe('verifySignature', () => {
  it('returns every first-party predicate, root first, without judging any', () => {
    expect(verifySignature(root, key, [discharge])).toEqual(['account = 42', binary, 'time < 2001-01-01']);
    expect(verifySignature(root.serialize(), key, [discharge.toBytes()])).toEqual([
      'account = 42',
      binary,
      'time < 2001-01-01',
    ]);
  });

  it('refuses a broken chain as verify does', () => {
    const refused = (f: () => unknown) => expect(f).toThrow(NotAuthorizedError);
    refused(() => verifySignature(root, 'wrong key', [discharge]));
    refused(() => verifySignature(root, key)); // discharge missing
    refused(() => verifySignature(root, key, [Macaroon.create('tp', 'ck', 'tp-id')])); // unbound
    refused(() => verifySignature(root, key, [discharge, discharge])); // unused
  });

  it('bad input is a typed error', () => {
    expect(() => verifySignature('not a macaroon', key)).toThrow(DecodeError);
    expect(() => verifySignature(root, key, 'x' as never)).toThrow(InvalidArgumentError);
    expect(() => verifySignature(42 as never, key)).toThrow(InvalidArgumentError);
  });
});
