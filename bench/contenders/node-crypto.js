// The verifier a user writes without a macaroon library: parse V2 binary, derive the key, run the HMAC
// chain with node:crypto createHmac, check the discharges and their binding. node:crypto has no
// XSalsa20-Poly1305, so the verification id is opened with @noble/ciphers' secretbox (xsalsa20poly1305).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { makePredicateCheck } from '../checks.js';

const ZERO_KEY = Buffer.alloc(32);
const FIELD = { EOS: 0, LOCATION: 1, IDENTIFIER: 2, VID: 4, SIGNATURE: 6 };

const hmac = (key, message) => createHmac('sha256', key).update(message).digest();
const hash2 = (key, a, b) => hmac(key, Buffer.concat([hmac(key, a), hmac(key, b)]));

/** V2 binary: 0x02, header section, caveat sections, an empty section, the signature field. */
function parseV2(bytes) {
  let pos = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = bytes[pos++];
      if (b === undefined) throw new Error('truncated varint');
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
    throw new Error('varint too long');
  };
  const field = () => {
    const type = varint();
    if (type === FIELD.EOS) return { type, value: undefined };
    const length = varint();
    if (pos + length > bytes.length) throw new Error('truncated field');
    const value = bytes.subarray(pos, pos + length);
    pos += length;
    return { type, value };
  };
  const section = () => {
    const fields = {};
    let last = 0;
    for (let f = field(); f.type !== FIELD.EOS; f = field()) {
      if (f.type <= last) throw new Error('fields out of order');
      last = f.type;
      fields[f.type] = f.value;
    }
    return fields;
  };
  if (bytes[pos++] !== 2) throw new Error('not a V2 macaroon');
  const header = section();
  if (!header[FIELD.IDENTIFIER]) throw new Error('no identifier');
  const caveats = [];
  for (let c = section(); Object.keys(c).length > 0; c = section()) {
    if (!c[FIELD.IDENTIFIER]) throw new Error('caveat without identifier');
    caveats.push({ id: c[FIELD.IDENTIFIER], vid: c[FIELD.VID] });
  }
  const sig = field();
  if (sig.type !== FIELD.SIGNATURE || sig.value.length !== 32 || pos !== bytes.length) {
    throw new Error('bad signature field');
  }
  return { id: header[FIELD.IDENTIFIER], caveats, sig: sig.value };
}

/** ctx: { rootSig, discharges, used, satisfied }; `bound` for a discharge, whose signature is bound to the root's. */
function verifyChain(m, key, ctx, bound) {
  let sig = hmac(key, m.id);
  for (const c of m.caveats) {
    if (!c.vid) {
      if (!ctx.satisfied(c.id.toString('utf8'))) return false;
      sig = hmac(sig, c.id);
      continue;
    }
    if (c.vid.length !== 72) return false;
    let caveatKey;
    try {
      caveatKey = xsalsa20poly1305(sig, c.vid.subarray(0, 24)).decrypt(c.vid.subarray(24));
    } catch {
      return false;
    }
    const j = ctx.discharges.findIndex((d) => d.id.equals(c.id));
    if (j < 0 || ctx.used[j]) return false;
    ctx.used[j] = true;
    if (!verifyChain(ctx.discharges[j], caveatKey, ctx, true)) return false;
    sig = hash2(sig, c.vid, c.id);
  }
  if (bound) sig = hash2(ZERO_KEY, ctx.rootSig, sig);
  return timingSafeEqual(sig, m.sig);
}

export function nodeCryptoContender() {
  return {
    id: 'node-crypto',
    label: 'plain node:crypto verifier (secretbox: @noble/ciphers)',
    format: 'v2',
    batch: false,
    verifier(checks) {
      const satisfied = makePredicateCheck(checks.exact);
      return (req) => {
        try {
          const root = parseV2(Buffer.from(req.v2.token, 'base64url'));
          const discharges = req.v2.discharges.map((d) => parseV2(Buffer.from(d, 'base64url')));
          const key = hmac('macaroons-key-generator', req.rootKeyBytes);
          const ctx = { rootSig: root.sig, discharges, used: discharges.map(() => false), satisfied };
          // As go-macaroon and js-macaroon: every discharge sent must be used.
          return verifyChain(root, key, ctx, false) && ctx.used.every(Boolean);
        } catch {
          return false;
        }
      };
    },
  };
}
