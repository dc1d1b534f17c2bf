import { timeBefore } from '../../src/gateway/index.js';
import { Macaroon, Verifier, type VerifyOptions } from '../../src/index.js';

export const ROOT_KEY = 'gateway test root key, 32 bytes!';
export const HOUR = 3600_000;

export function headers(init: Record<string, string>): Headers {
  return new Headers(init);
}

export function accountToken(
  account: string,
  rootKey: string | Uint8Array = ROOT_KEY,
  id = 'key-1:abc',
): Macaroon {
  return Macaroon.create('https://gateway.example/', rootKey, id)
    .addFirstPartyCaveat(`account = ${account}`)
    .addFirstPartyCaveat('action = read')
    .addFirstPartyCaveat(`time < ${new Date(Date.now() + HOUR).toISOString()}`);
}

/** A root macaroon with a third-party caveat and its discharge, bound or not. */
export function withDischarge(account: string, bind = true): Macaroon[] {
  const root = accountToken(account).addThirdPartyCaveat('https://auth.example/', 'caveat key', 'tp-1');
  const discharge = Macaroon.create('https://auth.example/', 'caveat key', 'tp-1');
  return [root, bind ? root.prepareForRequest(discharge) : discharge];
}

export function accountVerifier(): Verifier {
  return new Verifier().satisfyExact('action = read').satisfyGeneral(timeBefore);
}

export function accountFacts(account: string): VerifyOptions {
  return { exact: [`account = ${account}`] };
}
