// The scaling chart: microseconds per token against the number of first-party caveats, one line per
// contender, both axes linear, so a straight line means cost linear in caveats and its slope is the cost
// of one caveat.
import { COLORS } from './chart.js';

const WIDTH = 980;
const HEIGHT = 460;
const PLOT = { left: 70, top: 50, right: 640, bottom: 400 };

const xml = (s) => String(s).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** A round step for about `count` ticks up to `max`. */
function step(max, count) {
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
}

export function scalingSvg(report) {
  const points = report.series.caveats;
  const contenders = report.contenders.filter(
    (c) => !c.diagnostic && points.some((p) => p.results[c.id]?.tokensPerSecond),
  );
  const us = (p, c) => {
    const rate = p.results[c.id]?.tokensPerSecond;
    return rate ? 1e6 / rate : undefined;
  };
  const maxX = Math.max(...points.map((p) => p.caveats));
  const maxY = Math.max(...points.flatMap((p) => contenders.map((c) => us(p, c) ?? 0)));
  const yStep = step(maxY, 6);
  const yTop = Math.ceil(maxY / yStep) * yStep;
  const x = (v) => PLOT.left + (v / maxX) * (PLOT.right - PLOT.left);
  const y = (v) => PLOT.bottom - (v / yTop) * (PLOT.bottom - PLOT.top);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${PLOT.left}" y="24" font-size="16" font-weight="bold">Time per token by first-party caveats (lower is better)</text>`,
    `<text x="${PLOT.left}" y="42" font-size="11" fill="#555">${xml(report.machine.cpu)}, Node ${xml(report.machine.node)}, ${xml(report.date.slice(0, 10))}, ${xml(report.mode)} mode, ${report.clock === 'cpu' ? 'CPU-time clock' : 'wall clock'}${report.preliminary ? ', preliminary: measured on a loaded machine' : ''}</text>`,
  ];
  for (let v = 0; v <= yTop + 1e-9; v += yStep) {
    out.push(
      `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${PLOT.left - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="11" text-anchor="end">${Number(v.toPrecision(6))}</text>`,
    );
  }
  for (const p of points) {
    out.push(
      `<text x="${x(p.caveats).toFixed(1)}" y="${PLOT.bottom + 18}" font-size="11" text-anchor="middle">${p.caveats}</text>`,
    );
  }
  out.push(
    `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${PLOT.bottom}" y2="${PLOT.bottom}" stroke="#333"/>`,
    `<line x1="${PLOT.left}" x2="${PLOT.left}" y1="${PLOT.top}" y2="${PLOT.bottom}" stroke="#333"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 38}" font-size="12" text-anchor="middle">first-party caveats per token</text>`,
    `<text transform="translate(16,${(PLOT.top + PLOT.bottom) / 2}) rotate(-90)" font-size="12" text-anchor="middle">µs per token</text>`,
  );
  contenders.forEach((c, i) => {
    const color = COLORS[report.contenders.indexOf(c) % COLORS.length];
    const xy = points.map((p) => [p.caveats, us(p, c)]).filter(([, v]) => v !== undefined);
    const path = xy
      .map(([a, b], k) => `${k === 0 ? 'M' : 'L'}${x(a).toFixed(1)},${y(b).toFixed(1)}`)
      .join(' ');
    out.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const [a, b] of xy) {
      out.push(
        `<circle cx="${x(a).toFixed(1)}" cy="${y(b).toFixed(1)}" r="3" fill="${color}"><title>${xml(c.label)}: ${a} caveats, ${b.toFixed(1)} µs</title></circle>`,
      );
    }
    const ly = PLOT.top + 10 + i * 22;
    out.push(
      `<rect x="${PLOT.right + 24}" y="${ly - 10}" width="14" height="14" fill="${color}"/>`,
      `<text x="${PLOT.right + 44}" y="${ly + 1}" font-size="12">${xml(c.label)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
