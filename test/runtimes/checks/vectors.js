// The cross-implementation vectors (vectors/*.json, written by the real peers; schema in
// vectors/README.md): each case decodes to the peer's signature, is written back byte for byte where
// the case says our writer matches the peer's, and gets the peer's verdict from every engine.
import { Macaroon, NotAuthorizedError, Verifier } from 'macaroon-engine';
import { check, hex } from './report.js';

const utf8 = new TextEncoder();

function asBytes(value) {
  if ('text' in value) return utf8.encode(value.text);
  if (!/^(?:[0-9a-f]{2})*$/i.test(value.hex)) throw new Error(`bad hex in vector: ${value.hex}`);
  return Uint8Array.from(value.hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
}

function decode(c) {
  if (c.bundle !== undefined) {
    const [root, ...discharges] = Macaroon.deserializeBundle(c.bundle);
    return { root, discharges };
  }
  return {
    root: Macaroon.deserialize(c.root),
    discharges: (c.discharges ?? []).map((d) => Macaroon.deserialize(d)),
  };
}

function written(c) {
  return c.bundle !== undefined ? [c.bundle] : [c.root, ...(c.discharges ?? [])];
}

function rewritten(c, { root, discharges }) {
  if (c.format === 'slice') return [Macaroon.serializeBundle([root, ...discharges], 'binary')];
  if (c.format === 'slice-json') return [Macaroon.serializeBundle([root, ...discharges], 'json')];
  return [root, ...discharges].map((m) => m.serialize(c.format));
}

function verdict(c, decoded, engine) {
  const v = new Verifier({ engine, allowUnusedDischarges: c.allowUnusedDischarges });
  for (const p of c.exact) v.satisfyExact(asBytes(p));
  for (const g of c.general) {
    if (g.kind !== 'prefix') throw new Error(`unknown general check kind ${g.kind}`);
    v.satisfyGeneral((predicate) => predicate.startsWith(g.value));
  }
  try {
    v.verify(decoded.root, asBytes(c.rootKey), decoded.discharges);
    return 'ok';
  } catch (e) {
    if (e instanceof NotAuthorizedError) return 'not-authorized';
    throw e;
  }
}

/**
 * `files`: [{ name, data }] with data the parsed JSON of one vectors file. `decoding: false` checks only
 * the verdicts (for a second WASM build: decoding does not depend on the engine).
 */
export function checkVectors(report, files, engines, { decoding = true } = {}) {
  const counts = {};
  const labels = engines.map((engine) => new Verifier({ engine }).engine);
  for (const { name, data } of files) {
    const s = `vectors/${name}`;
    if (!Array.isArray(data.cases)) continue;
    for (const c of data.cases) {
      let decoded;
      const decodes = check(report, s, `${c.name}: decodes to the peer's signature`, () => {
        decoded = decode(c);
        return !decoding || hex(decoded.root.signature) === c.expect.signature;
      });
      if (!decodes) continue;
      if (decoding && c.sameBytes) {
        check(report, s, `${c.name}: written back as the peer wrote it`, () => {
          const ours = rewritten(c, decoded);
          const theirs = written(c);
          return ours.length === theirs.length && ours.every((t, i) => t === theirs[i]);
        });
      }
      for (const [i, engine] of engines.entries()) {
        check(report, `${s}/${labels[i]}`, `${c.name}: ${c.expect.verdict}`, () => {
          return verdict(c, decoded, engine) === c.expect.verdict;
        });
      }
    }
    counts[name] = data.cases.length;
  }
  return counts;
}

/**
 * walkthrough.json's published chains: minting each first-party prefix gives the published signature
 * after each caveat, and each published token (and bound discharge) decodes to its signature. A
 * third-party caveat's nonce is random in our API, so minting stops there.
 */
export function checkChains(report, files) {
  let chains = 0;
  for (const { name, data } of files) {
    for (const chain of data.chains ?? []) {
      const s = `chains/${name}/${chain.name}`;
      chains++;
      let m = Macaroon.create(chain.location, asBytes(chain.rootKey), asBytes(chain.identifier));
      check(report, s, 'signature of the bare macaroon', () => hex(m.signature) === chain.signatures[0]);
      for (const [k, caveat] of chain.caveats.entries()) {
        if (!('predicate' in caveat)) break;
        m = m.addFirstPartyCaveat(asBytes(caveat.predicate));
        check(
          report,
          s,
          `signature after caveat ${k + 1}`,
          () => hex(m.signature) === chain.signatures[k + 1],
        );
      }
      for (const t of chain.tokens) {
        check(report, s, `${t.format} token with ${t.caveats} caveats`, () => {
          return hex(Macaroon.deserialize(t.token).signature) === chain.signatures[t.caveats];
        });
      }
      const d = chain.discharge;
      if (d) {
        check(report, s, 'discharge signature', () => {
          let discharge = Macaroon.create(d.location, asBytes(d.key), asBytes(d.id));
          for (const c of d.caveats) discharge = discharge.addFirstPartyCaveat(asBytes(c.predicate));
          return hex(discharge.signature) === d.signature;
        });
        check(report, s, 'bound discharge token', () => {
          return hex(Macaroon.deserialize(d.boundToken.token).signature) === d.boundSignature;
        });
      }
    }
  }
  return chains;
}
