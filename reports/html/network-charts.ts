// The network charts of report.html, drawn only for runs that used the network: probe delivery and
// gateway success per bucket, and the underlay's cut links and partitions. Leaves out per-link detail.

import type { BucketRow, RunRecord } from '../types.js';
import { lineChart, type LineSeries } from './line-chart.js';

export interface TimeAxis {
  readonly xs: readonly number[];
  readonly xDomain: readonly [number, number];
  readonly xLabel: string;
}

export function networkCharts(record: RunRecord, axis: TimeAxis): string[] {
  const series = (name: string, f: (b: BucketRow) => number): LineSeries => ({ name, values: record.buckets.map(f) });
  const pct = (x: number | undefined): number => (x === undefined ? NaN : x * 100);
  return [
    lineChart({
      id: 'chart-network-delivery',
      title: 'Planetary probes delivered and gateway requests answered 200 (share per bucket)',
      yLabel: 'success (%)',
      ...axis,
      yMinMax: 100,
      series: [series('probes delivered', (b) => pct(b.net?.deliveredFraction)), series('gateway ok', (b) => pct(b.net?.gatewayOkFraction))],
    }),
    lineChart({
      id: 'chart-network-faults',
      title: 'Underlay links down and extra partitions (max per bucket)',
      yLabel: 'count',
      ...axis,
      series: [series('links down', (b) => b.net?.linksDownMax ?? NaN), series('partitions', (b) => b.net?.partitionsMax ?? NaN), series('Z-Net members cut off', (b) => b.net?.znetMembersCutOffMax ?? NaN)],
    }),
  ];
}
