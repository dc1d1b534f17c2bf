/**
 * Bad input is a typed error at bounded cost; the API keeps superfly's rules (deduplication, one
 * third-party caveat per location, attestations only in proofs, finalized proofs are closed) and values
 * are immutable. Agreement with superfly itself is in vectors.test.ts and reverse.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError, InvalidArgumentError, LimitExceededError, MacaroonError } from '../../src/errors.js';
import { hmac } from '../../src/fly/crypto.js';
import {
  CaveatIds,
  FlyCaveatRegistry,
  type FlyCaveatType,
  FlyMacaroon,
  type FlyNotAuthorizedError,
  MsgpackWriter,
  toFlyHeader,
  validateTicketCaveats,
  verifyFly,
} from '../../src/fly/index.js';

const key = new Uint8Array(32).fill(1);
const LOC = 'https://api.fly.io/v1';
const base = () =>
  FlyMacaroon.create({ key, kid: new Uint8Array([1, 2]), location: LOC }).attenuate([
    { type: 'Organization', body: { id: 7, mask: 'rw' } },
  ]);

/** A token with raw caveat bytes (type + body), signed over exactly those bytes. */
function handmade(caveats: Uint8Array[]): Uint8Array {
  const nonce = new MsgpackWriter()
    .array(3)
    .bin(new Uint8Array([1]))
    .bin(new Uint8Array(16))
    .bool(false)
    .bytes();
  let tail = hmac(key, nonce);
  const w = new MsgpackWriter()
    .array(4)
    .raw(nonce)
    .str(LOC)
    .array(caveats.length * 2);
  for (const c of caveats) {
    w.raw(c);
    tail = hmac(tail, Uint8Array.from([0x92, ...c]));
  }
  return w.bin(tail).bytes();
}

function header(bytes: Uint8Array): string {
  return `FlyV1 fm2_${Buffer.from(bytes).toString('base64')}`;
}

describe('bounded, typed decoding', () => {
  it('refuses IfPresent nested deeper than the bound, before any HMAC', () => {
    let inner = Uint8Array.from([0x00, 0x92, 0x07, 0x1f]); // Organization{7, all}
    for (let i = 0; i < 40; i++) inner = Uint8Array.from([0x0d, 0x92, 0x92, ...inner, 0x01]);
    const bytes = handmade([inner]);
    expect(() => FlyMacaroon.decode(bytes)).toThrow(LimitExceededError);
    const r = verifyFly(header(bytes), { keys: key, access: { action: 'r', orgid: 7 } });
    expect(r.ok ? 'ok' : [r.stage, r.error.code]).toEqual(['decode', 'ERR_LIMIT_EXCEEDED']);
  });

  it('holds headers and tokens to the limits', () => {
    const t = base().encode();
    const many = `FlyV1 ${Array(66).fill(t).join(',')}`;
    const r = verifyFly(many, { keys: key, access: { action: 'r', orgid: 7 } });
    expect(r.ok ? 'ok' : [r.stage, r.error.code]).toEqual(['parse', 'ERR_LIMIT_EXCEEDED']);
    const long = base().attenuate(
      Array.from({ length: 20 }, (_, i) => ({ type: 'Apps', body: { apps: { [i + 1]: 'r' } } })),
    );
    expect(() => FlyMacaroon.decode(long.encode(), { limits: { maxCaveats: 8 } })).toThrow(
      LimitExceededError,
    );
    const field = base().attenuate([{ type: 'Mutations', body: { mutations: ['x'.repeat(300)] } }]);
    expect(() => FlyMacaroon.decode(field.encode(), { limits: { maxFieldBytes: 256 } })).toThrow(
      LimitExceededError,
    );
    const r2 = verifyFly(field.encode(), { keys: key, access: { orgid: 7 }, limits: { maxTokenBytes: 300 } });
    expect(r2.ok ? 'ok' : [r2.stage, r2.error.code]).toEqual(['decode', 'ERR_LIMIT_EXCEEDED']);
  });

  it('refuses absurd lengths without allocating them', () => {
    const str32 = Uint8Array.from([0x94, 0x93, 0xc4, 0x00, 0xc4, 0x00, 0xc2, 0xdb, 0xff, 0xff, 0xff, 0xf0]);
    expect(() => FlyMacaroon.decode(str32)).toThrow(LimitExceededError);
    const arr32 = Uint8Array.from([
      0x94, 0x93, 0xc4, 0x00, 0xc4, 0x00, 0xc2, 0xa0, 0xdd, 0xff, 0xff, 0xff, 0xfe,
    ]);
    expect(() => FlyMacaroon.decode(arr32)).toThrow(LimitExceededError);
    const bin16 = Uint8Array.from([0x94, 0x93, 0xc5, 0x10, 0x00]);
    expect(() => FlyMacaroon.decode(bin16)).toThrow(DecodeError); // truncated
  });

  it('names what is wrong: odd caveat container, nonce format, labels, base64', () => {
    const odd = handmade([]);
    odd[odd.length - 35] = 0x91; // the caveat array (before the 34-byte tail) with one element
    expect(() => FlyMacaroon.decode(odd)).toThrow(/bad caveat container/);
    const nonce4 = Uint8Array.from([0x94, 0x94, 0xc0, 0xc0, 0xc2, 0xc2]);
    expect(() => FlyMacaroon.decode(nonce4)).toThrow(/unknown nonce format/);
    expect(() => FlyMacaroon.decode('fm3_AAAA')).toThrow(DecodeError);
    expect(() => FlyMacaroon.decode('fm2_AAA')).toThrow(DecodeError);
    for (const bad of ['FlyV1 ', 'FlyV1 fm2_', 'FlyV1 nope', 'FlyV1 fm9_AAAA', 'FlyV1 fm2_!!!!']) {
      const r = verifyFly(bad, { keys: key, access: { orgid: 7 } });
      expect(r.ok ? 'ok' : [r.stage, r.error.code]).toEqual(['parse', 'ERR_DECODE']);
    }
  });

  it('never throws anything but a MacaroonError on mangled tokens', () => {
    const good = base()
      .attenuate([
        { type: 'IfPresent', body: { ifs: [{ type: 'Apps', body: { apps: { 9: 'r' } } }], else: 'r' } },
      ])
      .toBytes();
    let state = 12345;
    const rand = (n: number) => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state % n;
    };
    for (let i = 0; i < 1500; i++) {
      const b = good.slice(0, good.length - rand(4));
      for (let j = rand(4); j >= 0; j--) b[rand(b.length)] = rand(256);
      try {
        const r = verifyFly(header(b), { keys: key, access: { action: 'r', orgid: 7, appid: 9 } });
        if (r.ok) expect(r.caveats.length).toBeGreaterThan(0);
      } catch (e) {
        expect(e).toBeInstanceOf(MacaroonError);
      }
    }
  });
});

describe('minting and attenuating keep superfly’s rules', () => {
  it('values are immutable; attenuate returns a new token', () => {
    const m = base();
    const a = m.attenuate([{ type: 'Action', body: 'r' }]);
    expect(m.caveats).toHaveLength(1);
    expect(a.caveats).toHaveLength(2);
    expect(Object.isFrozen(m)).toBe(true);
    expect(a.encode()).not.toBe(m.encode());
  });

  it('drops a caveat the token already has (the tail does not change)', () => {
    const m = base();
    expect(m.attenuate([{ type: 'Organization', body: { id: 7, mask: 'rw' } }]).encode()).toBe(m.encode());
  });

  it('refuses two third-party caveats for one location, attestations outside proofs, caveats on finalized proofs', () => {
    const k3 = new Uint8Array(32).fill(3);
    const t = base().addThirdParty({ key: k3, location: 'https://auth/' });
    expect(() => t.addThirdParty({ key: k3, location: 'https://auth/' })).toThrow(InvalidArgumentError);
    expect(() => base().attenuate([{ type: 'FlyioUserID', body: 5 }])).toThrow(InvalidArgumentError);
    const { ticket } = t.thirdPartyTickets()[0] as { ticket: Uint8Array };
    const { discharge, caveats } = FlyMacaroon.dischargeTicket({
      key: k3,
      location: 'https://auth/',
      ticket,
    });
    expect(caveats).toEqual([]);
    const withAttestation = discharge.attenuate([{ type: 'FlyioUserID', body: 5 }]);
    const finalized = FlyMacaroon.decode(withAttestation.encode());
    expect(finalized.isProof).toBe(true);
    expect(() => finalized.attenuate([{ type: 'Action', body: 'r' }])).toThrow(InvalidArgumentError);
    expect(() => base().addThirdParty({ key: new Uint8Array(16), location: 'x' })).toThrow(
      InvalidArgumentError,
    );
    expect(() => base().attenuate([{ type: 'NoSuchCaveat', body: {} }])).toThrow(InvalidArgumentError);
  });

  it('lists only the tickets no discharge answers yet', () => {
    const k3 = new Uint8Array(32).fill(3);
    const t = base()
      .addThirdParty({ key: k3, location: 'https://a/' })
      .addThirdParty({ key: k3, location: 'https://b/' });
    const tickets = t.thirdPartyTickets();
    expect(tickets.map((x) => x.location)).toEqual(['https://a/', 'https://b/']);
    const first = tickets[0] as { ticket: Uint8Array };
    const d = FlyMacaroon.dischargeTicket({
      key: k3,
      location: 'https://a/',
      ticket: first.ticket,
    }).discharge;
    expect(t.thirdPartyTickets([d]).map((x) => x.location)).toEqual(['https://b/']);
  });

  it('a third party checks its ticket caveats against the logins it saw', () => {
    const k3 = new Uint8Array(32).fill(3);
    const t = base().addThirdParty({
      key: k3,
      location: 'https://auth/',
      caveats: [
        { type: 'ConfineOrganization', body: { id: 7 } },
        { type: 'MaxValidity', body: 600 },
      ],
    });
    const { ticket } = t.thirdPartyTickets()[0] as { ticket: Uint8Array };
    const opened = FlyMacaroon.openTicket(k3, ticket);
    expect(opened?.caveats).toEqual([
      { type: 'ConfineOrganization', body: { id: 7 } },
      { type: 'MaxValidity', body: 600 },
    ]);
    const now = 1_000_000_000_000;
    const entries = opened?.entries ?? [];
    expect(
      validateTicketCaveats(
        entries,
        { flyio: [{ userId: 1, organizationIds: [7] }], expiry: now + 60_000 },
        now,
      ),
    ).toEqual([]);
    expect(
      validateTicketCaveats(entries, { flyio: [{ userId: 1, organizationIds: [8] }], expiry: now }, now),
    ).toHaveLength(1);
    expect(
      validateTicketCaveats(
        entries,
        { flyio: [{ userId: 1, organizationIds: [7] }], expiry: now + 3_600_000 },
        now,
      ),
    ).toHaveLength(1);
    expect(FlyMacaroon.openTicket(new Uint8Array(32), ticket)).toBeUndefined();
  });
});

describe('registry', () => {
  const Region: FlyCaveatType<string> = {
    id: CaveatIds.MinUserDefined + 7n,
    name: 'Region',
    decode: (r) => r.str('Region'),
    encode: (w, v) => void w.str(v),
    fromJSON: (b) => String(b),
    toJSON: (v) => v,
    prohibits: (v, a) =>
      a.kind === 'flyio' && a.machine === v ? [] : [{ kind: 'unauthorized', message: `region ${v} only` }],
  };
  const registry = FlyCaveatRegistry.standard().extend([Region as FlyCaveatType<never>]);

  it('user types are written, read and checked; unknown to another registry they are kept raw and deny', () => {
    const m = FlyMacaroon.create({ key, kid: new Uint8Array([1]), location: LOC, registry }).attenuate([
      { type: 'Region', body: 'ams' },
    ]);
    const token = m.encode();
    const access = { action: 'r', orgid: 7, appid: 1, machine: 'ams' };
    expect(verifyFly(token, { keys: key, access, registry }).ok).toBe(true);
    const plain = FlyMacaroon.decode(token);
    expect(plain.caveats[0]).toMatchObject({ type: String(Region.id), body: 'ams' });
    expect(plain.encode()).toBe(token);
    const further = plain.attenuate([{ type: 'Action', body: 'r' }]);
    const r = verifyFly(further.encode(), { keys: key, access });
    expect(r.ok ? 'ok' : [r.stage, (r.error as FlyNotAuthorizedError).denials[0]?.kind]).toEqual([
      'validate',
      'bad-caveat',
    ]);
    expect(verifyFly(further.encode(), { keys: key, access, registry }).ok).toBe(true);
  });

  it('refuses colliding ids and names', () => {
    expect(() => registry.extend([Region as FlyCaveatType<never>])).toThrow(InvalidArgumentError);
    expect(() =>
      FlyCaveatRegistry.standard().extend([{ ...Region, id: 0n } as FlyCaveatType<never>]),
    ).toThrow(InvalidArgumentError);
  });
});

describe('verifyFly stages', () => {
  it('select: no key for the kid; verify: wrong key; validate: the denials', () => {
    const t = base().encode();
    const unknown = verifyFly(t, { keys: () => undefined, access: { action: 'r', orgid: 7 } });
    expect(unknown.ok ? 'ok' : [unknown.stage, (unknown.error as FlyNotAuthorizedError).reason]).toEqual([
      'select',
      'unknown-key',
    ]);
    const wrong = verifyFly(t, { keys: new Uint8Array(32), access: { action: 'r', orgid: 7 } });
    expect(wrong.ok ? 'ok' : [wrong.stage, (wrong.error as FlyNotAuthorizedError).reason]).toEqual([
      'verify',
      'signature-mismatch',
    ]);
    const denied = verifyFly(toFlyHeader([t]), {
      keys: (kid) => (kid[0] === 1 ? key : undefined),
      access: { action: 'd', orgid: 7 },
    });
    expect(denied.ok ? 'ok' : (denied.error as FlyNotAuthorizedError).denials.map((d) => d.kind)).toEqual([
      'unauthorized-for-action',
    ]);
  });
});
