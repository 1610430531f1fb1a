// Operation latency as percentile bands: p50–p95 and p95–p99 shaded between their bounds and the
// median as a stepped line, over display bins of whole buckets (at most `maxBins` across the chart),
// so that a year of buckets reads as a band instead of a wall of three crossing lines.
// Leaves out per-kind latency (the bar chart below it) and exact bin percentiles: the record keeps
// each bucket's percentiles, not its digest, so a bin's figure is an estimate (see binLatency).

import { formatDuration } from '../../scenarios/duration.js';
import { formatNumber } from '../format.js';
import type { BucketRow, RunRecord } from '../types.js';
import { linearScale, px } from './axes.js';
import { escapeXml } from './escape.js';
import { openSvg, palette, plot, xAxisLabel, yAxis } from './frame.js';
import type { TimeAxis } from './network-charts.js';

/** About 11 px a bin on the 670 px plot: wide enough to see each step, few enough to read a trend. */
export const maxBins = 60;

/** The median line in the first series colour; the bands in lighter tints of it (solid, so pixels are exact). */
const colours = { p50: palette[0], inner: '#80B9D8', outer: '#CCE3F0' } as const;

export interface LatencyBin {
  /** Bucket indices [first, end). */
  readonly first: number;
  readonly end: number;
  /** Operations finished in the bin; 0 leaves a gap. */
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** Bin widths people count in (1 min … 30 d), so that an axis says "bins of 7d", not "bins of 6.13d". */
const roundBinsS = [60, 300, 600, 900, 1800, 3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400];

/**
 * Buckets per bin: one when the buckets fit; else the fewest whole buckets that keep the bins within
 * `most`, widened to a round width (a whole number of buckets, at most 2.5 times as wide) if any.
 */
export function bucketsPerBin(buckets: number, bucketS: number, most = maxBins): number {
  const fewest = Math.max(1, Math.ceil(buckets / most));
  if (fewest === 1) return 1;
  const round = roundBinsS.find((w) => w >= fewest * bucketS && w <= 2.5 * fewest * bucketS && w % bucketS === 0);
  return round === undefined ? fewest : round / bucketS;
}

/**
 * Each bin's percentiles: the mean of its buckets' percentiles weighted by their operations. The
 * exact bin percentile of a mixture lies between its buckets' lowest and highest, and the weighted
 * mean does too; it is exact when a bin is one bucket. Buckets without operations carry no weight.
 */
export function binLatency(buckets: readonly BucketRow[], perBin: number): LatencyBin[] {
  const bins: LatencyBin[] = [];
  for (let first = 0; first < buckets.length; first += perBin) {
    const end = Math.min(buckets.length, first + perBin);
    let count = 0;
    const sum = { p50: 0, p95: 0, p99: 0 };
    for (let i = first; i < end; i++) {
      const { ops } = buckets[i]!;
      if (!(ops.count > 0) || !Number.isFinite(ops.latencyMs.p99)) continue;
      count += ops.count;
      sum.p50 += ops.count * ops.latencyMs.p50;
      sum.p95 += ops.count * ops.latencyMs.p95;
      sum.p99 += ops.count * ops.latencyMs.p99;
    }
    const mean = (s: number): number => (count === 0 ? NaN : s / count);
    bins.push({ first, end, count, p50: mean(sum.p50), p95: mean(sum.p95), p99: mean(sum.p99) });
  }
  return bins;
}

/** The chart, or nothing when no bucket finished an operation. */
export function latencyBandsChart(record: RunRecord, axis: TimeAxis, unitSeconds: number): string[] {
  const perBin = bucketsPerBin(record.buckets.length, record.bucketS);
  const bins = binLatency(record.buckets, perBin).filter((b) => b.count > 0);
  if (bins.length === 0) return [];
  const binLabel = formatDuration(perBin * record.bucketS);
  const y = linearScale(0, Math.max(...bins.map((b) => b.p99)) || 1, plot.y0, plot.y1);
  const [xMin, xMax] = axis.xDomain;
  const x = linearScale(xMin, xMax > xMin ? xMax : xMin + 1, plot.x0, plot.x1, 8, true);
  const bucketWidth = record.bucketS / unitSeconds;
  // A bin spans its buckets; the last one stops at the run's end, not at a whole bucket past it.
  const left = (b: LatencyBin): number => x(axis.xs[b.first]!);
  const right = (b: LatencyBin): number => x(Math.min(xMax, axis.xs[b.end - 1]! + bucketWidth));
  const band = (lo: (b: LatencyBin) => number, hi: (b: LatencyBin) => number): string =>
    bins.map((b) => {
      const top = y(hi(b));
      // At least half a pixel, so that a band of equal bounds still shows where operations were.
      const height = Math.max(0.5, y(lo(b)) - top);
      return `<rect x="${px(left(b))}" y="${px(top)}" width="${px(Math.max(0.5, right(b) - left(b)))}" height="${px(height)}"/>`;
    }).join('');
  const ticks = x.ticks.map((t) => `<text class="tick" x="${px(x(t))}" y="${plot.y0 + 16}" text-anchor="middle">${escapeXml(formatNumber(t))}</text>`).join('');
  const spec = {
    id: 'chart-latency',
    title: `Operation latency, all kinds (submitted → finished, by finish time; bins of ${binLabel})`,
    yLabel: 'latency (ms)',
    xLabel: axis.xLabel.replace(/(bucket|bin) start; .*$/, `bins of ${binLabel}`),
    legend: [
      { name: 'p50', colour: colours.p50 },
      { name: 'p50–p95', colour: colours.inner },
      { name: 'p95–p99', colour: colours.outer },
    ],
  };
  return [
    openSvg(spec) + yAxis(y, spec.yLabel) + xAxisLabel(spec.xLabel) + ticks +
      `<g class="band" data-series="p95–p99" fill="${colours.outer}">${band((b) => b.p95, (b) => b.p99)}</g>` +
      `<g class="band" data-series="p50–p95" fill="${colours.inner}">${band((b) => b.p50, (b) => b.p95)}</g>` +
      `<g class="series" data-series="p50">${medianSteps(bins, left, right, (v) => y(v))}</g>` +
      '</svg>',
  ];
}

/** One stepped path per run of adjacent bins with operations; a bin after a gap starts a new path. */
function medianSteps(bins: readonly LatencyBin[], left: (b: LatencyBin) => number, right: (b: LatencyBin) => number, y: (v: number) => number): string {
  const paths: string[] = [];
  let d = '';
  let lastEnd = -1;
  for (const b of bins) {
    const at = px(y(b.p50));
    if (b.first !== lastEnd && d !== '') {
      paths.push(d);
      d = '';
    }
    d += `${d === '' ? 'M' : 'L'}${px(left(b))} ${at}L${px(right(b))} ${at}`;
    lastEnd = b.end;
  }
  if (d !== '') paths.push(d);
  return paths.map((p) => `<path d="${p}" fill="none" stroke="${colours.p50}" stroke-width="1.8" stroke-linejoin="round"/>`).join('');
}
