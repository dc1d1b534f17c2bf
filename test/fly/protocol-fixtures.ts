// The permission token and keys the third-party protocol tests share: a token for organization 7 with a
// ConfineOrganization caveat for the third party at AUTH.
import { FlyMacaroon } from '../../src/fly/index.js';

export const key = new Uint8Array(32).fill(2);
export const authKey = new Uint8Array(32).fill(3);
export const AUTH = 'https://auth.example';
export const token = FlyMacaroon.create({ key, kid: new Uint8Array([1]), location: 'https://api.fly.io/v1' })
  .attenuate([{ type: 'Organization', body: { id: 7, mask: 'r' } }])
  .addThirdParty({
    key: authKey,
    location: AUTH,
    caveats: [{ type: 'ConfineOrganization', body: { id: 7 } }],
  });
