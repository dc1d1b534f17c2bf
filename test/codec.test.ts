import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, utf8Encode } from '../src/bytes.js';
import { base64Decode, base64StdEncode, base64UrlEncode } from '../src/codec/base64.js';
import { splitBinaryBundle } from '../src/codec/bundle.js';
import {
  DecodeError,
  EncodeError,
  InvalidArgumentError,
  LimitExceededError,
  Macaroon,
  Verifier,
} from '../src/index.js';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { addThirdPartyCaveatWithNonce } from '../src/macaroon.js';

const hex = (b: Uint8Array) => bytesToHex(b);
const fromHex = (h: string) => hexToBytes(h) as Uint8Array;
const ascii = (s: string) => new TextDecoder().decode(base64Decode(s));

function decodeError(f: () => unknown): DecodeError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    expect((e as DecodeError).code).toBe('ERR_DECODE');
    return e as DecodeError;
  }
  throw new Error('expected a DecodeError');
}

describe('base64 (docs/wire-formats.md, go-macaroon marshal_test.go vectors)', () => {
  it('reads both alphabets, padded or not', () => {
    for (const s of ['Z29+IQ==', 'Z29-IQ==', 'Z29+IQ', 'Z29-IQ']) expect(ascii(s)).toBe('go~!');
  });
  it('skips line breaks, as in the libmacaroons README token', () => {
    expect(ascii('Z29+\nIQ==\n')).toBe('go~!');
  });
  it('rejects over-padding, bad characters and impossible lengths', () => {
    decodeError(() => base64Decode('Z29+IQ==='));
    decodeError(() => base64Decode('Z29*IQ'));
    decodeError(() => base64Decode('Z29+I'));
    decodeError(() => base64Decode('Z2=9+IQ'));
  });
  it('decodes plain tokens (fast path) exactly as the lenient decoder does', () => {
    // A leading space sends any input down the lenient path, which skips whitespace.
    const outcome = (text: string) => {
      try {
        return base64UrlEncode(base64Decode(text));
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
        return 'error';
      }
    };
    const alphabet = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_=*é '];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }), (chars) => {
        const text = chars.join('');
        expect(outcome(text)).toBe(outcome(` ${text}`));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes URL-safe unpadded tokens and standard padded bakery values', () => {
    const bytes = utf8Encode('go~!?');
    expect(base64UrlEncode(bytes)).toBe('Z29-IT8');
    expect(base64StdEncode(bytes)).toBe('Z29+IT8=');
    for (let n = 0; n < 70; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      expect(base64Decode(base64UrlEncode(data))).toEqual(data);
      expect(base64Decode(base64StdEncode(data))).toEqual(data);
    }
  });
});

// libmacaroons test/unit vectors (docs/peers.md#published-examples).
const B_V2_PLAIN = 'AgETaHR0cDovL2V4YW1wbGUub3JnLwIFa2V5aWQAAAYgfN7nklEcW8b1KEhYBd_psk54XijiqZMB-dcRxgnjjvc';
const B_V2_CAVEATS =
  'AgETaHR0cDovL2V4YW1wbGUub3JnLwIFa2V5aWQAAhRhY2NvdW50ID0gMzczNTkyODU1OQACDHVzZXIgPSBhbGljZQAABiBL6WfNHqDGsmuvakqU7psFsViG2guoXoxCqTyNDhJe_A';

describe('V2 binary', () => {
  it('writes the libmacaroons unit-test bytes exactly', () => {
    const m = Macaroon.create('http://example.org/', 'this is the key', 'keyid');
    expect(m.serialize('v2')).toBe(B_V2_PLAIN);
    const m2 = m.addFirstPartyCaveat('account = 3735928559').addFirstPartyCaveat('user = alice');
    expect(hex(m2.signature)).toBe('4be967cd1ea0c6b26baf6a4a94ee9b05b15886da0ba85e8c42a93c8d0e125efc');
    expect(m2.serialize('v2')).toBe(B_V2_CAVEATS);
    expect(Macaroon.deserialize(B_V2_CAVEATS).equals(m2)).toBe(true);
  });

  it('reads an empty location as pymacaroons writes it, and writes none as go does', () => {
    const sig = 'f00da44ec7d4c6eab3e0d61373ab9d7a91ca943bacc203f375c4b20d05248822';
    const py = Macaroon.deserialize(fromHex(`0201000202696400000620${sig}`));
    const go = Macaroon.deserialize(fromHex(`020202696400000620${sig}`));
    expect(py.location).toBe('');
    expect(hex(py.signature)).toBe(sig);
    expect(hex(py.toBytes('v2'))).toBe(hex(go.toBytes('v2')));
    expect(hex(Macaroon.create('', 'k', 'id').signature)).toBe(sig);
  });

  it('keeps binary identifiers and caveats intact', () => {
    const id = Uint8Array.from([0, 255, 10, 128, 2]);
    const m = Macaroon.create('loc', 'key', id).addFirstPartyCaveat(Uint8Array.from([1, 2, 3, 0xfe]));
    const back = Macaroon.deserialize(m.serialize('v2'));
    expect(back.identifier).toEqual(id);
    expect(back.caveats[0]?.identifier).toEqual(Uint8Array.from([1, 2, 3, 0xfe]));
    expect(back.equals(m)).toBe(true);
  });

  const valid = base64Decode(B_V2_CAVEATS);
  it.each([
    ['a bad version byte', () => Uint8Array.from([3, ...valid.subarray(1)])],
    ['truncation', () => valid.subarray(0, valid.length - 1)],
    ['trailing bytes', () => Uint8Array.from([...valid, 0])],
    ['fields out of order', () => fromHex(`02020269640101610006200000`)],
    ['a varint over 2^31', () => fromHex('0202ffffffff0f')],
    ['a six-byte varint', () => fromHex('020280808080800100')],
    [
      'a first-party caveat with a location',
      () => fromHex(`0202026964000101610202636300000620${'00'.repeat(32)}`),
    ],
    ['a short signature', () => fromHex(`02020269640000061f${'00'.repeat(31)}`)],
    ['no identifier', () => fromHex(`0201016100000620${'00'.repeat(32)}`)],
  ])('rejects %s with a DecodeError', (_name, bytes) => {
    decodeError(() => Macaroon.deserialize(bytes()));
  });

  // A person (or the playground) finds the broken byte from the message alone.
  it.each([
    ['a field out of order', '02020269640101610006200000', /fields out of order at offset 5$/],
    ['a value past the end', '020103616263022078', /header field is truncated at offset 6$/],
    ['a header without identifier', `0201016100000620${'00'.repeat(32)}`, /header at offset 1\)$/],
    [
      'a first-party caveat with a location',
      `0202026964000101610202636300000620${'00'.repeat(32)}`,
      /caveat at offset 6\)$/,
    ],
    ['a short signature', `02020269640000061f${'00'.repeat(31)}`, /expected 32 \(at offset 7\)$/],
  ])('names the byte offset of %s', (_name, hexBytes, message) => {
    expect(() => Macaroon.deserialize(fromHex(hexBytes))).toThrow(message);
  });
});

// libmacaroons README (docs/peers.md#published-examples).
const A_V1_PLAIN =
  'MDAxY2xvY2F0aW9uIGh0dHA6Ly9teWJhbmsvCjAwMjZpZGVudGlmaWVyIHdlIHVzZWQgb3VyIHNlY3JldCBrZXkKMDAyZnNpZ25hdHVyZSDj2eApCFJsTAA5rhURQRXZf91ovyujebNCqvD2F9BVLwo';
const A_V1_TAMPERED =
  'MDAxY2xvY2F0aW9uIGh0dHA6Ly9teWJhbmsvCjAwMjZpZGVudGlmaWVyIHdlIHVzZWQgb3VyIHNl\nY3JldCBrZXkKMDAxZGNpZCBhY2NvdW50ID0gMzczNTkyODU1OQowMDIwY2lkIHRpbWUgPCAyMDIw\nLTAxLTAxVDAwOjAwCjAwMjJjaWQgZW1haWwgPSBhbGljZUBleGFtcGxlLm9yZwowMDJmc2lnbmF0\ndXJlID8f19FL+bkC9p/aoMmIecC7GxdOcLVyUnrv6lJMM7NSCg==\n';

describe('V1 binary', () => {
  it('writes the libmacaroons README token exactly', () => {
    const m = Macaroon.create(
      'http://mybank/',
      'this is our super secret key; only we should know it',
      'we used our secret key',
      {
        version: 1,
      },
    );
    expect(m.serialize()).toBe(A_V1_PLAIN);
    expect(Macaroon.deserialize(A_V1_PLAIN).version).toBe(1);
  });

  it('decodes the README tampered token (standard base64, line breaks) and rejects it', () => {
    const m = Macaroon.deserialize(A_V1_TAMPERED);
    expect(hex(m.signature)).toBe('3f1fd7d14bf9b902f69fdaa0c98879c0bb1b174e70b572527aefea524c33b352');
    const v = new Verifier().satisfyGeneral(() => true);
    expect(v.verifyUnsafe(m, 'this is our super secret key; only we should know it')).toBe(false);
  });

  it('reads raw packets as well as base64', () => {
    const raw = base64Decode(A_V1_PLAIN);
    expect(Macaroon.deserialize(raw).equals(Macaroon.deserialize(A_V1_PLAIN))).toBe(true);
  });

  it('refuses to write a non-UTF-8 identifier, which V1 peers reject', () => {
    const m = Macaroon.create('l', 'k', Uint8Array.from([0xff]));
    expect(() => m.serialize('v1')).toThrow(EncodeError);
    expect(() => m.serialize('v1j')).toThrow(EncodeError);
  });

  it.each([
    ['a bad length header', 'zz1clocation x\n'],
    ['a length past the end', '00ffidentifier x\n'],
    ['no newline', '0011identifier xx'],
    ['an unknown key', '0010identifier x\n0009foo ba\n'],
    ['a vid with no cid', '0010identifier x\n0009vid ab\n'],
    ['no signature', '0010identifier x\n0009cid ab\n'],
  ])('rejects %s with a DecodeError', (_name, text) => {
    decodeError(() => Macaroon.deserialize(utf8Encode(`0010identifier x\n${text}`)));
  });
});

// libmacaroons README third-party example with a zero nonce (docs/peers.md#published-examples).
describe('third-party caveats (zero-nonce vectors)', () => {
  const rootKey = 'this is a different super-secret key; never use the same secret twice';
  const caveatKey = '4; guaranteed random by a fair toss of the dice';
  const cid = 'this was how we remind auth of key/pred';
  const m = addThirdPartyCaveatWithNonce(
    Macaroon.create('http://mybank/', rootKey, 'we used our other secret key').addFirstPartyCaveat(
      'account = 3735928559',
    ),
    'http://auth.mybank/',
    caveatKey,
    cid,
    new Uint8Array(24),
  );
  const discharge = Macaroon.create('http://auth.mybank/', caveatKey, cid).addFirstPartyCaveat(
    'time < 2020-01-01T00:00',
  );
  const bound = m.prepareForRequest(discharge);

  it('reproduces the vid, the signature and every serialization', () => {
    expect(base64UrlEncode(m.caveats[1]?.verificationId as Uint8Array)).toBe(
      'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA027FAuBYhtHwJ58FX6UlVNFtFsGxQHS7uD_w_dedwv4Jjw7UorCREw5rXbRqIKhr',
    );
    expect(hex(m.signature)).toBe('d27db2fd1f22760e4c3dae8137e2d8fc1df6c0741c18aed4b97256bf78d1f55c');
    expect(m.serialize('v1')).toBe(
      'MDAxY2xvY2F0aW9uIGh0dHA6Ly9teWJhbmsvCjAwMmNpZGVudGlmaWVyIHdlIHVzZWQgb3VyIG90aGVyIHNlY3JldCBrZXkKMDAxZGNpZCBhY2NvdW50ID0gMzczNTkyODU1OQowMDMwY2lkIHRoaXMgd2FzIGhvdyB3ZSByZW1pbmQgYXV0aCBvZiBrZXkvcHJlZAowMDUxdmlkIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAANNuxQLgWIbR8CefBV-lJVTRbRbBsUB0u7g_8P3XncL-CY8O1KKwkRMOa120aiCoawowMDFiY2wgaHR0cDovL2F1dGgubXliYW5rLwowMDJmc2lnbmF0dXJlINJ9sv0fInYOTD2ugTfi2Pwd9sB0HBiu1LlyVr940fVcCg',
    );
    expect(m.serialize('v2')).toBe(
      'AgEOaHR0cDovL215YmFuay8CHHdlIHVzZWQgb3VyIG90aGVyIHNlY3JldCBrZXkAAhRhY2NvdW50ID0gMzczNTkyODU1OQABE2h0dHA6Ly9hdXRoLm15YmFuay8CJ3RoaXMgd2FzIGhvdyB3ZSByZW1pbmQgYXV0aCBvZiBrZXkvcHJlZARIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA027FAuBYhtHwJ58FX6UlVNFtFsGxQHS7uD_w_dedwv4Jjw7UorCREw5rXbRqIKhrAAAGINJ9sv0fInYOTD2ugTfi2Pwd9sB0HBiu1LlyVr940fVc',
    );
  });

  it('reads go-macaroon V2 JSON of the same macaroon', () => {
    const go =
      '{"c":[{"i":"account = 3735928559"},{"i":"this was how we remind auth of key/pred","v64":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA027FAuBYhtHwJ58FX6UlVNFtFsGxQHS7uD_w_dedwv4Jjw7UorCREw5rXbRqIKhr","l":"http://auth.mybank/"}],"l":"http://mybank/","i":"we used our other secret key","s64":"0n2y_R8idg5MPa6BN-LY_B32wHQcGK7UuXJWv3jR9Vw"}';
    expect(Macaroon.deserialize(go).equals(m)).toBe(true);
    expect(Macaroon.deserialize(m.serialize('v2j')).equals(m)).toBe(true);
    expect(Macaroon.deserialize(m.serialize('v1j')).equals(m)).toBe(true);
  });

  it('binds the discharge as libmacaroons does', () => {
    expect(hex(discharge.signature)).toBe('2ed1049876e9d5840950274b579b0770317df54d338d9d3039c7c67d0d91d63c');
    expect(hex(bound.signature)).toBe('d115ef1c133b1126978d5ab27f69d99ba9d0468cd6c1b7e47b8c1c59019cb019');
    expect(bound.serialize('v1')).toBe(
      'MDAyMWxvY2F0aW9uIGh0dHA6Ly9hdXRoLm15YmFuay8KMDAzN2lkZW50aWZpZXIgdGhpcyB3YXMgaG93IHdlIHJlbWluZCBhdXRoIG9mIGtleS9wcmVkCjAwMjBjaWQgdGltZSA8IDIwMjAtMDEtMDFUMDA6MDAKMDAyZnNpZ25hdHVyZSDRFe8cEzsRJpeNWrJ_admbqdBGjNbBt-R7jBxZAZywGQo',
    );
  });

  it('bundles root and discharge as go-macaroon Slice, JSON arrays and bakery base64', () => {
    const slice = Macaroon.serializeBundle([m, bound]);
    expect(base64Decode(slice)).toHaveLength(368);
    for (const format of ['binary', 'json', 'bakery'] as const) {
      const back = Macaroon.deserializeBundle(Macaroon.serializeBundle([m, bound], format));
      expect(back).toHaveLength(2);
      expect(back[0]?.equals(m) && back[1]?.equals(bound)).toBe(true);
    }
    const v = new Verifier().satisfyExact('account = 3735928559').satisfyExact('time < 2020-01-01T00:00');
    const [root, ...discharges] = Macaroon.deserializeBundle(slice) as [Macaroon, ...Macaroon[]];
    expect(v.verifyUnsafe(root, rootKey, discharges)).toBe(true);
    expect(v.verifyUnsafe(root, rootKey, [discharge])).toBe(false);
  });

  it('lists the third-party caveats a request needs', () => {
    expect(m.thirdPartyCaveats()).toEqual([{ location: 'http://auth.mybank/', identifier: utf8Encode(cid) }]);
  });
});

describe('JSON', () => {
  it('refuses ambiguous and unsupported fields', () => {
    decodeError(() =>
      Macaroon.deserialize('{"i":"a","i64":"YQ","s64":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}'),
    );
    decodeError(() =>
      Macaroon.deserialize('{"v":3,"i":"a","s64":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}'),
    );
    decodeError(() => Macaroon.deserialize('{"identifier":"a","i":"a"}'));
    decodeError(() => Macaroon.deserialize('{"identifier":"a","signature":"zz"}'));
    decodeError(() => Macaroon.deserialize('{"i":5,"s64":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}'));
    decodeError(() => Macaroon.deserialize('{"i":"a","s64":"AAAA"}'));
    decodeError(() =>
      Macaroon.deserialize('{"i":"a","c":{},"s64":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}'),
    );
    decodeError(() => Macaroon.deserialize('{"i":"a",'));
    decodeError(() => Macaroon.deserialize('[]'));
  });

  it('writes js-macaroon field order, base64 only for non-UTF-8 bytes', () => {
    const m = Macaroon.create('loc', 'k', Uint8Array.from([0xff, 0])).addFirstPartyCaveat('a = b');
    const obj = JSON.parse(m.serialize('v2j'));
    expect(Object.keys(obj)).toEqual(['v', 's64', 'i64', 'l', 'c']);
    expect(obj.c).toEqual([{ i: 'a = b' }]);
    expect(Macaroon.deserialize(m.serialize('v2j')).equals(m)).toBe(true);
  });
});

describe('detection and errors', () => {
  it('names what is wrong without echoing secrets or the token', () => {
    const m = Macaroon.create('l', 'k', 'id').addFirstPartyCaveat('x');
    const token = m.serialize();
    const broken = `${token.slice(0, 20)}!${token.slice(21)}`;
    const e = decodeError(() => Macaroon.deserialize(broken));
    expect(e.message).not.toContain(token.slice(0, 20));
    expect(e.message).not.toContain(hex(m.signature));
  });

  it.each([
    ['an empty string', ''],
    ['whitespace', '   '],
    ['random text', 'hello world'],
    ['an empty byte array', new Uint8Array(0)],
    ['a number', 42 as unknown as string],
    ['null', null as unknown as string],
  ])('rejects %s with a DecodeError', (_name, input) => {
    decodeError(() => Macaroon.deserialize(input));
  });

  it('shows control characters in inspect output as base64, so fields cannot forge lines', () => {
    const m = Macaroon.create('l', 'k', 'id\nsignature 00');
    expect(m.inspect().split('\n')[1]).toBe(
      `identifier base64:${base64UrlEncode(utf8Encode('id\nsignature 00'))}`,
    );
  });
});

describe('limits while decoding', () => {
  let many = Macaroon.create('l', 'k', 'id');
  for (let i = 0; i < 10; i++) many = many.addFirstPartyCaveat(`caveat ${i}`);
  const limited = { limits: { maxCaveats: 9 } };

  it.each(['v1', 'v2', 'v1j', 'v2j'] as const)('stops at maxCaveats in %s', (format) => {
    expect(() => Macaroon.deserialize(many.serialize(format), limited)).toThrow(LimitExceededError);
    expect(Macaroon.deserialize(many.serialize(format), { limits: { maxCaveats: 10 } }).caveats).toHaveLength(
      10,
    );
  });

  it.each(['v1', 'v2', 'v1j', 'v2j'] as const)('stops at maxFieldBytes in %s', (format) => {
    const big = Macaroon.create('l', 'k', 'x'.repeat(300));
    expect(() => Macaroon.deserialize(big.serialize(format), { limits: { maxFieldBytes: 299 } })).toThrow(
      LimitExceededError,
    );
    expect(
      Macaroon.deserialize(big.serialize(format), { limits: { maxFieldBytes: 300 } }).identifier,
    ).toHaveLength(300);
  });

  it('stops at maxTokenBytes and at maxDischarges for bundles', () => {
    expect(() => Macaroon.deserialize(many.serialize(), { limits: { maxTokenBytes: 20 } })).toThrow(
      LimitExceededError,
    );
    const d = Macaroon.create('d', 'k', 'd');
    const bundle = [many, d, d, d];
    for (const format of ['binary', 'json', 'bakery'] as const) {
      const text = Macaroon.serializeBundle(bundle, format);
      expect(() => Macaroon.deserializeBundle(text, { limits: { maxDischarges: 2 } })).toThrow(
        LimitExceededError,
      );
      expect(Macaroon.deserializeBundle(text, { limits: { maxDischarges: 3 } })).toHaveLength(4);
    }
  });

  it('rejects nonsense limits', () => {
    expect(() => Macaroon.deserialize('x', { limits: { maxCaveats: 1.5 } })).toThrow(InvalidArgumentError);
  });
});

describe('splitting a binary bundle without decoding it', () => {
  const root = Macaroon.create('l', 'k', 'root')
    .addFirstPartyCaveat('a = 1')
    .addThirdPartyCaveat('tp', 'ck', 'cid');
  const discharge = root.prepareForRequest(Macaroon.create('tp', 'ck', 'cid').addFirstPartyCaveat('b = 2'));

  it('yields each V2 macaroon of a go Slice, as base64 or bytes', () => {
    const slice = Macaroon.serializeBundle([root, discharge]);
    for (const input of [slice, base64Decode(slice)]) {
      const parts = splitBinaryBundle(input) as Uint8Array[];
      expect(parts.map((p) => base64UrlEncode(p))).toEqual([root.serialize('v2'), discharge.serialize('v2')]);
    }
  });

  it('declines what only the full decoder can judge', () => {
    expect(splitBinaryBundle(Macaroon.serializeBundle([root, discharge], 'json'))).toBeUndefined();
    expect(
      splitBinaryBundle(Macaroon.serializeBundle([root.addFirstPartyCaveat('x')], 'bakery')),
    ).toBeUndefined();
    expect(splitBinaryBundle(root.serialize('v1'))).toBeUndefined();
    const bytes = root.toBytes('v2');
    expect(splitBinaryBundle(bytes.subarray(0, bytes.length - 1))).toBeUndefined();
    expect(splitBinaryBundle('')).toBeUndefined();
    expect(splitBinaryBundle('not*base64')).toBeUndefined();
    expect(splitBinaryBundle(bytes, { ...DEFAULT_LIMITS, maxCaveats: 1 })).toBeUndefined();
    expect(splitBinaryBundle(bytes, { ...DEFAULT_LIMITS, maxFieldBytes: 3 })).toBeUndefined();
    const many = Macaroon.serializeBundle([root, discharge, discharge]);
    expect(splitBinaryBundle(many, { ...DEFAULT_LIMITS, maxDischarges: 1 })).toBeUndefined();
  });

  it('agrees with the full decoder on random and mutated bundles', () => {
    const seed = base64Decode(Macaroon.serializeBundle([root, discharge]));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean()), { maxLength: 4 }),
        (edits) => {
          const bytes = Array.from(seed);
          for (const [pos, value, cut] of edits) {
            if (cut) bytes.splice(pos % (bytes.length + 1));
            else if (bytes.length > 0) bytes[pos % bytes.length] = value;
          }
          const input = Uint8Array.from(bytes);
          const parts = splitBinaryBundle(input);
          let full: Macaroon[] | undefined;
          try {
            full = Macaroon.deserializeBundle(input);
          } catch {
            full = undefined;
          }
          // Whatever the full decoder accepts as V2, the splitter cuts at the same places.
          if (full?.every((m) => m.version === 2)) {
            expect(parts?.map((p) => base64UrlEncode(p))).toEqual(full.map((m) => m.serialize('v2')));
          }
          // Whatever the splitter cuts, each piece decodes (or fails) on its own, never silently merged.
          if (parts) expect(parts.reduce((n, p) => n + p.length, 0)).toBe(input.length);
        },
      ),
      { numRuns: 400 },
    );
  });
});
