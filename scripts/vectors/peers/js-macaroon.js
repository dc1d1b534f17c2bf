/**
 * js-macaroon (npm `macaroon`, a devDependency) as a peer, in-process: the same mint/verify protocol as the
 * child-process peers (see vectors/README.md). js-macaroon cannot write or read V1 binary, has no binary
 * bundle writer, and 3.0.4 fails on concatenated binary (importBinaryV2 refuses trailing data).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const macaroon = require('macaroon');

export const version = require('macaroon/package.json').version;

const utf8 = new TextEncoder();

/** A protocol byte string: {text} (UTF-8) or {hex}. */
export function asBytes(value) {
  if (typeof value.text === 'string') return utf8.encode(value.text);
  return Uint8Array.from(Buffer.from(value.hex, 'hex'));
}

function mintOne(spec, version) {
  const m = macaroon.newMacaroon({
    identifier: asBytes(spec.id),
    location: spec.location,
    rootKey: asBytes(spec.key),
    version,
  });
  for (const c of spec.caveats ?? []) {
    if (c.predicate) m.addFirstPartyCaveat(asBytes(c.predicate));
    else m.addThirdPartyCaveat(asBytes(c.key), asBytes(c.id), c.location);
  }
  return m;
}

const FORMATS_BY_VERSION = { 1: ['v1j'], 2: ['v2', 'v2j'] };
const hex = (bytes) => Buffer.from(bytes).toString('hex');

function write(m, format) {
  if (format.endsWith('j')) return JSON.stringify(m.exportJSON());
  return Buffer.from(m.exportBinary()).toString('base64url');
}

function mintPlan(plan) {
  const root = mintOne(plan.root, plan.version);
  const discharges = (plan.discharges ?? []).map((d) => {
    const dm = mintOne(d, plan.version);
    if (d.bind !== false) dm.bindToRoot(root.signature);
    return dm;
  });
  const outputs = {};
  const errors = {};
  for (const f of plan.formats) {
    if (!FORMATS_BY_VERSION[plan.version].includes(f)) continue;
    try {
      outputs[f] = { root: write(root, f), discharges: discharges.map((d) => write(d, f)) };
    } catch (e) {
      errors[f] = String(e.message);
    }
  }
  return {
    outputs,
    errors,
    signature: hex(root.signature),
    dischargeSignatures: discharges.map((d) => hex(d.signature)),
  };
}

function parse(c) {
  if (c.format === 'slice-json') return macaroon.importMacaroons(JSON.parse(c.bundle));
  if (c.format === 'slice') return macaroon.importMacaroons(c.bundle);
  const one = (text) => macaroon.importMacaroon(c.format.endsWith('j') ? JSON.parse(text) : text);
  return [one(c.root), ...(c.discharges ?? []).map(one)];
}

function verifyCase(c) {
  let all;
  try {
    all = parse(c);
  } catch (e) {
    return { verdict: 'decode-error', message: String(e.message) };
  }
  const exact = (c.exact ?? []).map((p) => Buffer.from(asBytes(p)));
  const check = (cond) => {
    const bytes = Buffer.from(cond, 'utf8');
    if (exact.some((p) => p.equals(bytes))) return null;
    if ((c.general ?? []).some((g) => g.kind === 'prefix' && cond.startsWith(g.value))) return null;
    return 'not satisfied';
  };
  const [root, ...discharges] = all;
  const read = { signature: hex(root.signature), signatures: all.map((m) => hex(m.signature)) };
  try {
    root.verify(asBytes(c.rootKey), check, discharges);
  } catch (e) {
    return { verdict: 'not-authorized', ...read, message: String(e.message) };
  }
  return { verdict: 'ok', ...read };
}

/** Answers one protocol request, as the child-process peers do. */
export function run(request) {
  if (request.op === 'mint') {
    return {
      results: request.plans.map((p) => {
        try {
          return mintPlan(p);
        } catch (e) {
          return { error: String(e.message) };
        }
      }),
    };
  }
  if (request.op === 'verify') return { results: request.cases.map(verifyCase) };
  throw new Error(`unknown op ${request.op}`);
}
