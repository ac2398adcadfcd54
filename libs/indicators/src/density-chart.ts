import { Language, translate } from '@app/common';
import type { DensitySeriesView } from './dto/density.dto';

const W = 760;
const H = 380;
const M = { left: 64, right: 24, top: 56, bottom: 56 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Numbers as the reader writes them (0,7 in Vietnamese, 0.7 in English), up to 4 decimals. */
const formatter = (lang: Language) => new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-US', { maximumFractionDigits: 4 });

/** A round upper bound for the y axis: 1, 2 or 5 times a power of ten. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((s) => s * power >= value) ?? 10;
  return step * power;
}

/**
 * A self-contained SVG line chart of the monthly density against the target: no scripts, no
 * external assets, so it can be embedded as an <img> anywhere. Months without a population
 * figure leave a gap rather than a guessed value.
 */
export function renderDensityChart(series: DensitySeriesView, lang: Language = 'vi'): string {
  const fmt = (n: number) => formatter(lang).format(n);
  const text = (key: string, params: Record<string, string | number> = {}) => esc(translate(lang, `chart.${key}`, params));
  const points = series.items;
  const densities = points.map((p) => p.density).filter((d): d is number => d !== null);
  const yMax = niceCeiling(Math.max(series.target, ...densities) * 1.15);
  const x = (i: number) => M.left + (points.length === 1 ? PLOT_W / 2 : (i * PLOT_W) / (points.length - 1));
  const y = (v: number) => M.top + PLOT_H - (Math.max(0, v) / yMax) * PLOT_H;

  const yTicks = [0, 1, 2, 3, 4].map((k) => (yMax * k) / 4);
  const labelEvery = Math.max(1, Math.ceil(points.length / 12));

  // Runs of consecutive months with a density become one polyline each.
  const runs: string[][] = [];
  let run: string[] = [];
  points.forEach((p, i) => {
    if (p.density === null) {
      if (run.length) runs.push(run);
      run = [];
    } else {
      run.push(`${x(i).toFixed(1)},${y(p.density).toFixed(1)}`);
    }
  });
  if (run.length) runs.push(run);

  const title = text('title', { name: series.name });
  const subtitle = text('subtitle', { from: series.from, to: series.to, target: fmt(series.target) });
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="t d" font-family="system-ui, sans-serif" font-size="12">`,
    `<title id="t">${title}</title>`,
    `<desc id="d">${subtitle}. ${text('description')}</desc>`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${M.left}" y="24" font-size="15" font-weight="600" fill="#1f2933">${title}</text>`,
    `<text x="${M.left}" y="42" fill="#52606d">${subtitle}</text>`,
    ...yTicks.map(
      (t) =>
        `<line x1="${M.left}" x2="${W - M.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#e4e7eb"/>` +
        `<text x="${M.left - 8}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" fill="#52606d">${fmt(t)}</text>`,
    ),
    ...points.map((p, i) =>
      i % labelEvery === 0 || i === points.length - 1
        ? `<text x="${x(i).toFixed(1)}" y="${H - M.bottom + 18}" text-anchor="middle" fill="#52606d">${esc(p.month)}</text>`
        : '',
    ),
    `<line x1="${M.left}" x2="${W - M.right}" y1="${y(series.target).toFixed(1)}" y2="${y(series.target).toFixed(1)}" stroke="#d64545" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    `<text x="${W - M.right}" y="${(y(series.target) - 6).toFixed(1)}" text-anchor="end" fill="#d64545">${text('target', { target: fmt(series.target) })}</text>`,
    ...runs.map((r) => `<polyline points="${r.join(' ')}" fill="none" stroke="#2680c2" stroke-width="2"/>`),
    ...points.map((p, i) =>
      p.density === null
        ? ''
        : `<circle cx="${x(i).toFixed(1)}" cy="${y(p.density).toFixed(1)}" r="3" fill="#2680c2"><title>${text('point', {
            month: p.month,
            density: fmt(p.density),
            enterprises: p.enterprises,
          })}</title></circle>`,
    ),
  ];
  if (densities.length === 0) {
    parts.push(
      `<text x="${M.left + PLOT_W / 2}" y="${M.top + PLOT_H / 2}" text-anchor="middle" fill="#52606d">${text('noDensity')}</text>`,
    );
  }
  parts.push(
    `<text x="${W - M.right}" y="${H - 12}" text-anchor="end" fill="#9aa5b1">${sourceNote(series, text, fmt)}</text>`,
    '</svg>',
  );
  return parts.filter(Boolean).join('\n') + '\n';
}

function sourceNote(
  series: DensitySeriesView,
  text: (key: string, params?: Record<string, string | number>) => string,
  fmt: (n: number) => string,
): string {
  const last = [...series.items].reverse().find((p) => p.population);
  return last?.population
    ? text('population', { value: fmt(last.population.value), asOf: last.population.asOf })
    : text('populationNone');
}
