// The chart for BENCHMARKS.md, drawn from the results JSON: tokens/s per contender, grouped by workload,
// on a log scale (the contenders span two orders of magnitude), each bar labelled with its figure.
import { formatRate } from './tables.js';

export const COLORS = [
  '#1b5e20',
  '#43a047',
  '#0d47a1',
  '#42a5f5',
  '#6a1b9a',
  '#ab47bc',
  '#e65100',
  '#fb8c00',
  '#757575',
  '#c62828',
];
const WIDTH = 980;
const HEIGHT = 460;
const PLOT = { left: 70, top: 50, right: 640, bottom: 400 };

const xml = (s) => String(s).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

export function chartSvg(report) {
  const workloads = report.workloads;
  const contenders = report.contenders.filter(
    (c) => !c.diagnostic && workloads.some((w) => w.results[c.id]?.tokensPerSecond),
  );
  const values = workloads.flatMap((w) =>
    contenders.map((c) => w.results[c.id]?.tokensPerSecond).filter(Boolean),
  );
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const y = (v) =>
    PLOT.bottom -
    ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (PLOT.bottom - PLOT.top);
  const color = (c) => COLORS[report.contenders.indexOf(c) % COLORS.length];
  const groupWidth = (PLOT.right - PLOT.left) / workloads.length;
  const barWidth = Math.min(28, (groupWidth - 24) / contenders.length);
  const out = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${PLOT.left}" y="24" font-size="16" font-weight="bold">Tokens verified per second, one core (higher is better, log scale)</text>`,
    `<text x="${PLOT.left}" y="42" font-size="11" fill="#555">${xml(report.machine.cpu)}, Node ${xml(report.machine.node)}, ${xml(report.date.slice(0, 10))}, ${xml(report.mode)} mode, ${report.clock === 'cpu' ? 'CPU-time clock' : 'wall clock'}${report.preliminary ? ', preliminary: measured on a loaded machine' : ''}</text>`,
  );
  for (let v = lo; v <= hi; v *= 10) {
    out.push(
      `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${PLOT.left - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${v >= 1e6 ? `${v / 1e6}M` : formatRate(v)}</text>`,
    );
  }
  out.push(
    `<line x1="${PLOT.left}" x2="${PLOT.left}" y1="${PLOT.top}" y2="${PLOT.bottom}" stroke="#333"/>`,
    `<text transform="translate(16,${(PLOT.top + PLOT.bottom) / 2}) rotate(-90)" font-size="12" text-anchor="middle">tokens/s</text>`,
  );
  workloads.forEach((w, g) => {
    const x0 = PLOT.left + g * groupWidth + (groupWidth - barWidth * contenders.length) / 2;
    contenders.forEach((c, i) => {
      const v = w.results[c.id]?.tokensPerSecond;
      if (!v) return;
      const x = x0 + i * barWidth;
      const top = y(v);
      out.push(
        `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(PLOT.bottom - top).toFixed(1)}" fill="${color(c)}"><title>${xml(c.label)}: ${Math.round(v)} tokens/s</title></rect>`,
        `<text transform="translate(${(x + barWidth / 2 + 3).toFixed(1)},${(top - 4).toFixed(1)}) rotate(-90)" font-size="10">${formatRate(v)}</text>`,
      );
    });
    out.push(
      `<text x="${(PLOT.left + (g + 0.5) * groupWidth).toFixed(1)}" y="${PLOT.bottom + 20}" font-size="13" text-anchor="middle" font-weight="bold">${xml(w.id)}</text>`,
      `<text x="${(PLOT.left + (g + 0.5) * groupWidth).toFixed(1)}" y="${PLOT.bottom + 36}" font-size="10" text-anchor="middle" fill="#555">${xml(w.shortTitle ?? '')}</text>`,
    );
  });
  contenders.forEach((c, i) => {
    const ly = PLOT.top + 10 + i * 22;
    out.push(
      `<rect x="${PLOT.right + 24}" y="${ly - 10}" width="14" height="14" fill="${color(c)}"/>`,
      `<text x="${PLOT.right + 44}" y="${ly + 1}" font-size="12">${xml(c.label)}</text>`,
    );
  });
  const missing = report.contenders.filter((c) => !c.diagnostic && !contenders.includes(c));
  missing.forEach((c, i) => {
    out.push(
      `<text x="${PLOT.right + 24}" y="${PLOT.top + 10 + (contenders.length + i) * 22 + 8}" font-size="11" fill="#888">${xml(c.label)}: no figure (see BENCHMARKS.md)</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
