// report.html: one self-contained page — inline CSS and SVG, no script, no fonts, no links — with
// charts of the timeseries, the per-kind operations and the summary. Leaves out interactivity.

import type { CapacityPlan } from '../capacity.js';
import { formatDuration } from '../../scenarios/duration.js';
import { formatForPeople, formatNumber } from '../format.js';
import { summaryEntries } from '../summary.js';
import { resourceNames, type BucketRow, type RunRecord } from '../types.js';
import { timeUnit } from './axes.js';
import { deploymentSection } from './availability-charts.js';
import { barChart } from './bar-chart.js';
import { chartRecord } from './chart-bins.js';
import { escapeXml } from './escape.js';
import { headlineBox } from './headline.js';
import { pageOpen } from './page-style.js';
import { latencyBandsChart } from './latency-bands.js';
import { lineChart, type LineChartSpec, type LineSeries } from './line-chart.js';
import { networkCharts } from './network-charts.js';

/** Everything the page says comes from `record` and `plan`, so the same inputs give the same bytes. */
export function reportHtml(record: RunRecord, plan: CapacityPlan): string {
  const title = `zos-testbed report — ${record.scenario}, seed ${record.seed}`;
  // The time charts draw a long run's buckets folded into bins (chart-bins.ts); tables keep the buckets.
  const { record: charted, perBin } = chartRecord(record);
  const unit = timeUnit(record.endS - record.startS);
  const xs = charted.buckets.map((b) => (b.startS - record.startS) / unit.seconds);
  const xDomain = [0, (record.endS - record.startS) / unit.seconds] as const;
  const xLabel = perBin === 1
    ? `simulated time (${unit.name}), bucket start; buckets of ${formatNumber(record.bucketS)} s`
    : `simulated time (${unit.name}), bin start; bins of ${formatDuration(charted.bucketS)} (${perBin} buckets of ${formatNumber(record.bucketS)} s)`;
  const per = perBin === 1 ? 'bucket' : `${formatDuration(charted.bucketS)} bin`;
  const repairUnit = byteUnit(Math.max(0, ...charted.buckets.map((b) => b.repairBytes)));
  const series = (name: string, f: (b: BucketRow) => number): LineSeries => ({ name, values: charted.buckets.map(f) });
  const specs: LineChartSpec[] = [
    {
      id: 'chart-utilisation',
      title: `Capacity used on nodes that are up (time-weighted mean per ${per})`,
      yLabel: 'used (%)',
      xLabel,
      xs,
      xDomain,
      series: resourceNames.map((r) => series(r, (b) => b.usedFractionMean[r] * 100)),
    },
    {
      id: 'chart-nodes',
      // Down nodes on their own axis: a few down among thousands up would lie flat on the floor.
      title: `Nodes down (of ${formatNumber(record.nodes.length)}; mean and most per ${per})`,
      yLabel: 'nodes down (count)',
      xLabel,
      xs,
      xDomain,
      series: [series('down', (b) => b.nodesDownMean), series('down, most', (b) => b.nodesDownMax)],
    },
    {
      id: 'chart-workloads',
      title: 'Workloads and queue',
      yLabel: 'count',
      xLabel,
      xs,
      xDomain,
      series: [
        series('workloads ok', (b) => b.workloadsOkMean),
        series('workloads error', (b) => b.workloadsErrorMean),
        series('re-placed', (b) => b.workloadsReplaced),
        series('queue depth', (b) => b.queueDepthMean),
      ],
    },
    {
      id: 'chart-storage',
      title: `zstor objects degraded (mean) and lost (per ${per})`,
      yLabel: 'objects (count)',
      xLabel,
      xs,
      xDomain,
      series: [series('degraded', (b) => b.zstorObjectsDegradedMean), series('lost', (b) => b.zstorObjectsLost)],
    },
    {
      id: 'chart-repair',
      title: `zstor repair traffic per ${per}`,
      yLabel: `repair (${repairUnit.name})`,
      xLabel,
      xs,
      xDomain,
      series: [series('repair', (b) => b.repairBytes / repairUnit.bytes)],
    },
  ];
  // Latency as percentile bands over bins of several buckets (reports/html/latency-bands.ts), after the node charts.
  const charts = (some: readonly LineChartSpec[]): string[] => some.filter(hasData).map(lineChart);
  const drawn = [...charts(specs.slice(0, 2)), ...latencyBandsChart(charted, { xs, xDomain, xLabel }, unit.seconds), ...charts(specs.slice(2))];
  if (record.network !== undefined) drawn.push(...networkCharts(charted, { xs, xDomain, xLabel, per }));
  const ops = record.operations;
  const opCharts = [
    barChart({
      id: 'chart-op-latency',
      title: 'Latency per operation kind, whole run',
      yLabel: 'latency (ms)',
      xLabel: 'operation kind',
      categories: ops.map((o) => o.kind),
      series: [
        { name: 'p50', values: ops.map((o) => o.latencyMs.p50) },
        { name: 'p95', values: ops.map((o) => o.latencyMs.p95) },
        { name: 'p99', values: ops.map((o) => o.latencyMs.p99) },
      ],
    }),
    barChart({
      id: 'chart-op-count',
      title: 'Operations per kind, whole run',
      yLabel: 'operations (count)',
      xLabel: 'operation kind',
      categories: ops.map((o) => o.kind),
      series: [
        { name: 'ok', values: ops.map((o) => o.count - o.errors) },
        { name: 'error', values: ops.map((o) => o.errors) },
      ],
    }),
  ];
  return [
    ...pageOpen(title),
    `<p class="meta">${escapeXml(meta(record))}</p>`,
    headlineBox(record, plan),
    '<h2>Over time</h2>',
    ...drawn,
    ...deploymentSection(charted, { xs, xDomain, xLabel, per }),
    '<h2>Per operation kind</h2>',
    ...opCharts,
    operationsTable(record),
    '<h2>Summary</h2>',
    table(['metric', 'value'], summaryEntries(record, plan).map(([m, v]) => [m, v])),
    `<p class="note">${escapeXml(percentileNote(record))}</p>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** A chart whose every series is empty or zero says nothing: only charts with data are drawn. */
function hasData(spec: LineChartSpec): boolean {
  return spec.series.some((series) => series.values.some((v) => Number.isFinite(v) && v !== 0));
}

/** Decimal units, as zos and disk vendors count, chosen so that the axis reads below 10,000. */
function byteUnit(maxBytes: number): { name: string; bytes: number } {
  const units = [['MB', 1e6], ['GB', 1e9], ['TB', 1e12], ['PB', 1e15]] as const;
  const fit = units.find(([, bytes]) => maxBytes / bytes < 1e4) ?? units[3];
  return { name: fit[0], bytes: fit[1] };
}

function meta(record: RunRecord): string {
  const spanS = record.endS - record.startS;
  const unit = timeUnit(spanS);
  const span = unit.seconds === 1 ? `${formatNumber(spanS)} s` : `${formatNumber(Number((spanS / unit.seconds).toFixed(2)))} ${unit.name} (${formatNumber(spanS)} s)`;
  return `${span} of simulated time from ${formatNumber(record.startS)} s, ${record.nodes.length} nodes, ${record.buckets.length} buckets of ${formatNumber(record.bucketS)} s.`;
}

function operationsTable(record: RunRecord): string {
  const rows = record.operations.map((o) => [o.kind, o.count, o.errors, o.latencyMs.p50, o.latencyMs.p95, o.latencyMs.p99, o.waitMs.p95]);
  return table(['kind', 'opsCount', 'opsErrorCount', 'latencyMsP50', 'latencyMsP95', 'latencyMsP99', 'waitMsP95'], rows);
}

function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const head = `<tr>${headers.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>`;
  const body = rows
    .map((r) => `<tr>${r.map((v) => (typeof v === 'number' ? `<td class="num">${escapeXml(formatForPeople(v))}</td>` : `<td>${escapeXml(v)}</td>`)).join('')}</tr>`)
    .join('\n');
  return `<table>\n${head}\n${body}\n</table>`;
}

function percentileNote(record: RunRecord): string {
  return (
    `Percentiles are nearest-rank. They are exact while a bucket (or, for whole-run figures, a kind) holds at most ` +
    `${record.exactSamples} latencies; beyond that a log-bucketed sketch answers within ±${formatNumber(record.relativeAccuracy * 100)} % ` +
    `of the exact value. Empty points mean nothing was measured in that bucket.`
  );
}
