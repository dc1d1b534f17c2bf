/**
 * Turns plans (plans.js) into verification cases: mint with a peer, write every format, derive the
 * negative variants, then ask a verifier (the same peer, when generating vectors) for the verdicts.
 * The case shape is the vector schema of vectors/README.md.
 */
import { appendCaveat, tamperSignature } from './mutate.js';

export const BUNDLE_FORMATS = ['slice', 'slice-json'];
export const FORMATS_BY_VERSION = {
  1: ['v1', 'v1j', 'slice', 'slice-json'],
  2: ['v2', 'v2j', 'slice', 'slice-json'],
};

const WRONG_KEY = { text: 'this is not the root key' };
const EXTRA_CAVEAT = 'extra = 1';

/** The request a peer (or our own minter) gets for one plan in one wire version. */
export function mintRequest(plan, version, formats) {
  return {
    name: `${plan.name}/v${version}`,
    version,
    root: plan.root,
    discharges: plan.discharges ?? [],
    formats: FORMATS_BY_VERSION[version].filter(
      (f) => formats.includes(f) && (plan.formats ?? [f]).includes(f),
    ),
  };
}

function baseCase(plan, format, output, options) {
  const common = {
    format,
    rootKey: plan.rootKey ?? plan.root.key,
    exact: plan.exact ?? [],
    general: plan.general ?? [],
    allowUnusedDischarges: options.allowUnusedDischarges,
  };
  if (BUNDLE_FORMATS.includes(format)) return { ...common, bundle: output.bundle };
  return { ...common, root: output.root, discharges: output.discharges };
}

/** One variant of a case, or undefined when it does not apply to this plan or format. */
function variant(name, c) {
  const single = c.root !== undefined;
  switch (name) {
    case 'valid':
      return c;
    case 'wrong-key':
      return { ...c, rootKey: WRONG_KEY };
    case 'unsatisfied':
      if (c.exact.length > 0) return { ...c, exact: c.exact.slice(0, -1) };
      if (c.general.length > 0) return { ...c, general: c.general.slice(0, -1) };
      return undefined;
    case 'tampered-signature': {
      const root = single ? tamperSignature(c.format, c.root) : undefined;
      return root && { ...c, root };
    }
    case 'tampered-discharge': {
      const d = single && c.discharges.length > 0 ? tamperSignature(c.format, c.discharges[0]) : undefined;
      return d && { ...c, discharges: [d, ...c.discharges.slice(1)] };
    }
    case 'extra-caveat': {
      const root = single ? appendCaveat(c.format, c.root, EXTRA_CAVEAT) : undefined;
      return root && { ...c, root, exact: [...c.exact, { text: EXTRA_CAVEAT }] };
    }
    default:
      throw new Error(`unknown variant ${name}`);
  }
}

const DESCRIPTIONS = {
  valid: '',
  'wrong-key': '; verified with the wrong root key',
  unsatisfied: '; one predicate left unsatisfied',
  'tampered-signature': '; one bit of the root signature flipped',
  'tampered-discharge': '; one bit of the first discharge signature flipped',
  'extra-caveat': `; a caveat "${EXTRA_CAVEAT}" appended without re-signing (and satisfied)`,
};

/**
 * Every case of one plan in one version from a minter's `outputs` ({format: {root, discharges} | {bundle}}).
 * `sameBytes(format, spec)` says whether our writer is meant to reproduce the writer's bytes.
 */
export function expandCases(plan, version, outputs, options) {
  const cases = [];
  for (const [format, output] of Object.entries(outputs)) {
    const base = baseCase(plan, format, output, options);
    const specs = [plan.root, ...(plan.discharges ?? [])];
    const sameBytes = options.sameBytes ? specs.every((s) => options.sameBytes(format, s)) : false;
    for (const v of plan.variants ?? ['valid']) {
      const c = variant(v, base);
      if (!c) continue;
      cases.push({
        name: `${plan.name}/v${version}/${format}/${v}`,
        description: plan.description + DESCRIPTIONS[v],
        ...c,
        sameBytes,
      });
    }
  }
  return cases;
}

/**
 * Mints every plan with `peer`, expands the cases and records the peer's own verdicts. Returns the cases
 * the peer could read, plus what it could not mint or read and what a documented quirk excludes
 * (reported in the vector file).
 */
export function peerCases(peer, info, plans) {
  const requests = [];
  for (const plan of plans) {
    for (const version of plan.versions) {
      const request = mintRequest(plan, version, info.writes);
      if (request.formats.length > 0) requests.push({ plan, version, request });
    }
  }
  const minted = peer.run({ op: 'mint', plans: requests.map((r) => r.request) }).results;
  const notMinted = [];
  const excluded = [];
  const cases = [];
  requests.forEach(({ plan, version, request }, i) => {
    const result = minted[i];
    if (result.error) {
      notMinted.push({ plan: request.name, error: result.error });
      return;
    }
    for (const [format, error] of Object.entries(result.errors ?? {})) {
      notMinted.push({ plan: request.name, format, error });
    }
    const expanded = expandCases(plan, version, result.outputs, {
      allowUnusedDischarges: info.allowUnusedDischarges,
      sameBytes: info.sameBytes,
    });
    for (const c of expanded) {
      const reason = info.excludes?.(c.format, plan);
      if (reason) excluded.push({ name: c.name, reason });
      else cases.push(c);
    }
  });
  const verdicts = peer.run({ op: 'verify', cases }).results;
  const accepted = [];
  const unreadable = [];
  cases.forEach((c, i) => {
    const v = verdicts[i];
    if (v.verdict === 'decode-error') {
      unreadable.push({ name: c.name, error: v.message });
      return;
    }
    const expect = { verdict: v.verdict, signature: v.signature, signatures: v.signatures };
    if (v.message) expect.peerMessage = v.message;
    accepted.push({ ...c, expect });
  });
  return { cases: accepted, notMinted, unreadable, excluded };
}
