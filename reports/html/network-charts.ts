// The network charts of report.html, drawn only for runs that used the network: probe delivery and
// gateway success per bucket, and the underlay's cut links and partitions. Leaves out per-link detail.

import type { BucketRow, RunRecord } from '../types.js';
import { lineChart, type LineSeries } from './line-chart.js';

export interface TimeAxis {
  readonly xs: readonly number[];
  readonly xDomain: readonly [number, number];
  readonly xLabel: string;
  /** What one point stands for in titles: 'bucket' (the default) or a bin of folded buckets ('7d bin'). */
  readonly per?: string;
}

export function networkCharts(record: RunRecord, axis: TimeAxis): string[] {
  const series = (name: string, f: (b: BucketRow) => number): LineSeries => ({ name, values: record.buckets.map(f) });
  const pct = (x: number | undefined): number => (x === undefined ? NaN : x * 100);
  return [
    lineChart({
      id: 'chart-network-delivery',
      title: `Planetary probes delivered and gateway requests answered 200 (share per ${axis.per ?? 'bucket'})`,
      yLabel: 'success (%)',
      ...axisOnly(axis),
      yMinMax: 100,
      series: [series('probes delivered', (b) => pct(b.net?.deliveredFraction)), series('gateway ok', (b) => pct(b.net?.gatewayOkFraction))],
    }),
    lineChart({
      id: 'chart-network-faults',
      title: `Underlay links down and extra partitions (max per ${axis.per ?? 'bucket'})`,
      yLabel: 'count',
      ...axisOnly(axis),
      series: [series('links down', (b) => b.net?.linksDownMax ?? NaN), series('partitions', (b) => b.net?.partitionsMax ?? NaN), series('Z-Net members cut off', (b) => b.net?.znetMembersCutOffMax ?? NaN)],
    }),
  ];
}

/** The axis fields a line chart takes (not `per`, which only words titles). */
export function axisOnly(axis: TimeAxis): { xs: readonly number[]; xDomain: readonly [number, number]; xLabel: string } {
  return { xs: axis.xs, xDomain: axis.xDomain, xLabel: axis.xLabel };
}
