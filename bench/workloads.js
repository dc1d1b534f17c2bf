// The benchmark workloads: gateway-shaped tokens minted with this library, serialized once as V2 (for
// the contenders that read V2) and as V1 (macaroons.js and libmacaroons 0.3 read only V1). Every
// contender verifies the same macaroons, only the wire encoding differs.
//
// Root and caveat keys are 32 printable ASCII bytes, so that each contender can take the same key in its
// natural form (bytes, or a string that macaroons.js derives itself; a Buffer would mean "already derived"
// to it). Randomness is seeded, so two runs mint the same keys and identifiers.

import { GATEWAY_EXACT, W3_EXTRA_EXACT, workloadShapes } from '../dist/cli/workload-shapes.js';
import { base64UrlEncode, Macaroon } from '../dist/index.js';
import { compressionsPerRequest } from './compressions.js';

const LOCATION = 'https://api.example/';
const AUTH_LOCATION = 'https://auth.example/';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A time far enough ahead that the general time check passes for the life of this suite. */
export const VALID_TIME = 'time < 2099-01-01T00:00:00Z';
const EXPIRED_TIME = 'time < 2001-01-01T00:00:00Z';
const UNKNOWN_PREDICATE = 'account = 1';

/** mulberry32: small, seedable, good enough for keys and identifiers nobody attacks. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomText(random, length) {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[Math.floor(random() * 64)];
  return s;
}

// Repeating predicates keep the exact sets small, so the scaling series measures the chain and not how
// each verifier looks up 64 distinct predicates.
const SCALING_POOL = [...GATEWAY_EXACT, ...W3_EXTRA_EXACT.slice(0, 3), VALID_TIME];

/** W1, W2 and W3 (src/cli/workload-shapes.ts, shared with `macaroon bench`). */
export const SHAPES = workloadShapes(VALID_TIME);

/** A first-party-only shape with n caveats, for the scaling series. */
export function scalingShape(n) {
  return {
    title: `${n} first-party caveats`,
    caveats: Array.from({ length: n }, (_, i) => SCALING_POOL[i % SCALING_POOL.length]),
  };
}

/** The exact predicates a verifier must satisfy for a shape (the time caveats go to the general check). */
function exactPredicates(shape) {
  const set = new Set();
  for (const c of shape.caveats) {
    for (const p of Array.isArray(c) ? c : [c]) if (p !== VALID_TIME) set.add(p);
  }
  return [...set];
}

function mint(shape, rootKey, random, extraCaveat) {
  let m = Macaroon.create(LOCATION, rootKey, `tok-${randomText(random, 18)}`);
  const discharges = [];
  for (const c of shape.caveats) {
    if (typeof c === 'string') {
      m = m.addFirstPartyCaveat(c);
      continue;
    }
    const caveatKey = randomText(random, 32);
    const cid = `tp-${randomText(random, 19)}`;
    m = m.addThirdPartyCaveat(AUTH_LOCATION, caveatKey, cid);
    let d = Macaroon.create(AUTH_LOCATION, caveatKey, cid);
    for (const p of c) d = d.addFirstPartyCaveat(p);
    discharges.push(d);
  }
  if (extraCaveat) m = m.addFirstPartyCaveat(extraCaveat);
  return { root: m, unbound: discharges, bound: discharges.map((d) => m.prepareForRequest(d)) };
}

function encoded(root, discharges, format) {
  return { token: root.serialize(format), discharges: discharges.map((d) => d.serialize(format)) };
}

function request(rootKey, minted, expected, label, discharges = minted.bound) {
  return {
    label,
    expected,
    rootKey,
    rootKeyBytes: new TextEncoder().encode(rootKey),
    v2: encoded(minted.root, discharges, 'v2'),
    v1: encoded(minted.root, discharges, 'v1'),
  };
}

/** The same macaroon with the last byte of its signature flipped, in both encodings. */
function tampered(req, minted) {
  const flip = (bytes, at) => {
    const copy = bytes.slice();
    copy[at] ^= 1;
    return base64UrlEncode(copy);
  };
  const v2 = minted.root.toBytes('v2');
  const v1 = minted.root.toBytes('v1');
  return {
    ...req,
    label: 'signature tampered',
    expected: false,
    v2: { ...req.v2, token: flip(v2, v2.length - 1) },
    // A V1 token ends with the signature packet's newline: the signature's last byte is just before it.
    v1: { ...req.v1, token: flip(v1, v1.length - 2) },
  };
}

/** Tokens that every contender must reject: a wrong verdict on any of them is a bug, not a figure. */
function controls(shape, random) {
  const key = randomText(random, 32);
  const good = mint(shape, key, random);
  const base = request(key, good, true, 'valid');
  const list = [
    base,
    tampered(base, good),
    { ...base, label: 'wrong root key', expected: false, rootKey: randomText(random, 32) },
    request(key, mint(shape, key, random, UNKNOWN_PREDICATE), false, 'unsatisfied exact predicate'),
    request(key, mint(shape, key, random, EXPIRED_TIME), false, 'expired time caveat'),
  ];
  if (good.bound.length > 0) {
    list.push(request(key, good, false, 'discharge not bound', good.unbound));
    list.push(request(key, good, false, 'discharge missing', good.bound.slice(1)));
  }
  for (const r of list) r.rootKeyBytes = new TextEncoder().encode(r.rootKey);
  return list;
}

/**
 * Mints `count` requests of a shape (valid unless `expected` is false), each root ending with
 * `lastCaveat` when it is given. keys: 'distinct' gives each token its own root key (no cache
 * can help); 'shared' gives all of them one key, as a single service's tokens have.
 */
export function buildWorkload(
  id,
  shape,
  { count, keys = 'distinct', seed = 1, lastCaveat, expected = true },
) {
  const random = seededRandom(seed);
  const sharedKey = randomText(random, 32);
  const requests = [];
  for (let i = 0; i < count; i++) {
    const key = keys === 'shared' ? sharedKey : randomText(random, 32);
    requests.push(
      request(key, mint(shape, key, random, lastCaveat), expected, expected ? 'valid' : 'refused'),
    );
  }
  const sample = Macaroon.deserialize(requests[0].v2.token);
  const discharges = requests[0].v2.discharges.map((d) => Macaroon.deserialize(d));
  return {
    id,
    title: shape.title,
    shortTitle: shape.short,
    keys,
    requests,
    controls: controls(shape, random),
    checks: { exact: exactPredicates(shape) },
    compressions: compressionsPerRequest(requests[0].rootKeyBytes.length, sample, discharges),
    tokenBytes: requests[0].v2.token.length + requests[0].v2.discharges.reduce((n, d) => n + d.length, 0),
  };
}
