// A line chart of several series over one shared x axis, as an SVG string. Missing values (NaN)
// break a line rather than drawing it down to zero. Leaves out interaction: the page has no script.

import { formatNumber } from '../format.js';
import { linearScale, px } from './axes.js';
import { escapeXml } from './escape.js';
import { colour, openSvg, plot, xAxisLabel, yAxis, type FrameSpec } from './frame.js';

export interface LineSeries {
  readonly name: string;
  readonly values: readonly number[];
}

export interface LineChartSpec extends Omit<FrameSpec, 'legend'> {
  readonly xs: readonly number[];
  /** The x axis spans this, usually the whole run, even where the last points are missing. */
  readonly xDomain: readonly [number, number];
  readonly series: readonly LineSeries[];
  /** The y axis reaches at least this, so a near-idle resource does not look full. */
  readonly yMinMax?: number;
}

export function lineChart(spec: LineChartSpec): string {
  const finite = spec.series.flatMap((s) => s.values.filter(Number.isFinite));
  const yMax = Math.max(spec.yMinMax ?? 0, ...finite, 0);
  const y = linearScale(0, yMax > 0 ? yMax : 1, plot.y0, plot.y1);
  const [xMin, xMax] = spec.xDomain;
  const x = linearScale(xMin, xMax > xMin ? xMax : xMin + 1, plot.x0, plot.x1, 8, true);
  const xTicks = x.ticks
    .map((t) => `<text class="tick" x="${px(x(t))}" y="${plot.y0 + 16}" text-anchor="middle">${escapeXml(formatNumber(t))}</text>`)
    .join('');
  // A series with no value at all is left out of the legend too (an empty "none" entry reads as data);
  // the others keep their palette colour, so a colour means the same series whether or not one is empty.
  const drawn = spec.series.map((s, i) => ({ s, colour: colour(i) })).filter(({ s }) => s.values.some(Number.isFinite));
  const lines = drawn.map(({ s, colour: stroke }) => seriesMarks(s, spec.xs, (v) => x(v), (v) => y(v), stroke)).join('');
  return openSvg({ ...spec, legend: drawn.map(({ s, colour: c }) => ({ name: s.name, colour: c })) }) + yAxis(y, spec.yLabel) + xAxisLabel(spec.xLabel) + xTicks + lines + '</svg>';
}

/** One path per unbroken run of values; a lone value gets a dot so that it is not invisible. */
export function seriesMarks(s: LineSeries, xs: readonly number[], x: (v: number) => number, y: (v: number) => number, stroke: string): string {
  const runs: string[][] = [];
  let run: string[] = [];
  s.values.forEach((v, i) => {
    if (Number.isFinite(v)) run.push(`${px(x(xs[i]!))} ${px(y(v))}`);
    else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  });
  if (run.length > 0) runs.push(run);
  const marks = runs.map((r) => {
    if (r.length === 1) {
      const [cx, cy] = r[0]!.split(' ');
      return `<circle cx="${cx}" cy="${cy}" r="2.5" fill="${stroke}"/>`;
    }
    return `<path d="M${r.join('L')}" fill="none" stroke="${stroke}" stroke-width="1.6" stroke-linejoin="round"/>`;
  });
  return `<g class="series" data-series="${escapeXml(s.name)}">${marks.join('')}</g>`;
}
