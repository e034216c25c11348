// The day-by-day progress of a ward, drawn as SVG by the page: the cumulative coverage over the
// campaign's days, with a grid at every quarter and the first day of some months named below.
// Colours come from the style sheet (classes), never from inline styles.

import { h } from './dom.js';
import { date, percent } from './text.js';

const HEIGHT = 220;
const MARGIN = { top: 12, right: 12, bottom: 28, left: 44 };

/**
 * An `<svg>` of `daily` ([{date, signed, cumulativeCoverage}], one per day) `width` pixels wide,
 * described for screen readers by its first and last figures.
 */
export function progressChart(daily, width) {
  const inner = { w: Math.max(width - MARGIN.left - MARGIN.right, 100), h: HEIGHT - MARGIN.top - MARGIN.bottom };
  const last = daily.at(-1);
  const summary = daily.length
    ? `Tiến độ ký cam kết theo ngày: ${percent(daily[0].cumulativeCoverage)} ngày ${date(daily[0].date)}, `
      + `${percent(last.cumulativeCoverage)} ngày ${date(last.date)}.`
    : 'Chưa có số liệu theo ngày.';
  const svg = h('svg:svg', {
    class: 'chart', viewBox: `0 0 ${width} ${HEIGHT}`, width, height: HEIGHT, role: 'img', 'aria-label': summary,
  });
  svg.append(h('svg:title', {}, summary));
  const x = (i) => MARGIN.left + (daily.length > 1 ? (i / (daily.length - 1)) * inner.w : 0);
  const y = (share) => MARGIN.top + inner.h - share * inner.h;

  for (const share of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(h('svg:line', { class: 'grid', x1: MARGIN.left, x2: MARGIN.left + inner.w, y1: y(share), y2: y(share) }));
    svg.append(h('svg:text', { class: 'axis', x: MARGIN.left - 6, y: y(share) + 4, 'text-anchor': 'end' }, percent(share)));
  }
  // Month labels: as many as fit, at least 60 px apart.
  const months = daily.map((day, i) => ({ day, i })).filter(({ day }) => day.date.endsWith('-01'));
  const every = Math.max(1, Math.ceil(months.length / Math.max(1, Math.floor(inner.w / 60))));
  months.forEach(({ day, i }, n) => {
    if (n % every) return;
    svg.append(h('svg:line', { class: 'tick', x1: x(i), x2: x(i), y1: MARGIN.top + inner.h, y2: MARGIN.top + inner.h + 4 }));
    const [year, month] = day.date.split('-');
    svg.append(h('svg:text', { class: 'axis', x: x(i), y: HEIGHT - 8, 'text-anchor': 'middle' }, `${Number(month)}/${year.slice(2)}`));
  });
  if (daily.length) {
    const points = daily.map((day, i) => `${x(i).toFixed(1)},${y(day.cumulativeCoverage).toFixed(1)}`);
    const base = y(0).toFixed(1);
    svg.append(h('svg:path', { class: 'area', d: `M${x(0).toFixed(1)},${base} L${points.join(' L')} L${x(daily.length - 1).toFixed(1)},${base} Z` }));
    svg.append(h('svg:polyline', { class: 'line', points: points.join(' ') }));
    svg.append(h('svg:circle', { class: 'dot', cx: x(daily.length - 1), cy: y(last.cumulativeCoverage), r: 4 }));
  }
  return svg;
}
