// The smallest real use, for bundle size and cold start: import, ready(), verify one token. Bundled
// alone (without the checks), so its size is what an application pays for the package.
import { Macaroon, ready, Verifier } from 'macaroon-engine';

const SECRET = 'this is our super secret key; only we should know it';
const SEED_V1 =
  'MDAxY2xvY2F0aW9uIGh0dHA6Ly9teWJhbmsvCjAwMjZpZGVudGlmaWVyIHdlIHVzZWQgb3VyIHNlY3JldCBrZXkKMDAyZnNpZ25hdHVyZSDj2eApCFJsTAA5rhURQRXZf91ovyujebNCqvD2F9BVLwo';

export async function firstVerify() {
  const { engine } = await ready();
  const ok = new Verifier().verifyUnsafe(Macaroon.deserialize(SEED_V1), SECRET);
  return { engine, ok };
}
