// Writes docs/bench.svg, docs/bench-scaling.svg and the results part of BENCHMARKS.md from a results JSON (default: the full
// run's), re-evaluating the targets: `node bench/render.js [bench/results/full.json]`. run.js calls
// writeOutputs after a full run; this entry redraws without measuring again.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chartSvg } from './chart.js';
import { scalingSvg } from './chart-scaling.js';
import { writeReport } from './report.js';
import { evaluateTargets } from './targets.js';

export function writeOutputs(report) {
  mkdirSync(new URL('../docs/', import.meta.url), { recursive: true });
  writeFileSync(new URL('../docs/bench.svg', import.meta.url), chartSvg(report));
  writeFileSync(new URL('../docs/bench-scaling.svg', import.meta.url), scalingSvg(report));
  writeReport(report, new URL('../BENCHMARKS.md', import.meta.url));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const path = process.argv[2] ?? new URL('./results/full.json', import.meta.url);
  const report = JSON.parse(readFileSync(path, 'utf8'));
  report.targets = evaluateTargets(report);
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  writeOutputs(report);
  console.log('wrote docs/bench.svg, docs/bench-scaling.svg and BENCHMARKS.md');
}
