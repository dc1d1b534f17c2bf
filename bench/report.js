// Writes the measured part of BENCHMARKS.md from a full run's results: the text between the two marker
// comments is replaced, the hand-written method and notes around it are kept.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { failuresTable, mainTable, problems, REFERENCE, renderMarkdown, seriesTable } from './tables.js';

const BEGIN = '<!-- bench:results:begin (written by bench/report.js from bench/results/full.json) -->';
const END = '<!-- bench:results:end -->';

function machineLines(report) {
  const m = report.machine;
  return [
    `- Date: ${report.date} (${report.seconds} s), command \`${report.command}\` (${report.mode} mode)`,
    `- Clock: ${
      report.clock === 'cpu'
        ? 'process CPU time (`--clock=cpu`: time this process ran, whatever else the machine did)'
        : 'wall clock (`performance.now()`)'
    }`,
    `- CPU: ${m.cpu}, ${m.cores} cores; Node ${m.node} (V8 ${m.v8}), ${m.platform}`,
    `- Load average (1, 5, 15 min) at start ${m.loadAverageAtStart.join(', ')}, at end ${m.loadAverageAtEnd.join(', ')}`,
    `- \`ready()\` loaded engine \`${report.library.readyEngine}\`; WASM builds measured: ${
      report.library.wasmBuilds
        .map(
          (b) =>
            `${b.build} (${b.unavailable ? `unavailable: ${b.unavailable}` : `installed with ${b.via}`})`,
        )
        .join(', ') || 'none'
    }`,
  ];
}

function coldLines(cold) {
  if (!cold || cold.error) return [`Cold start: ${cold?.error ?? 'not measured'}`];
  const files = cold.wasm.map((f) => `\`${f.file}\` ${f.bytes} bytes (${(f.bytes / 1024).toFixed(1)} KB)`);
  return [
    `Cold start, median of ${cold.samples} fresh Node processes: \`import\` ${cold.importMs.toFixed(1)} ms, then ` +
      `\`await ready()\` ${cold.readyMs.toFixed(2)} ms (engine \`${cold.engine}\`), ${cold.totalMs.toFixed(1)} ms in all.`,
    ...(cold.firstBatchMs === undefined
      ? []
      : [
          `The first \`verifyBatch\` of ${cold.batch} W1 tokens in a fresh process took ${cold.firstBatchMs.toFixed(1)} ms ` +
            `(${Math.round((cold.batch * 1000) / cold.firstBatchMs)} tokens/s), the second ${cold.secondBatchMs.toFixed(1)} ms ` +
            `(${Math.round((cold.batch * 1000) / cold.secondBatchMs)} tokens/s): what a new instance's first requests pay before V8 tiers up.`,
        ]),
    `WASM files: ${files.join(', ') || 'none in dist/wasm/'}.`,
  ];
}

export function resultsMarkdown(report) {
  const out = [];
  if (report.preliminary) {
    out.push(
      '> **Preliminary: measured while the machine was loaded** (other work was using both cores; see the load',
      '> averages below). Ratios within one run are more trustworthy than the absolute figures.',
      '',
    );
  }
  out.push(...machineLines(report), '', '![tokens per second by contender and workload](docs/bench.svg)', '');
  out.push(
    `### Tokens per second (ratio to ${REFERENCE}), and ns per SHA-256 compression`,
    '',
    renderMarkdown(mainTable(report)),
    '',
    `Compressions per request (minimum with pad reuse / straightforward): ${report.workloads
      .map((w) => `${w.id} ${w.compressions.minimum} / ${w.compressions.naive}`)
      .join(', ')}.`,
    '',
    '### Targets',
    '',
    renderMarkdown([
      ['target', 'measured', 'goal', 'status'],
      ...report.targets.map((t) => [t.name, t.value, t.goal, t.status]),
    ]),
    '',
    '### Scaling with first-party caveats (tokens/s)',
    '',
    '![microseconds per token by number of caveats](docs/bench-scaling.svg)',
    '',
    renderMarkdown(seriesTable(report.series.caveats, report.contenders, 'caveats', 'caveats')),
    '',
    '### W1 by batch size (tokens/s)',
    '',
    renderMarkdown(
      seriesTable(
        report.series.batchSizes,
        report.contenders.filter((c) => c.batch),
        'batchSize',
        'batch',
      ),
    ),
    '',
    '### W1 with a root key per token or one shared root key (tokens/s)',
    '',
    renderMarkdown(seriesTable(report.series.keys, report.contenders, 'keys', 'keys')),
    '',
    ...(report.failures
      ? [
          `### W1 batch of ${report.failures.count}: all passing, or all failing on their last caveat (tokens/s)`,
          '',
          renderMarkdown(failuresTable(report)),
          '',
        ]
      : []),
    '### Cold start',
    '',
    ...coldLines(report.coldStart),
  );
  const missing = problems(report);
  if (missing.length > 0) out.push('', '### Contenders without figures', '', ...missing.map((l) => `- ${l}`));
  return out.join('\n');
}

export function writeReport(report, url) {
  const generated = `${BEGIN}\n${resultsMarkdown(report)}\n${END}`;
  const current = existsSync(url) ? readFileSync(url, 'utf8') : '';
  const start = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + generated + current.slice(end + END.length)
      : `# Benchmarks\n\n${generated}\n`;
  writeFileSync(url, next);
}
