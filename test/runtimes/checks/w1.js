// A batch of W1-shaped requests (5 first-party caveats + 1 third-party caveat with a bound discharge,
// sent as V2 strings), some deliberately unauthorized in known ways, verified with verifyBatch on each
// engine: every result must be exactly the expected verdict and reason.
import { Macaroon, NotAuthorizedError, Verifier } from 'macaroon-engine';
import { check, fail } from './report.js';

const utf8 = new TextEncoder();
const KEYS = Array.from({ length: 16 }, (_, k) => utf8.encode(`root key ${k} for the W1 batch....`));

/** What item i is meant to be: authorized, or refused for one stated reason. */
function planFor(i) {
  switch (i % 10) {
    case 3:
      // The walk opens the third-party caveat's vid with a chain built from the wrong key, so the
      // secretbox refuses before the final signature comparison.
      return { flaw: 'wrong-key', reason: 'decryption-failed' };
    case 5:
      return { flaw: 'wrong-user', reason: 'caveat-not-satisfied' };
    case 7:
      return { flaw: 'unbound-discharge', reason: 'signature-mismatch' };
    case 9:
      return { flaw: 'no-discharge', reason: 'discharge-missing' };
    default:
      return { flaw: undefined, reason: undefined };
  }
}

function mint(i) {
  const caveatKey = `caveat key ${i % 8}`;
  const root = Macaroon.create('https://api.example/', KEYS[i % KEYS.length], `w1-${i}`)
    .addFirstPartyCaveat(`account = ${i % 97}`)
    .addFirstPartyCaveat('action = read')
    .addFirstPartyCaveat('time < 2030-01-01T00:00:00Z')
    .addFirstPartyCaveat(`ip = 10.0.${i % 250}.1`)
    .addFirstPartyCaveat(`user = u${i}`)
    .addThirdPartyCaveat('https://auth.example/', caveatKey, `mfa-${i}`);
  const discharge = Macaroon.create('https://auth.example/', caveatKey, `mfa-${i}`).addFirstPartyCaveat(
    'time < 2030-01-01T00:05:00Z',
  );
  return { root: root.serialize('v2'), discharge, bound: root.prepareForRequest(discharge).serialize('v2') };
}

function dischargesFor(flaw, token) {
  if (flaw === 'no-discharge') return [];
  if (flaw === 'unbound-discharge') return [token.discharge.serialize('v2')];
  return [token.bound];
}

function itemFor(i, token) {
  const { flaw } = planFor(i);
  return {
    macaroon: token.root,
    rootKey: flaw === 'wrong-key' ? KEYS[(i + 1) % KEYS.length] : KEYS[i % KEYS.length],
    discharges: dischargesFor(flaw, token),
    exact: [flaw === 'wrong-user' ? `user = u${i + 1}` : `user = u${i}`],
  };
}

function gatewayVerifier(engine) {
  return new Verifier({ engine })
    .satisfyExact('action = read')
    .satisfyGeneral((p) => p.startsWith('account = ') && Number(p.slice(10)) < 97)
    .satisfyGeneral((p) => p.startsWith('ip = 10.'))
    .satisfyGeneral((p) => p.startsWith('time < ') && p.slice(7) > '2026-01-01');
}

/** Mints `count` requests once; returns the batch every engine verifies. */
export function mintW1Batch(count) {
  return Array.from({ length: count }, (_, i) => itemFor(i, mint(i)));
}

/** Verifies the batch with `engine`; returns the engine name and the warm batch time in ms. */
export function checkW1Batch(report, batch, engine, now) {
  const v = gatewayVerifier(engine);
  const s = `w1/${v.engine}`;
  let results = [];
  check(report, s, 'verifyBatch returns one result per item', () => {
    results = v.verifyBatch(batch);
    return results.length === batch.length;
  });
  let mismatches = 0;
  results.forEach((r, i) => {
    const { reason } = planFor(i);
    const got = r.ok ? undefined : r.error instanceof NotAuthorizedError ? r.error.reason : r.error?.code;
    if (got !== reason) {
      mismatches++;
      fail(
        report,
        s,
        `item ${i} (${planFor(i).flaw ?? 'valid'}): expected ${reason ?? 'ok'}, got ${got ?? 'ok'}`,
      );
    }
  });
  check(report, s, `all ${batch.length} verdicts as planned`, () => mismatches === 0);
  const t0 = now();
  v.verifyBatch(batch);
  return { engine: v.engine, ms: now() - t0 };
}
