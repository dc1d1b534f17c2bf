// The performance targets, evaluated on one run's figures: each line gives the measured value, the goal
// and PASS, MISS or n/a (a contender without a figure in this run).

const rate = (results, id) => results?.[id]?.tokensPerSecond;

/** The WASM batch contender to judge: the SIMD build when it has figures, else any WASM build. */
function wasmId(report, kind) {
  const ids = report.contenders
    .map((c) => c.id)
    .filter((id) => id.startsWith('wasm-') && id.endsWith(`-${kind}`));
  const measured = ids.filter((id) => report.workloads.some((w) => rate(w.results, id)));
  return measured.find((id) => id.includes('simd')) ?? measured[0] ?? ids[0];
}

function ratioTarget(name, results, a, b, goal) {
  const x = rate(results, a);
  const y = rate(results, b);
  if (!x || !y) return { name, value: 'n/a', goal: `>= ${goal}x`, status: 'n/a' };
  const r = x / y;
  return { name, value: `${r.toFixed(2)}x`, goal: `>= ${goal}x`, status: r >= goal ? 'PASS' : 'MISS' };
}

/** Least-squares line through (caveats, µs per token): its slope and R², how much of the cost it explains. */
function linearity(points, id) {
  const xy = points.filter((p) => rate(p.results, id)).map((p) => [p.caveats, 1e6 / rate(p.results, id)]);
  if (xy.length < 3) return undefined;
  const n = xy.length;
  const mx = xy.reduce((s, [x]) => s + x, 0) / n;
  const my = xy.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = xy.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const slope = xy.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / sxx;
  const residual = xy.reduce((s, [x, y]) => s + (y - (my + slope * (x - mx))) ** 2, 0);
  const total = xy.reduce((s, [, y]) => s + (y - my) ** 2, 0);
  return { slopeUs: slope, r2: 1 - residual / total };
}

export function evaluateTargets(report) {
  const targets = [];
  const wasmBatch = wasmId(report, 'batch');
  const wasmOne = wasmId(report, 'one');
  for (const w of report.workloads) {
    const label = `${w.id} ${wasmBatch ?? 'WASM batch'} (batch ${w.requests})`;
    targets.push(ratioTarget(`${label} vs js-macaroon`, w.results, wasmBatch, 'js-macaroon', 20));
    targets.push(ratioTarget(`${label} vs node:crypto verifier`, w.results, wasmBatch, 'node-crypto', 8));
    // W1, the gateway shape, at 3.5x; the others at 3x.
    const libGoal = w.id === 'W1' ? 3.5 : 3;
    targets.push(ratioTarget(`${label} vs libmacaroons`, w.results, wasmBatch, 'libmacaroons', libGoal));
  }
  const w1 = report.workloads.find((w) => w.id === 'W1');
  if (w1) {
    targets.push(
      ratioTarget('W1 TS engine (one at a time) vs js-macaroon', w1.results, 'ts-one', 'js-macaroon', 2),
    );
    targets.push(
      ratioTarget(
        'W1 TS engine (one at a time) vs node:crypto verifier',
        w1.results,
        'ts-one',
        'node-crypto',
        1,
      ),
    );
  }
  for (const w of report.workloads) {
    targets.push(
      ratioTarget(`${w.id} WASM one at a time vs TS engine one at a time`, w.results, wasmOne, 'ts-one', 1),
    );
  }
  const sizes = report.series.batchSizes;
  const b1024 = sizes.find((p) => p.batchSize === 1024);
  const b4096 = sizes.find((p) => p.batchSize === 4096);
  for (const id of report.contenders.map((c) => c.id).filter((id) => id.endsWith('-batch'))) {
    const name = `${id}: per-token cost at batch 1024 within 10% of batch 4096`;
    const x = rate(b1024?.results, id);
    const y = rate(b4096?.results, id);
    if (!x || !y) targets.push({ name, value: 'n/a', goal: 'within 10%', status: 'n/a' });
    else {
      const d = y / x - 1; // cost(1024) / cost(4096) - 1
      targets.push({
        name,
        value: `${d >= 0 ? '+' : ''}${(d * 100).toFixed(1)}%`,
        goal: 'within 10%',
        status: Math.abs(d) <= 0.1 ? 'PASS' : 'MISS',
      });
    }
  }
  for (const id of [wasmBatch, 'ts-batch']) {
    const fit = id && linearity(report.series.caveats, id);
    const name = `${id}: cost linear in caveats (R² of a line through time per token, 0-64 caveats)`;
    if (!fit) targets.push({ name, value: 'n/a', goal: 'R² >= 0.98', status: 'n/a' });
    else {
      targets.push({
        name,
        value: `R² ${fit.r2.toFixed(3)}, ${(fit.slopeUs * 1000).toFixed(0)} ns per caveat`,
        goal: 'R² >= 0.98',
        status: fit.r2 >= 0.98 ? 'PASS' : 'MISS',
      });
    }
  }
  for (const r of report.failures?.rows ?? []) {
    const name = `${r.id}: a W1 batch failing on its last caveat runs within 10% of the passing one`;
    if (r.wrong) targets.push({ name, value: 'wrong verdict', goal: 'within 10%', status: 'MISS' });
    else {
      const d = r.fail / r.pass - 1;
      targets.push({
        name,
        value: `${d >= 0 ? '+' : ''}${(d * 100).toFixed(1)}% tokens/s`,
        goal: 'within 10%',
        status: d >= -0.1 ? 'PASS' : 'MISS',
      });
    }
  }
  const cold = report.coldStart;
  for (const f of cold?.wasm ?? []) {
    targets.push({
      name: `${f.file} size`,
      value: `${(f.bytes / 1024).toFixed(1)} KB`,
      goal: '<= 64 KB',
      status: f.bytes <= 64 * 1024 ? 'PASS' : 'MISS',
    });
  }
  const wasmLoaded = cold?.engine?.startsWith('wasm');
  targets.push({
    name: 'ready() in a fresh Node process',
    value: cold?.readyMs !== undefined ? `${cold.readyMs.toFixed(2)} ms (engine ${cold.engine})` : 'n/a',
    goal: '< 10 ms',
    status: !wasmLoaded ? 'n/a' : cold.readyMs < 10 ? 'PASS' : 'MISS',
  });
  return targets;
}
