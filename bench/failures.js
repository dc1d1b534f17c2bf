// Failures must cost what successes cost: an attacker's bad tokens must not be cheaper to send than they
// are to refuse. Two batches of W1 tokens, minted from the same seed, differ only in their root's last
// first-party caveat: `role = reader` (satisfied) in one, `role = writer` (same length, not satisfied) in
// the other, so both need exactly the same cryptography and every token of the second is refused on its
// last caveat. Each of this library's batch contenders verifies both, alternating, in the same process.
import { cpuNow } from './measure.js';
import { buildWorkload, SHAPES } from './workloads.js';

const SATISFIED = 'role = reader';
const REFUSED = 'role = writer';

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Seconds of `run()` repeated until `minMs` have passed; returns calls per second. */
function rate(run, minMs, now) {
  let calls = 0;
  const t0 = now();
  let t = t0;
  do {
    run();
    calls++;
    t = now();
  } while (t - t0 < minMs);
  return (calls * 1000) / (t - t0);
}

/**
 * For each batch contender: tokens/s on the passing batch and on the failing one, the median of
 * `rounds` alternating measurements of `timeMs` each. Returns { count, rows: [{ id, label, pass, fail }] }.
 */
export async function measureFailures(contenders, { count, rounds, timeMs, warmupTokens, clock }) {
  const now = clock === 'cpu' ? cpuNow : () => performance.now();
  const shape = SHAPES.W1;
  const passing = buildWorkload('W1', shape, { count, seed: 5, lastCaveat: SATISFIED });
  const failing = buildWorkload('W1', shape, { count, seed: 5, lastCaveat: REFUSED, expected: false });
  const checks = { exact: [...passing.checks.exact, SATISFIED] };
  const rows = [];
  for (const c of contenders.filter((c) => c.batch && !c.unavailable && !c.external)) {
    await c.activate?.();
    const v = c.verifier(checks);
    const pass = v.items(passing.requests);
    const fail = v.items(failing.requests);
    const verdicts = [...v.verify(pass), ...v.verify(fail).map((ok) => !ok)];
    if (verdicts.some((ok) => !ok)) {
      rows.push({ id: c.id, label: c.label, wrong: 'a wrong verdict on the passing or failing batch' });
      continue;
    }
    for (let i = 0; i < Math.ceil(warmupTokens / count); i++) {
      v.verify(pass);
      v.verify(fail);
    }
    const passRates = [];
    const failRates = [];
    for (let r = 0; r < rounds; r++) {
      // Alternate which goes first, so the drift of a shared machine falls on both.
      const first = r % 2 === 0;
      if (first) passRates.push(rate(() => v.verify(pass), timeMs, now) * count);
      failRates.push(rate(() => v.verify(fail), timeMs, now) * count);
      if (!first) passRates.push(rate(() => v.verify(pass), timeMs, now) * count);
    }
    rows.push({ id: c.id, label: c.label, pass: median(passRates), fail: median(failRates) });
  }
  return { count, lastCaveat: { satisfied: SATISFIED, refused: REFUSED }, rows };
}
