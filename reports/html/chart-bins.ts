// The time charts' view of a long run: buckets folded into bins of a round width, at most
// maxChartPoints of them, so that a year of hourly buckets (8,760 points on 670 px) reads as a curve
// instead of a wall. Each column folds as its meaning asks: time-weighted means stay means, maxima
// maxima, minima minima, per-bucket counts add up, shares are recomputed from their counts, and
// latency percentiles are weighted by operations (binLatency). Tables and CSV keep the buckets.

import type { BucketRow, DeploymentCell, NetworkCell, OpsCell, ResourceName, RunRecord } from '../types.js';
import { resourceNames } from '../types.js';
import { binLatency, bucketsPerBin } from './latency-bands.js';

/** About 5.6 px a point on the 670 px plot. */
export const maxChartPoints = 120;

/** The record as the time charts draw it, and how many buckets each of its buckets holds. */
export function chartRecord(record: RunRecord): { readonly record: RunRecord; readonly perBin: number } {
  const perBin = bucketsPerBin(record.buckets.length, record.bucketS, maxChartPoints);
  if (perBin === 1) return { record, perBin };
  const buckets: BucketRow[] = [];
  for (let first = 0; first < record.buckets.length; first += perBin) buckets.push(foldBuckets(record.buckets.slice(first, first + perBin)));
  return { record: { ...record, bucketS: record.bucketS * perBin, buckets }, perBin };
}

/** Several adjacent buckets as one. */
export function foldBuckets(rows: readonly BucketRow[]): BucketRow {
  const widths = rows.map((r) => r.endS - r.startS);
  const mean = (f: (r: BucketRow) => number): number => weighted(rows.map(f), widths);
  const max = (f: (r: BucketRow) => number): number => extreme(rows.map(f), Math.max);
  const sum = (f: (r: BucketRow) => number): number => rows.reduce((a, r) => a + f(r), 0);
  const perResource = (f: (r: BucketRow) => Readonly<Record<ResourceName, number>>, fold: (g: (r: BucketRow) => number) => number) =>
    Object.fromEntries(resourceNames.map((n) => [n, fold((r) => f(r)[n])])) as Record<ResourceName, number>;
  const net = rows.some((r) => r.net !== undefined) ? foldNet(rows.flatMap((r) => (r.net === undefined ? [] : [r.net]))) : undefined;
  const deployments = rows.some((r) => r.deployments !== undefined) ? foldDeployments(rows, widths) : undefined;
  return {
    startS: rows[0]!.startS,
    endS: rows[rows.length - 1]!.endS,
    usedFractionMean: perResource((r) => r.usedFractionMean, mean),
    usedFractionMax: perResource((r) => r.usedFractionMax, max),
    nodesUpMean: mean((r) => r.nodesUpMean),
    nodesDownMean: mean((r) => r.nodesDownMean),
    nodesDownMax: max((r) => r.nodesDownMax),
    workloadsOkMean: mean((r) => r.workloadsOkMean),
    workloadsErrorMean: mean((r) => r.workloadsErrorMean),
    workloadsReplaced: sum((r) => r.workloadsReplaced),
    queueDepthMean: mean((r) => r.queueDepthMean),
    queueDepthMax: max((r) => r.queueDepthMax),
    zstorObjectsDegradedMean: mean((r) => r.zstorObjectsDegradedMean),
    zstorObjectsDegradedMax: max((r) => r.zstorObjectsDegradedMax),
    zstorObjectsLost: sum((r) => r.zstorObjectsLost),
    repairBytes: sum((r) => r.repairBytes),
    ops: foldOps(rows.map((r) => r.ops)),
    opsByKind: foldByKind(rows),
    ...(net === undefined ? {} : { net }),
    ...(deployments === undefined ? {} : { deployments }),
  };
}

/** The mean of the finite values weighted by `weights`; NaN when none is finite. */
function weighted(values: readonly number[], weights: readonly number[]): number {
  let sum = 0;
  let weight = 0;
  values.forEach((v, i) => {
    if (!Number.isFinite(v) || !(weights[i]! > 0)) return;
    sum += v * weights[i]!;
    weight += weights[i]!;
  });
  return weight === 0 ? NaN : sum / weight;
}

function extreme(values: readonly number[], pick: (...v: number[]) => number): number {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? NaN : pick(...finite);
}

function foldOps(cells: readonly OpsCell[]): OpsCell {
  const [bin] = binLatency(cells.map((ops) => ({ ops }) as BucketRow), cells.length);
  return { count: cells.reduce((a, c) => a + c.count, 0), errors: cells.reduce((a, c) => a + c.errors, 0), latencyMs: { p50: bin!.p50, p95: bin!.p95, p99: bin!.p99 } };
}

function foldByKind(rows: readonly BucketRow[]): Map<string, OpsCell> {
  const kinds = [...new Set(rows.flatMap((r) => [...r.opsByKind.keys()]))];
  return new Map(kinds.map((k) => [k, foldOps(rows.flatMap((r) => { const c = r.opsByKind.get(k); return c === undefined ? [] : [c]; }))]));
}

function foldNet(cells: readonly NetworkCell[]): NetworkCell {
  const sum = (f: (c: NetworkCell) => number): number => cells.reduce((a, c) => a + f(c), 0);
  const probesRouted = sum((c) => c.probesRouted);
  const probesDelivered = sum((c) => c.probesDelivered);
  const gatewayRequests = sum((c) => c.gatewayRequests);
  return {
    probesRouted,
    probesDelivered,
    deliveredFraction: probesRouted === 0 ? NaN : probesDelivered / probesRouted,
    stretchMean: weighted(cells.map((c) => c.stretchMean), cells.map((c) => c.probesDelivered)),
    linksDownMax: extreme(cells.map((c) => c.linksDownMax), Math.max),
    partitionsMax: extreme(cells.map((c) => c.partitionsMax), Math.max),
    znetMembersCutOffMax: extreme(cells.map((c) => c.znetMembersCutOffMax), Math.max),
    gatewayRequests,
    gatewayOkFraction: weighted(cells.map((c) => c.gatewayOkFraction), cells.map((c) => c.gatewayRequests)),
  };
}

function foldDeployments(rows: readonly BucketRow[], widths: readonly number[]): DeploymentCell {
  const cell = (r: BucketRow, f: (d: DeploymentCell) => number): number => (r.deployments === undefined ? NaN : f(r.deployments));
  const sum = (f: (d: DeploymentCell) => number): number => rows.reduce((a, r) => a + (r.deployments === undefined ? 0 : f(r.deployments)), 0);
  return {
    availableFractionMean: weighted(rows.map((r) => cell(r, (d) => d.availableFractionMean)), widths),
    availableFractionMin: extreme(rows.map((r) => cell(r, (d) => d.availableFractionMin)), Math.min),
    replacements: sum((d) => d.replacements),
    repairs: sum((d) => d.repairs),
    reapplies: sum((d) => d.reapplies),
  };
}
