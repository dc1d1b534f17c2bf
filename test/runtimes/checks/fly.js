// macaroon-engine/fly from the installed package: a token made by superfly/macaroon (Go) with a bound
// discharge verifies, and minting, attenuating, encoding and verifying here agree with it.
import { FlyMacaroon, parseFlyHeader, toFlyHeader, verifyFly } from 'macaroon-engine/fly';
import { check } from './report.js';

// vectors/fly/superfly.json, case "bound discharge" (root key 1f1e…00, at 1768000000).
const GO_HEADER =
  'FlyV1 fm2_lJPEEGnFXJAC64x6TnXQtJYpxM/EECzhzeLL5BhQ9M6qyRbiKErCtWh0dHBzOi8vYXBpLmZseS5pby92MZYAks4ABuEJHwSSzmlhe/DOaWGYEAuTuWh0dHBzOi8vYXBpLmZseS5pby9hYWEvdjHEPKryG4tVNaSBhKudQmm/OuJA546zPaMtAtxYEjPp51TPGr1t5/JqgLyEICEUD+jt7nt2i2C41L0X3OEEsMRHhyBJdN2NxRtGs7riPOJ9SuWiGhUM43E9Tc/upOkVDzDoQyc8cQOsAh345JPfsyseZxyGn1K6bb1MWfk0XiqyMqIQlIIv/6vEIGR1zdTLxZJuu6vgCH7ARuOK+Zn/xHI/IG409nS+SYUa,fm2_lJPER4cgSXTdjcUbRrO64jzifUrlohoVDONxPU3P7qTpFQ8w6EMnPHEDrAId+OST37MrHmcchp9Sum29TFn5NF4qsjKiEJSCL/+rxBAwssZ4VTo6Sx2oaQ/f5JcEw7lodHRwczovL2FwaS5mbHkuaW8vYWFhL3YxlASSzmlhicTOaWGLLAzEEE2Q8YMf9gWAKD56kY+kWUjEIHpLEdTXHZ4rrs10FimOdEU/TPJNN67QmBO+ya5Mf5OC';
const GO_KEY = Uint8Array.from({ length: 32 }, (_, i) => 31 - i);
const NOW = 1768000000 * 1000;
const ACCESS = { action: 'r', orgid: 450825 };

export function checkFly(report) {
  const s = 'fly';
  check(report, s, 'a superfly/macaroon token with a bound discharge verifies', () => {
    const r = verifyFly(GO_HEADER, { keys: () => GO_KEY, access: ACCESS, now: NOW });
    return r.ok && r.caveats.some((c) => c.type === 'ValidityWindow');
  });
  check(report, s, 'the same header refuses another organization (validate stage)', () => {
    const r = verifyFly(GO_HEADER, { keys: () => GO_KEY, access: { action: 'r', orgid: 1 }, now: NOW });
    return !r.ok && r.stage === 'validate';
  });
  check(report, s, 'tokens re-encode byte for byte', () => {
    const items = GO_HEADER.slice('FlyV1 '.length).split(',');
    return parseFlyHeader(GO_HEADER).every((m, i) => m.encode() === items[i]);
  });
  check(report, s, 'mint, attenuate, third party, discharge, bind, verify', () => {
    const key = new Uint8Array(32).fill(5);
    const authKey = new Uint8Array(32).fill(6);
    const t = FlyMacaroon.create({ key, kid: new Uint8Array([1]), location: 'https://api.fly.io/v1' })
      .attenuate([{ type: 'Organization', body: { id: 7, mask: 'rw' } }])
      .addThirdParty({ key: authKey, location: 'https://auth.example/' });
    const [{ ticket }] = t.thirdPartyTickets();
    const { discharge } = FlyMacaroon.dischargeTicket({
      key: authKey,
      location: 'https://auth.example/',
      ticket,
    });
    const header = toFlyHeader([t, discharge.bindToParent(t)]);
    const ok = verifyFly(header, { keys: () => key, access: { action: 'r', orgid: 7 } });
    const denied = verifyFly(header, { keys: () => key, access: { action: 'r', orgid: 8 } });
    return ok.ok && !denied.ok && denied.stage === 'validate';
  });
}
