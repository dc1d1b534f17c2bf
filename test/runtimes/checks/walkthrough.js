// The libmacaroons README walk-through, with the signatures and tokens the reference implementations
// produce (docs/cryptography.md, docs/peers.md): mint, attenuate, serialize, verify, and a
// third-party caveat with its bound discharge as libmacaroons wrote them.
import { Macaroon, NotAuthorizedError, Verifier } from 'macaroon-engine';
import { check, hex, thrown } from './report.js';

const SECRET = 'this is our super secret key; only we should know it';
const SEED_V1 =
  'MDAxY2xvY2F0aW9uIGh0dHA6Ly9teWJhbmsvCjAwMjZpZGVudGlmaWVyIHdlIHVzZWQgb3VyIHNlY3JldCBrZXkKMDAyZnNpZ25hdHVyZSDj2eApCFJsTAA5rhURQRXZf91ovyujebNCqvD2F9BVLwo';
const CHAIN = [
  [undefined, 'e3d9e02908526c4c0039ae15114115d97fdd68bf2ba379b342aaf0f617d0552f'],
  ['account = 3735928559', '1efe4763f290dbce0c1d08477367e11f4eee456a64933cf662d79772dbb82128'],
  ['time < 2020-01-01T00:00', 'b5f06c8c8ef92f6c82c6ff282cd1f8bd1849301d09a2db634ba182536a611c49'],
  ['email = alice@example.org', 'ddf553e46083e55b8d71ab822be3d8fcf21d6bf19c40d617bb9fb438934474b6'],
];

// The third-party example with libmacaroons' zero nonce, and its discharge bound to that root.
const TP_ROOT_KEY = 'this is a different super-secret key; never use the same secret twice';
const TP_ROOT_V1 =
  'MDAxY2xvY2F0aW9uIGh0dHA6Ly9teWJhbmsvCjAwMmNpZGVudGlmaWVyIHdlIHVzZWQgb3VyIG90aGVyIHNlY3JldCBrZXkKMDAxZGNpZCBhY2NvdW50ID0gMzczNTkyODU1OQowMDMwY2lkIHRoaXMgd2FzIGhvdyB3ZSByZW1pbmQgYXV0aCBvZiBrZXkvcHJlZAowMDUxdmlkIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAANNuxQLgWIbR8CefBV-lJVTRbRbBsUB0u7g_8P3XncL-CY8O1KKwkRMOa120aiCoawowMDFiY2wgaHR0cDovL2F1dGgubXliYW5rLwowMDJmc2lnbmF0dXJlINJ9sv0fInYOTD2ugTfi2Pwd9sB0HBiu1LlyVr940fVcCg';
const TP_ROOT_SIG = 'd27db2fd1f22760e4c3dae8137e2d8fc1df6c0741c18aed4b97256bf78d1f55c';
const TP_BOUND_V1 =
  'MDAyMWxvY2F0aW9uIGh0dHA6Ly9hdXRoLm15YmFuay8KMDAzN2lkZW50aWZpZXIgdGhpcyB3YXMgaG93IHdlIHJlbWluZCBhdXRoIG9mIGtleS9wcmVkCjAwMjBjaWQgdGltZSA8IDIwMjAtMDEtMDFUMDA6MDAKMDAyZnNpZ25hdHVyZSDRFe8cEzsRJpeNWrJ_admbqdBGjNbBt-R7jBxZAZywGQo';
const TP_BOUND_SIG = 'd115ef1c133b1126978d5ab27f69d99ba9d0468cd6c1b7e47b8c1c59019cb019';
const CAVEAT_KEY = '4; guaranteed random by a fair toss of the dice';
const CAVEAT_ID = 'this was how we remind auth of key/pred';

function verifierFor(engine) {
  return new Verifier({ engine })
    .satisfyExact('account = 3735928559')
    .satisfyExact('email = alice@example.org')
    .satisfyGeneral((p) => p.startsWith('time < ') && p.slice(7) > '2019-12-31');
}

const reasonOf = (e) => (e instanceof NotAuthorizedError ? e.reason : `not a NotAuthorizedError: ${e}`);

/** Engine-independent: minting and the wire formats. */
export function checkMinting(report) {
  const s = 'walkthrough';
  let m = Macaroon.create('http://mybank/', SECRET, 'we used our secret key');
  check(report, s, 'seed signature', () => hex(m.signature) === CHAIN[0][1]);
  check(report, s, 'seed V1 serialization', () => m.serialize('v1') === SEED_V1);
  for (const [predicate, signature] of CHAIN.slice(1)) {
    m = m.addFirstPartyCaveat(predicate);
    check(report, s, `signature after '${predicate}'`, () => hex(m.signature) === signature);
  }
  for (const format of ['v1', 'v2', 'v1j', 'v2j']) {
    check(report, s, `${format} round trip`, () => Macaroon.deserialize(m.serialize(format)).equals(m));
  }
  const root = Macaroon.deserialize(TP_ROOT_V1);
  const bound = Macaroon.deserialize(TP_BOUND_V1);
  check(report, s, 'third-party root signature (libmacaroons V1)', () => hex(root.signature) === TP_ROOT_SIG);
  check(
    report,
    s,
    'bound discharge signature (libmacaroons V1)',
    () => hex(bound.signature) === TP_BOUND_SIG,
  );
  check(report, s, 'third-party root re-serializes byte for byte', () => root.serialize('v1') === TP_ROOT_V1);
}

/** The verdicts, with one engine ('wasm' is whichever build is installed; sections name it). */
export function checkVerifying(report, engine) {
  const s = `walkthrough/${new Verifier({ engine }).engine}`;
  let m = Macaroon.create('http://mybank/', SECRET, 'we used our secret key');
  for (const [predicate] of CHAIN.slice(1)) m = m.addFirstPartyCaveat(predicate);
  const v = verifierFor(engine);

  check(report, s, 'authorized with the root key', () => thrown(() => v.verify(m, SECRET)) === undefined);
  check(report, s, 'wrong key: signature-mismatch', () => {
    return reasonOf(thrown(() => v.verify(m, 'a wrong key'))) === 'signature-mismatch';
  });
  check(report, s, 'unmet caveat: caveat-not-satisfied', () => {
    const strict = new Verifier({ engine }).satisfyExact('account = 3735928559');
    return reasonOf(thrown(() => strict.verify(m, SECRET))) === 'caveat-not-satisfied';
  });
  check(report, s, 'verifyUnsafe', () => v.verifyUnsafe(m, SECRET) && !v.verifyUnsafe(m, 'wrong'));

  const root = Macaroon.deserialize(TP_ROOT_V1);
  const bound = Macaroon.deserialize(TP_BOUND_V1);
  check(report, s, 'libmacaroons third-party root with its bound discharge', () => {
    return thrown(() => v.verify(root, TP_ROOT_KEY, [bound])) === undefined;
  });
  check(report, s, 'third-party root without its discharge: discharge-missing', () => {
    return reasonOf(thrown(() => v.verify(root, TP_ROOT_KEY))) === 'discharge-missing';
  });

  // A fresh third-party caveat: a random nonce each time, so nothing here is a fixed answer.
  const fresh = m.addThirdPartyCaveat('http://auth.mybank/', CAVEAT_KEY, CAVEAT_ID);
  const discharge = Macaroon.create('http://auth.mybank/', CAVEAT_KEY, CAVEAT_ID).addFirstPartyCaveat(
    'time < 2030-01-01T00:00',
  );
  const freshBound = fresh.prepareForRequest(discharge);
  check(report, s, 'fresh third-party caveat, bound discharge', () => {
    return thrown(() => v.verify(fresh, SECRET, [freshBound])) === undefined;
  });
  check(report, s, 'fresh third-party caveat, unbound discharge is refused', () => {
    return reasonOf(thrown(() => v.verify(fresh, SECRET, [discharge]))) === 'signature-mismatch';
  });
  check(report, s, 'bundle round trip verifies', () => {
    const [r, ...ds] = Macaroon.deserializeBundle(Macaroon.serializeBundle([fresh, freshBound]));
    return thrown(() => v.verify(r, SECRET, ds)) === undefined;
  });
}
