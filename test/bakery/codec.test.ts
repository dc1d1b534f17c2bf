/**
 * Third-party caveat encoding and decoding: the layout of each version, the errors of decodeCaveat (each a
 * CaveatDecodeError with a stable reason, every length checked as Go checks it), keys in both base64
 * alphabets, and the version a caveat is written in (the lower of the macaroon's and the third party's).
 */
import { describe, expect, it } from 'vitest';
import { boxSeal } from '../../src/bakery/box.js';
import { readUvarint } from '../../src/bakery/codec.js';
import {
  BakeryFormatError,
  BakeryMacaroon,
  CaveatDecodeError,
  checkers,
  decodeCaveat,
  encodeCaveat,
  KeyPair,
  PublicKey,
  ThirdPartyNotFoundError,
  ThirdPartyStore,
} from '../../src/bakery/index.js';
import { privateKeyBytes } from '../../src/bakery/keys.js';
import { base64Decode, base64UrlEncode } from '../../src/codec/base64.js';
import { InvalidArgumentError } from '../../src/index.js';

const svc = KeyPair.generate();
const tp = KeyPair.generate();
const rootKey = new Uint8Array(24).fill(7);
const ns = new checkers.Namespace({ std: '' });

function reasonOf(f: () => unknown): string {
  try {
    f();
    return 'decoded';
  } catch (e) {
    if (e instanceof CaveatDecodeError) return e.reason;
    throw e;
  }
}

function encode(version: 1 | 2 | 3, condition = 'is-user alice'): Uint8Array {
  return encodeCaveat({
    condition,
    rootKey,
    thirdPartyPublicKey: tp.public,
    key: svc,
    namespace: ns,
    version,
  });
}

/** A v2/v3 caveat around a secret we choose, sealed properly: only the secret's framing is wrong. */
function sealedAround(version: 2 | 3, secret: number[]): Uint8Array {
  const nonce = new Uint8Array(24).fill(1);
  const sealed = boxSeal(new Uint8Array(secret), nonce, tp.public.bytes, privateKeyBytes(svc)) as Uint8Array;
  return new Uint8Array([version, ...tp.public.bytes.slice(0, 4), ...svc.public.bytes, ...nonce, ...sealed]);
}

describe('layout', () => {
  it('v1 ids are std base64 of the JSON wrapper', () => {
    const id = new TextDecoder().decode(encode(1));
    expect(id.startsWith('eyJ')).toBe(true);
    const wrapper = JSON.parse(new TextDecoder().decode(base64Decode(id)));
    expect(Object.keys(wrapper)).toEqual(['ThirdPartyPublicKey', 'FirstPartyPublicKey', 'Nonce', 'Id']);
    expect(wrapper.ThirdPartyPublicKey).toBe(String(tp.public));
    expect(wrapper.FirstPartyPublicKey).toBe(String(svc.public));
  });
  it('v2 and v3 are version || key prefix || adder key || nonce || box; v3 payload is 108 + condition bytes', () => {
    for (const version of [2, 3] as const) {
      const c = encode(version, 'cond');
      expect(c[0]).toBe(version);
      expect(c.slice(1, 5)).toEqual(tp.public.bytes.slice(0, 4));
      expect(c.slice(5, 37)).toEqual(svc.public.bytes);
      expect(c.length).toBe(version === 3 ? 108 + 4 : 1 + 4 + 32 + 24 + 16 + 1 + 1 + 24 + 4);
    }
  });
  it('round-trips condition, root key, version, namespace and adder key', () => {
    for (const version of [1, 2, 3] as const) {
      const info = decodeCaveat(tp, encode(version, 'is-user ålice ✓'));
      expect(info).toMatchObject({ condition: 'is-user ålice ✓', rootKey, version });
      expect(info.firstPartyPublicKey.equals(svc.public)).toBe(true);
      expect(String(info.namespace)).toBe('std:');
    }
  });
  it('Go-style uvarints: 127 and 128 and 300 read back; truncated and overflowing ones are refused', () => {
    expect(readUvarint(new Uint8Array([0x7f]), 0)).toEqual([127, 1]);
    expect(readUvarint(new Uint8Array([0x80, 0x01]), 0)).toEqual([128, 2]);
    expect(readUvarint(new Uint8Array([0xac, 0x02]), 0)).toEqual([300, 2]);
    expect(readUvarint(new Uint8Array([0x80]), 0)[1]).toBe(0);
    expect(readUvarint(new Uint8Array(11).fill(0xff), 0)[1]).toBeLessThan(0);
  });
});

describe('decodeCaveat refuses, with a stable reason', () => {
  it('an empty caveat', () => expect(reasonOf(() => decodeCaveat(tp, new Uint8Array(0)))).toBe('empty'));
  it('an unknown version byte', () => {
    expect(reasonOf(() => decodeCaveat(tp, new Uint8Array([4, ...encode(3).slice(1)])))).toBe(
      'unsupported-version',
    );
  });
  it('a v3 short id sent without its payload', () => {
    expect(reasonOf(() => decodeCaveat(tp, new Uint8Array([3, 0])))).toBe('payload-missing');
    expect(() => decodeCaveat(tp, new Uint8Array([3, 0]))).toThrow(/payload not provided/);
  });
  it('a truncated v2 caveat', () =>
    expect(reasonOf(() => decodeCaveat(tp, encode(2).slice(0, 76)))).toBe('too-short'));
  it('a caveat for another key (the wrong private key)', () => {
    const other = KeyPair.generate();
    for (const v of [1, 2, 3] as const)
      expect(reasonOf(() => decodeCaveat(other, encode(v)))).toBe('public-key-mismatch');
  });
  it('a tampered caveat: every byte of the box flipped in turn', () => {
    for (const v of [2, 3] as const) {
      const c = encode(v);
      for (let i = 37; i < c.length; i++) {
        const t = c.slice();
        t[i] = (t[i] as number) ^ 1;
        expect(reasonOf(() => decodeCaveat(tp, t))).toBe('decryption-failed');
      }
    }
  });
  it('a tampered v1 id', () => {
    const wrapper = JSON.parse(new TextDecoder().decode(base64Decode(new TextDecoder().decode(encode(1)))));
    const sealed = base64Decode(wrapper.Id);
    sealed[20] = (sealed[20] as number) ^ 1;
    wrapper.Id = Buffer.from(sealed).toString('base64');
    const forged = new TextEncoder().encode(Buffer.from(JSON.stringify(wrapper)).toString('base64'));
    expect(reasonOf(() => decodeCaveat(tp, forged))).toBe('decryption-failed');
  });
  it('root key and namespace lengths past the end of the secret (Go checks; Python does not)', () => {
    expect(reasonOf(() => decodeCaveat(tp, sealedAround(2, [2, 30, 1, 2, 3])))).toBe('malformed');
    expect(reasonOf(() => decodeCaveat(tp, sealedAround(3, [3, 1, 9, 40, 0x73])))).toBe('malformed');
    expect(reasonOf(() => decodeCaveat(tp, sealedAround(3, [3, 0x80])))).toBe('malformed');
    expect(reasonOf(() => decodeCaveat(tp, sealedAround(3, [2, 1, 9, 0])))).toBe('malformed');
    expect(decodeCaveat(tp, sealedAround(3, [3, 1, 9, 0, 0x61])).condition).toBe('a');
  });
  it('a namespace that does not parse', () => {
    const ns = [...new TextEncoder().encode('std')];
    expect(reasonOf(() => decodeCaveat(tp, sealedAround(3, [3, 1, 9, ns.length, ...ns])))).toBe('malformed');
  });
});

describe('keys', () => {
  it('are written std base64 with padding and read in both alphabets, padded or not', () => {
    const text = String(tp.public);
    expect(text).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const url = base64UrlEncode(tp.public.bytes);
    expect(PublicKey.from(url).equals(tp.public)).toBe(true);
    expect(PublicKey.from(text.slice(0, 43)).equals(tp.public)).toBe(true);
    expect(() => PublicKey.from('AAAA')).toThrow(InvalidArgumentError);
  });
  it('a low-order public key (all zeros) cannot be encrypted to, as libsodium refuses it', () => {
    const zero = PublicKey.from(new Uint8Array(32));
    expect(() =>
      encodeCaveat({
        condition: 'c',
        rootKey,
        thirdPartyPublicKey: zero,
        key: svc,
        namespace: ns,
        version: 3,
      }),
    ).toThrow(InvalidArgumentError);
  });
  it('key pairs round-trip through bakery JSON; a public key that does not match is refused', () => {
    const again = KeyPair.fromJSON(JSON.stringify(tp));
    expect(again.public.equals(tp.public)).toBe(true);
    expect(() => KeyPair.fromJSON({ public: String(svc.public), private: tp.toJSON().private })).toThrow(
      /not the one/,
    );
    expect(() => KeyPair.fromJSON({ public: String(svc.public) } as never)).toThrow(/missing private key/);
  });
});

describe('adding caveats', () => {
  it('picks the lower of the macaroon version and the third party version', async () => {
    for (const mv of [1, 2, 3] as const) {
      for (const tv of [0, 1, 2, 3] as const) {
        const locator = new ThirdPartyStore().add('https://tp.example/', {
          publicKey: tp.public,
          version: tv,
        });
        const m = await BakeryMacaroon.create({ rootKey, id: 'x', version: mv }).addCaveat(
          { location: 'https://tp.example', condition: 'c' },
          { key: svc, locator },
        );
        const [cav] = m.macaroon.thirdPartyCaveats();
        const payload =
          m.caveatPayload((cav as { identifier: Uint8Array }).identifier) ??
          (cav as { identifier: Uint8Array }).identifier;
        expect(decodeCaveat(tp, payload).version).toBe(Math.max(1, Math.min(mv, tv)));
      }
    }
  });
  it('v3 short ids count up from 03 00; discharges of v3 caveats prefix theirs with the discharge id', async () => {
    const locator = new ThirdPartyStore().add('https://tp.example', { publicKey: tp.public, version: 3 });
    let m = BakeryMacaroon.create({ rootKey, id: 'x' });
    for (let i = 0; i < 2; i++)
      m = await m.addCaveat({ location: 'https://tp.example', condition: 'c' }, { key: svc, locator });
    expect(m.macaroon.thirdPartyCaveats().map((c) => base64UrlEncode(c.identifier))).toEqual(['AwA', 'AwE']);
  });
  it('first-party conditions are resolved through the namespace; an unregistered one becomes an error caveat', async () => {
    const m = await BakeryMacaroon.create({
      rootKey,
      id: 'x',
      namespace: new checkers.Namespace({ std: '', 'https://x': 'x' }),
    }).addCaveats([
      checkers.timeBeforeCaveat(Date.parse('2030-01-01T00:00:00.5Z')),
      { condition: 'is-admin', namespace: 'https://x' },
      { condition: 'foo', namespace: 'https://unknown' },
    ]);
    expect(m.macaroon.caveats.map((c) => new TextDecoder().decode(c.identifier))).toEqual([
      'time-before 2030-01-01T00:00:00.5Z',
      'x:is-admin',
      'error caveat "foo" in unregistered namespace "https://unknown"',
    ]);
  });
  it('an unknown location is a ThirdPartyNotFoundError; a missing key an InvalidArgumentError', async () => {
    const m = BakeryMacaroon.create({ rootKey, id: 'x' });
    await expect(
      m.addCaveat(
        { location: 'https://nowhere', condition: 'c' },
        { key: svc, locator: new ThirdPartyStore() },
      ),
    ).rejects.toThrow(ThirdPartyNotFoundError);
    await expect(m.addCaveat({ location: 'https://nowhere', condition: 'c' })).rejects.toThrow(
      InvalidArgumentError,
    );
  });
});

describe('JSON and formats', () => {
  it('v3 JSON is written in Go spelling by default and Python spelling on request; both read back', async () => {
    const locator = new ThirdPartyStore().add('https://tp.example', { publicKey: tp.public, version: 3 });
    const m = await BakeryMacaroon.create({ rootKey, id: 'x' }).addCaveat(
      { location: 'https://tp.example', condition: 'c' },
      { key: svc, locator },
    );
    const go = m.toJSON() as { v: number; ns: string; cdata: Record<string, string> };
    const py = m.toJSON('python') as typeof go;
    expect(go.v).toBe(3);
    expect(go.ns).toBe('std:');
    expect(Object.keys(go.cdata)).toEqual(['AwA']);
    expect(Object.keys(py.cdata)).toEqual(['AwA=']);
    expect(Object.values(py.cdata)[0]).toMatch(/=*$/);
    for (const json of [go, py, JSON.stringify(m)]) {
      const back = BakeryMacaroon.fromJSON(json);
      expect(back.caveatPayload(new Uint8Array([3, 0]))).toEqual(m.caveatPayload(new Uint8Array([3, 0])));
      expect(back.macaroon.equals(m.macaroon)).toBe(true);
    }
  });
  it('binary and plain formats refuse to drop caveat data unless asked', async () => {
    const locator = new ThirdPartyStore().add('https://tp.example', { publicKey: tp.public, version: 3 });
    const m = await BakeryMacaroon.create({ rootKey, id: 'x' }).addCaveat(
      { location: 'https://tp.example', condition: 'c' },
      { key: svc, locator },
    );
    expect(() => m.serialize('v2')).toThrow(BakeryFormatError);
    expect(m.serialize('v2', { dropCaveatData: true })).toBe(m.macaroon.serialize('v2'));
    expect(BakeryMacaroon.create({ rootKey, id: 'x' }).serialize('v2')).toBeTypeOf('string');
  });
  it('pre-v3 macaroons are plain macaroon JSON; inconsistent wrappers are refused', () => {
    const v1 = BakeryMacaroon.create({ rootKey, id: 'x', version: 1 });
    expect(v1.toJSON()).toHaveProperty('identifier', 'x');
    expect(BakeryMacaroon.fromJSON(v1.toJSON()).version).toBe(1);
    expect(
      BakeryMacaroon.fromJSON(BakeryMacaroon.create({ rootKey, id: 'x', version: 2 }).toJSON()).version,
    ).toBe(2);
    expect(() => BakeryMacaroon.fromJSON({ m: v1.toJSON(), v: 3 })).toThrow(BakeryFormatError);
    expect(() => BakeryMacaroon.fromJSON({ m: {}, v: 4 })).toThrow(BakeryFormatError);
  });
});
