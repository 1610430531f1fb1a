// A grouped bar chart: one group per category (an operation kind), one bar per series in it, as
// an SVG string. Leaves out stacking and negative values, which no report needs.

import { linearScale, px } from './axes.js';
import { escapeXml } from './escape.js';
import { formatNumber } from '../format.js';
import { colour, openSvg, plot, xAxisLabel, yAxis, type FrameSpec } from './frame.js';

export interface BarChartSpec extends Omit<FrameSpec, 'legend'> {
  readonly categories: readonly string[];
  readonly series: readonly { readonly name: string; readonly values: readonly number[] }[];
}

export function barChart(spec: BarChartSpec): string {
  const finite = spec.series.flatMap((s) => s.values.filter(Number.isFinite));
  const yMax = Math.max(0, ...finite);
  const y = linearScale(0, yMax > 0 ? yMax : 1, plot.y0, plot.y1);
  const groupW = (plot.x1 - plot.x0) / Math.max(1, spec.categories.length);
  const barW = Math.min(28, (groupW * 0.8) / Math.max(1, spec.series.length));
  // Long or many names are slanted so neighbours do not overlap.
  const slant = spec.categories.length > 4 || spec.categories.some((c) => c.length * 6.5 > groupW);
  const groups = spec.categories.map((category, ci) => {
    const left = plot.x0 + ci * groupW + (groupW - barW * spec.series.length) / 2;
    const bars = spec.series.map((s, si) => {
      const v = s.values[ci]!;
      if (!Number.isFinite(v)) return '';
      const top = y(v);
      return (
        `<rect x="${px(left + si * barW)}" y="${px(top)}" width="${px(barW - 1)}" height="${px(plot.y0 - top)}" fill="${colour(si)}">` +
        `<title>${escapeXml(`${category} ${s.name}: ${formatNumber(v)}`)}</title></rect>`
      );
    });
    const cx = px(plot.x0 + (ci + 0.5) * groupW);
    const label = slant
      ? `<text class="tick" transform="translate(${cx} ${plot.y0 + 12}) rotate(-20)" text-anchor="end">${escapeXml(category)}</text>`
      : `<text class="tick" x="${cx}" y="${plot.y0 + 16}" text-anchor="middle">${escapeXml(category)}</text>`;
    return `<g class="bar-group" data-category="${escapeXml(category)}">${bars.join('')}${label}</g>`;
  });
  return openSvg({ ...spec, legend: spec.series.map((s) => s.name) }) + yAxis(y, spec.yLabel) + xAxisLabel(spec.xLabel) + groups.join('') + '</svg>';
}
