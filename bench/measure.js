// Runs contenders on a workload: first every verdict is checked once (a wrong verdict is a bug to report,
// and that contender gets no figure), then each contender is timed with tinybench on the same requests.
// One timed pass verifies every request of the workload; tokens/s = requests / median pass time.
import { Bench } from 'tinybench';

/** Builds the function that verifies a list of requests and returns how many were authorized. */
function makePass(contender, checks, requests, batchSize) {
  if (contender.batch) {
    const v = contender.verifier(checks);
    const chunks = [];
    for (let i = 0; i < requests.length; i += batchSize)
      chunks.push(v.items(requests.slice(i, i + batchSize)));
    return () => {
      let ok = 0;
      for (const items of chunks) for (const r of v.verify(items)) if (r) ok++;
      return ok;
    };
  }
  const verify = contender.verifier(checks);
  return () => {
    let ok = 0;
    for (const r of requests) if (verify(r)) ok++;
    return ok;
  };
}

function describe(e) {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/**
 * Every verdict once: the workload's controls one by one, the controls mixed into one batch with valid
 * requests (a batch must judge each item alone), and every timed request. Returns the wrong verdicts.
 */
export function checkVerdicts(contender, workload, requests) {
  const wrong = [];
  const expectAll = (list, got, where) => {
    list.forEach((r, i) => {
      if (got[i] !== r.expected) {
        wrong.push(
          `${where}: ${r.label} expected ${r.expected ? 'accept' : 'reject'}, got ${String(got[i])}`,
        );
      }
    });
  };
  try {
    if (contender.batch) {
      const v = contender.verifier(workload.checks);
      for (const c of workload.controls) expectAll([c], v.verify(v.items([c])), `${workload.id} control`);
      const mixed = [...workload.controls, ...requests.slice(0, 8)];
      expectAll(mixed, v.verify(v.items(mixed)), `${workload.id} mixed batch`);
      expectAll(requests, v.verify(v.items(requests)), `${workload.id} request`);
    } else {
      const verify = contender.verifier(workload.checks);
      const run = (list) =>
        list.map((r) => {
          try {
            return verify(r);
          } catch (e) {
            return `threw ${describe(e)}`;
          }
        });
      expectAll(workload.controls, run(workload.controls), `${workload.id} control`);
      expectAll(requests, run(requests), `${workload.id} request`);
    }
  } catch (e) {
    wrong.push(`${workload.id}: threw ${describe(e)}`);
  }
  // A few lines are enough to report a bug.
  return wrong.slice(0, 5);
}

/**
 * The verdict check must be able to fail: a contender that accepts everything and one that refuses
 * everything, one at a time and batched, must each be caught on `workload`. Throws otherwise.
 */
export function assertVerdictCheckCanFail(workload) {
  const fake = (verdict) => [
    { id: `always-${verdict}`, batch: false, verifier: () => () => verdict },
    {
      id: `always-${verdict}-batch`,
      batch: true,
      verifier: () => ({ items: (rs) => rs, verify: (items) => items.map(() => verdict) }),
    },
  ];
  for (const c of [...fake(true), ...fake(false)]) {
    if (checkVerdicts(c, workload, workload.requests).length === 0) {
      throw new Error(`the verdict check let a contender that answers ${c.id} pass on ${workload.id}`);
    }
  }
}

/** Process CPU time in ms: on a machine shared with other work it counts only the time this process ran. */
export function cpuNow() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Measures `contenders` on `workload`. options: { requests (default workload.requests), batchSize
 * (default all requests in one call), time, warmupTime, warmupTokens, rounds, clock ('wall' or 'cpu') }. Returns a map id → result, where a
 * result is { tokensPerSecond, rounds, rme, samples } or { unavailable } or { wrong } or { error }.
 */
export async function measure(workload, contenders, options) {
  const requests = options.requests ?? workload.requests;
  const batchSize = options.batchSize ?? requests.length;
  const results = new Map();
  const timed = [];
  for (const c of contenders) {
    if (c.unavailable) {
      results.set(c.id, { unavailable: c.unavailable });
      continue;
    }
    if (c.external) {
      timed.push(c);
      continue;
    }
    await c.activate?.();
    const wrong = c.diagnostic ? [] : checkVerdicts(c, workload, requests);
    if (wrong.length > 0) results.set(c.id, { wrong });
    else timed.push(c);
  }

  const perRound = new Map(timed.map((c) => [c.id, []]));
  const stats = new Map();
  for (let round = 0; round < options.rounds; round++) {
    // Rotating the order spreads the drift of a loaded machine over all contenders.
    const order = timed.map((_, i) => timed[(i + round) % timed.length]);
    const byName = new Map();
    const bench = new Bench({
      time: options.time,
      warmupTime: options.warmupTime,
      iterations: 3,
      // V8 tiers JS and WASM up after thousands of calls, not after a fixed time: warm up on enough
      // tokens that every contender is measured at its steady state (later rounds are already warm).
      warmupIterations: round === 0 ? Math.max(2, Math.ceil(options.warmupTokens / requests.length)) : 1,
      throws: false,
      // The WASM builds share one engine slot: each contender installs its own before it runs.
      setup: (task) => byName.get(task.name)?.activate?.(),
      ...(options.clock === 'cpu' ? { now: cpuNow } : {}),
    });
    for (const c of order) {
      if (c.external) continue;
      await c.activate?.();
      const pass = makePass(c, workload.checks, requests, batchSize);
      byName.set(c.label, c);
      bench.add(c.label, () => {
        const ok = pass();
        if (ok !== requests.length) throw new Error(`${ok} of ${requests.length} authorized during timing`);
      });
    }
    await bench.run();
    for (const c of order) {
      if (!c.external) continue;
      const r = c.run(workload, requests, (options.time + options.warmupTime) / 1000, options.clock);
      if (r.error || r.wrong > 0) {
        results.set(
          c.id,
          r.error ? { error: r.error } : { wrong: [r.stderr || `${r.wrong} wrong verdicts`] },
        );
        perRound.delete(c.id);
      } else perRound.get(c.id)?.push(r.tokensPerSecond);
    }
    for (const task of bench.tasks) {
      const c = byName.get(task.name);
      const result = task.result;
      if (result.state !== 'completed') {
        results.set(c.id, { error: describe(result.error ?? result.state) });
        perRound.delete(c.id);
        continue;
      }
      perRound.get(c.id)?.push((requests.length * 1000) / result.latency.p50);
      const s = stats.get(c.id) ?? { rme: [], samples: 0 };
      s.rme.push(result.latency.rme);
      s.samples += result.latency.samplesCount;
      stats.set(c.id, s);
    }
  }
  for (const [id, values] of perRound) {
    if (values.length === 0) continue;
    const s = stats.get(id);
    results.set(id, {
      tokensPerSecond: median(values),
      rounds: values.map((v) => Math.round(v)),
      ...(s ? { rme: Math.max(...s.rme), samples: s.samples } : {}),
    });
  }
  return results;
}
