// The deployments section of report.html: availability per bucket on a "nines" axis (so 99.9 % and
// 99.99 % sit a whole step apart instead of a hair), healing actions per bucket, and a summary table.
// Leaves out per-deployment detail: the series is the share of deployments available.

import { formatForPeople, formatNumber } from '../format.js';
import type { BucketRow, DeploymentTotals, RunRecord } from '../types.js';
import { px, type Scale } from './axes.js';
import { escapeXml } from './escape.js';
import { colour, openSvg, plot, xAxisLabel } from './frame.js';
import { lineChart, seriesMarks, type LineSeries } from './line-chart.js';
import { axisOnly, type TimeAxis } from './network-charts.js';

/** Six nines is the axis's ceiling: a bucket fully available is drawn there rather than at infinity. */
export const ninesCeiling = 6;

/** −log10(1 − fraction), capped at the ceiling: 0.9 → 1, 0.999 → 3, 1 → 6. */
export function nines(fraction: number): number {
  if (Number.isNaN(fraction)) return NaN;
  const missing = 1 - fraction;
  return missing <= 10 ** -ninesCeiling ? ninesCeiling : Math.max(0, -Math.log10(missing));
}

/** The percentage a whole number of nines stands for: 0 → 0 %, 3 → 99.9 %. */
export function ninesLabel(n: number): string {
  return n === 0 ? '0 %' : `${formatNumber(100 * (1 - 10 ** -n))} %`;
}

export function deploymentSection(record: RunRecord, axis: TimeAxis): string[] {
  const totals = record.deployments;
  if (totals === undefined) return [];
  const series = (name: string, f: (b: BucketRow) => number): LineSeries => ({ name, values: record.buckets.map(f) });
  return [
    '<h2>Deployments and healing</h2>',
    availabilityChart(record, axis),
    lineChart({
      id: 'chart-healing',
      title: `Healing actions of the reconciler per ${axis.per ?? 'bucket'}`,
      yLabel: 'actions (count)',
      ...axisOnly(axis),
      series: [
        series('re-placements', (b) => b.deployments?.replacements ?? 0),
        series('zstor repairs', (b) => b.deployments?.repairs ?? 0),
        series('Z-Net re-applies', (b) => b.deployments?.reapplies ?? 0),
      ],
    }),
    healingTable(totals),
  ];
}

function availabilityChart(record: RunRecord, axis: TimeAxis): string {
  const values = (f: (b: BucketRow) => number): LineSeries['values'] => record.buckets.map((b) => nines(f(b)));
  const mean = { name: 'mean', values: values((b) => b.deployments?.availableFractionMean ?? NaN) };
  const min = { name: 'minimum', values: values((b) => b.deployments?.availableFractionMin ?? NaN) };
  // At least up to four nines, so that a run that never dropped below 99.9 % still shows the 99.99 % line.
  const top = Math.min(ninesCeiling, Math.max(4, Math.ceil(Math.max(...[...mean.values, ...min.values].filter(Number.isFinite), 0))));
  const y = ninesScale(top);
  const [xMin, xMax] = axis.xDomain;
  const x = (v: number): number => plot.x0 + ((v - xMin) / (xMax > xMin ? xMax - xMin : 1)) * (plot.x1 - plot.x0);
  const marks = [mean, min].map((s, i) => seriesMarks(s, axis.xs, x, y, colour(i))).join('');
  const spec = { id: 'chart-availability', title: `Deployments available (share per ${axis.per ?? 'bucket'}; each step up is one more nine)`, yLabel: 'available (%)', xLabel: axis.xLabel, legend: [mean.name, min.name] };
  return openSvg(spec) + ninesAxis(y, spec.yLabel) + xAxisLabel(axis.xLabel) + marks + '</svg>';
}

function ninesScale(top: number): Scale {
  const ticks = Array.from({ length: top + 1 }, (_, i) => i);
  const f = ((v: number) => plot.y0 + (v / top) * (plot.y1 - plot.y0)) as Scale;
  return Object.assign(f, { ticks });
}

function ninesAxis(y: Scale, label: string): string {
  const lines = y.ticks
    .map((t) => {
      const at = px(y(t));
      return (
        `<line class="grid" x1="${plot.x0}" x2="${plot.x1}" y1="${at}" y2="${at}"/>` +
        `<text class="tick" x="${plot.x0 - 6}" y="${at}" text-anchor="end" dominant-baseline="middle">${escapeXml(ninesLabel(t))}</text>`
      );
    })
    .join('');
  const mid = px((plot.y0 + plot.y1) / 2);
  return lines + `<text class="axis-label" transform="translate(16 ${mid}) rotate(-90)" text-anchor="middle">${escapeXml(label)}</text>`;
}

function healingTable(d: DeploymentTotals): string {
  const rows: [string, string][] = [
    ['lowest share available', `${formatForPeople(d.availableFractionMin * 100)} % at ${formatForPeople(d.availableFractionMinAtS)} s`],
    ['mean share available (over time)', `${formatForPeople(d.availableFractionMean * 100)} %`],
    ['time below 99.9 %', `${formatForPeople(d.belowThreeNinesS)} s`],
    ['time below 99.99 %', `${formatForPeople(d.belowFourNinesS)} s`],
    ['re-placements (deployments moved off a lost node)', formatNumber(d.replacements)],
    ['zstor repairs', formatNumber(d.repairs)],
    ['Z-Net re-applies', formatNumber(d.reapplies)],
  ];
  const body = rows.map(([k, v]) => `<tr><td>${escapeXml(k)}</td><td class="num">${escapeXml(v)}</td></tr>`).join('\n');
  return `<table id="healing-summary">\n<tr><th>deployments and healing</th><th>value</th></tr>\n${body}\n</table>`;
}
