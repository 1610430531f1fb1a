// The four CSV files as strings (RFC 4180, Unix line ends); every header names its unit last.
// Leaves out the files themselves (write-reports.ts) and the derived maths (capacity.ts).

import type { CapacityPlan } from './capacity.js';
import { cell } from './format.js';
import { summaryEntries } from './summary.js';
import { resourceNames, type BucketRow, type NodeRow, type OperationRow, type OpsCell, type RunRecord } from './types.js';

type Value = number | string | boolean;
type Column<T> = readonly [header: string, get: (row: T) => Value];

/**
 * A field that holds a comma, a quote or a line feed is quoted, its quotes doubled (RFC 4180). A lone
 * CR is left bare, as csv-stringify 6.9 leaves it, so that the bytes stay what they were.
 */
const needsQuotes = /[",\n]/;

export function csvField(text: string): string {
  return needsQuotes.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Written by hand rather than with csv-stringify: a year of hourly buckets is ~10^5 cells, and in a
 * profile of capacity-10k-year the library's per-field work cost more than making the cells. The bytes are the same as
 * csv-stringify's with `record_delimiter: 'unix'` (a test holds the two equal): Unix line ends on
 * every platform, so the bytes do not depend on where the report was made.
 */
export function csvTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const gets = columns.map(([, get]) => get);
  let out = columns.map(([h]) => csvField(h)).join(',') + '\n';
  for (const row of rows) {
    let line = '';
    for (let i = 0; i < gets.length; i++) line += (i === 0 ? '' : ',') + csvField(cell(gets[i]!(row)));
    out += line + '\n';
  }
  return out;
}

const table = csvTable;

function opsColumns(prefix: string, pick: (b: BucketRow) => OpsCell | undefined): Column<BucketRow>[] {
  return [
    [`${prefix}opsCount`, (b) => pick(b)?.count ?? 0],
    [`${prefix}opsErrorCount`, (b) => pick(b)?.errors ?? 0],
    [`${prefix}latencyMsP50`, (b) => pick(b)?.latencyMs.p50 ?? NaN],
    [`${prefix}latencyMsP95`, (b) => pick(b)?.latencyMs.p95 ?? NaN],
    [`${prefix}latencyMsP99`, (b) => pick(b)?.latencyMs.p99 ?? NaN],
  ];
}

/** Only for runs that used the network, so that every other timeseries.csv keeps its bytes. */
const networkColumns: readonly Column<BucketRow>[] = [
  ['planetaryProbesRoutedCount', (b) => b.net?.probesRouted ?? 0],
  ['planetaryProbesDeliveredCount', (b) => b.net?.probesDelivered ?? 0],
  ['planetaryDeliveredFraction', (b) => b.net?.deliveredFraction ?? NaN],
  ['planetaryStretchMultiplierMean', (b) => b.net?.stretchMean ?? NaN],
  ['linksDownCountMax', (b) => b.net?.linksDownMax ?? NaN],
  ['partitionsCountMax', (b) => b.net?.partitionsMax ?? NaN],
  ['znetMembersCutOffCountMax', (b) => b.net?.znetMembersCutOffMax ?? NaN],
  ['gatewayRequestsCount', (b) => b.net?.gatewayRequests ?? 0],
  ['gatewayOkFraction', (b) => b.net?.gatewayOkFraction ?? NaN],
];

/** Only for runs that tracked deployments, so that records without them keep their bytes. */
const deploymentColumns: readonly Column<BucketRow>[] = [
  ['deploymentsAvailableFractionMean', (b) => b.deployments?.availableFractionMean ?? NaN],
  ['deploymentsAvailableFractionMin', (b) => b.deployments?.availableFractionMin ?? NaN],
  ['healingReplacementsCount', (b) => b.deployments?.replacements ?? 0],
  ['healingRepairsCount', (b) => b.deployments?.repairs ?? 0],
  ['healingReappliesCount', (b) => b.deployments?.reapplies ?? 0],
];

/**
 * One row per bucket. Gauges are time-weighted means over the part of the bucket a sample covered,
 * and maxima over the samples present in it; counts and bytes are totals within the bucket;
 * latencies are of operations that finished in it, overall and then per kind as `kind.column`.
 */
export function timeseriesCsv(record: RunRecord): string {
  const columns: Column<BucketRow>[] = [
    ['bucketStartS', (b) => b.startS],
    ['bucketEndS', (b) => b.endS],
    ...resourceNames.map((r): Column<BucketRow> => [`${r}UsedFractionMean`, (b) => b.usedFractionMean[r]]),
    ...resourceNames.map((r): Column<BucketRow> => [`${r}UsedFractionMax`, (b) => b.usedFractionMax[r]]),
    ['nodesUpCountMean', (b) => b.nodesUpMean],
    ['nodesDownCountMean', (b) => b.nodesDownMean],
    ['nodesDownCountMax', (b) => b.nodesDownMax],
    ['workloadsOkCountMean', (b) => b.workloadsOkMean],
    ['workloadsErrorCountMean', (b) => b.workloadsErrorMean],
    ['workloadsReplacedCount', (b) => b.workloadsReplaced],
    ['queueDepthCountMean', (b) => b.queueDepthMean],
    ['queueDepthCountMax', (b) => b.queueDepthMax],
    ['zstorObjectsDegradedCountMean', (b) => b.zstorObjectsDegradedMean],
    ['zstorObjectsDegradedCountMax', (b) => b.zstorObjectsDegradedMax],
    ['zstorObjectsLostCount', (b) => b.zstorObjectsLost],
    ['repairBytes', (b) => b.repairBytes],
    ...(record.network === undefined ? [] : networkColumns),
    ...(record.deployments === undefined ? [] : deploymentColumns),
    ...opsColumns('', (b) => b.ops),
    ...record.kinds.flatMap((k) => opsColumns(`${k}.`, (b) => b.opsByKind.get(k))),
  ];
  return table(columns, record.buckets);
}

export function nodesCsv(record: RunRecord): string {
  const columns: Column<NodeRow>[] = [
    ['nodeId', (n) => String(n.id)],
    ['farm', (n) => n.farm],
    ['template', (n) => n.template],
    ['cruCores', (n) => n.capacity?.cru ?? NaN],
    ['mruBytes', (n) => n.capacity?.mruBytes ?? NaN],
    ['sruBytes', (n) => n.capacity?.sruBytes ?? NaN],
    ['hruBytes', (n) => n.capacity?.hruBytes ?? NaN],
    ['firstSeenS', (n) => n.firstSeenS],
    ['upS', (n) => n.upS],
    ['downS', (n) => n.downS],
    ['availabilityFraction', (n) => (n.upS + n.downS > 0 ? n.upS / (n.upS + n.downS) : NaN)],
    ['downEventsCount', (n) => n.downEvents],
    ['finalState', (n) => (n.up ? 'up' : 'down')],
  ];
  return table(columns, record.nodes);
}

/** One row per operation kind over the whole run; latency is submitted → finished, wait submitted → started. */
export function operationsCsv(record: RunRecord): string {
  const columns: Column<OperationRow>[] = [
    ['kind', (o) => o.kind],
    ['opsCount', (o) => o.count],
    ['opsErrorCount', (o) => o.errors],
    ['errorFraction', (o) => (o.count > 0 ? o.errors / o.count : NaN)],
    ['latencyMsMean', (o) => o.latencyMsMean],
    ['latencyMsP50', (o) => o.latencyMs.p50],
    ['latencyMsP95', (o) => o.latencyMs.p95],
    ['latencyMsP99', (o) => o.latencyMs.p99],
    ['latencyMsMax', (o) => o.latencyMsMax],
    ['waitMsMean', (o) => o.waitMsMean],
    ['waitMsP50', (o) => o.waitMs.p50],
    ['waitMsP95', (o) => o.waitMs.p95],
    ['waitMsP99', (o) => o.waitMs.p99],
  ];
  return table(columns, record.operations);
}

/** `metric,value` rows; each metric name carries its unit last. */
export function summaryCsv(record: RunRecord, plan: CapacityPlan): string {
  return table<readonly [string, Value]>([['metric', (e) => e[0]], ['value', (e) => e[1]]], summaryEntries(record, plan));
}
