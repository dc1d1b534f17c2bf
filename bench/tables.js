// The results as tables (header row + rows of cells), rendered as padded text for the terminal or as
// Markdown for BENCHMARKS.md. Every figure carries its ratio to the reference contender beside it.

export const REFERENCE = 'js-macaroon';

export function formatRate(value) {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e4) return `${Math.round(value / 1e3)}k`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return String(Math.round(value));
}

function formatRatio(r) {
  return r >= 10 ? `${r.toFixed(0)}x` : `${r.toFixed(2)}x`;
}

/** One cell: a figure and its ratio to `reference`, or why there is no figure. */
export function cell(result, reference) {
  if (!result) return '-';
  if (result.unavailable) return 'unavailable';
  if (result.wrong) return 'WRONG VERDICT';
  if (result.error) return 'error';
  const rate = formatRate(result.tokensPerSecond);
  if (!reference?.tokensPerSecond) return rate;
  return `${rate} (${formatRatio(result.tokensPerSecond / reference.tokensPerSecond)})`;
}

/** The main table: contenders by workload, with ns per SHA-256 compression for each workload. */
export function mainTable(report) {
  const header = ['contender'];
  for (const w of report.workloads) header.push(`${w.id} tokens/s (x ${REFERENCE})`, `${w.id} ns/compr.`);
  const rows = report.contenders.map((c) => {
    const row = [c.label];
    for (const w of report.workloads) {
      const r = w.results[c.id];
      row.push(cell(r, w.results[REFERENCE]));
      const perCompression = r?.tokensPerSecond && !c.diagnostic;
      row.push(perCompression ? (1e9 / r.tokensPerSecond / w.compressions.minimum).toFixed(0) : '-');
    }
    return row;
  });
  return [header, ...rows];
}

/** A series: contenders by the series' parameter (caveats, batch size, key sharing). */
export function seriesTable(points, contenders, parameter, name) {
  const ids = contenders.filter((c) => points.some((p) => p.results[c.id]));
  const header = ['contender', ...points.map((p) => `${name} ${p[parameter]}`)];
  const rows = ids.map((c) => [c.label, ...points.map((p) => cell(p.results[c.id], p.results[REFERENCE]))]);
  return [header, ...rows];
}

export function renderText(table) {
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
  const line = (row) =>
    row.map((v, i) => (i === 0 ? String(v).padEnd(widths[i]) : String(v).padStart(widths[i])));
  const [header, ...rows] = table;
  return [
    line(header).join('  '),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map((r) => line(r).join('  ')),
  ].join('\n');
}

export function renderMarkdown(table) {
  const [header, ...rows] = table;
  const line = (row) => `| ${row.map((v) => String(v).replaceAll('|', '\\|')).join(' | ')} |`;
  return [
    line(header),
    `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

/** Why some contenders have no figure: unavailable, wrong verdicts (bugs to report) or errors. */
export function problems(report) {
  const lines = [];
  const seen = new Set();
  const all = [
    ...report.workloads.map((w) => [w.id, w.results]),
    ...report.series.caveats.map((p) => [`${p.caveats} caveats`, p.results]),
    ...report.series.batchSizes.map((p) => [`batch ${p.batchSize}`, p.results]),
    ...report.series.keys.map((p) => [`W1 ${p.keys} keys`, p.results]),
  ];
  for (const c of report.contenders) {
    for (const [where, results] of all) {
      const r = results[c.id];
      if (!r || r.tokensPerSecond) continue;
      const what = r.unavailable
        ? `unavailable: ${r.unavailable}`
        : r.wrong
          ? `WRONG VERDICT on ${where}: ${r.wrong.join('; ')}`
          : `error on ${where}: ${r.error}`;
      const key = `${c.id} ${r.unavailable ?? what}`;
      if (seen.has(key)) continue;
      seen.add(key);
      lines.push(`${c.label}: ${what}`);
    }
  }
  return lines;
}

/** The W1 batch all passing and all failing on its last caveat, per batch contender of this library. */
export function failuresTable(report) {
  const header = ['contender', 'all passing', 'all failing', 'failing vs passing'];
  const rows = (report.failures?.rows ?? []).map((r) =>
    r.wrong
      ? [r.label, 'WRONG VERDICT', 'WRONG VERDICT', '-']
      : [r.label, formatRate(r.pass), formatRate(r.fail), `${((r.fail / r.pass - 1) * 100).toFixed(1)}%`],
  );
  return [header, ...rows];
}
