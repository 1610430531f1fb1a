// One open timeseries bucket: time-weighted gauges, counters and per-kind latency digests, closed
// into a BucketRow. Leaves out time bookkeeping across buckets, which the recorder does.

import { SimulationError } from '../sim/errors.js';
import { QuantileDigest } from './quantile-digest.js';
import { resourceNames, type BucketRow, type GridSample, type OpsCell, type ResourceName } from './types.js';

/** Gauge slots in a Float64Array; the four used fractions come first, in resourceNames order. */
export const gauge = {
  nodesUp: 4,
  nodesDown: 5,
  workloadsOk: 6,
  workloadsError: 7,
  queueDepth: 8,
  zstorObjectsDegraded: 9,
  zstorStoredBytes: 10,
} as const;
export const gaugeCount = 11;

const totalKey = { cru: 'cru', mru: 'mruBytes', sru: 'sruBytes', hru: 'hruBytes' } as const;

/** Each gauge slot's name, for the message that names a bad one. */
const gaugeNames = [...resourceNames.map((r) => `${r} used/total`), ...Object.keys(gauge)];

/**
 * A sample as gauge values, written into `g` (a new array by default); a resource with no capacity
 * up counts as fully used, not as idle. Called on every node power change, so it allocates nothing
 * when given the array to fill.
 */
export function gaugeValues(s: GridSample, into: Float64Array = new Float64Array(gaugeCount)): Float64Array {
  // Checked before `into` is touched: a caller that catches the error keeps its values.
  const g = scratch;
  for (let i = 0; i < resourceNames.length; i++) {
    const key = totalKey[resourceNames[i]!];
    const total = s.total[key];
    const used = s.used[key];
    g[i] = total > 0 ? used / total : used > 0 ? 1 : 0;
  }
  g[gauge.nodesUp] = s.nodesUp;
  g[gauge.nodesDown] = s.nodesDown;
  g[gauge.workloadsOk] = s.workloadsOk;
  g[gauge.workloadsError] = s.workloadsError;
  g[gauge.queueDepth] = s.queueDepth;
  g[gauge.zstorObjectsDegraded] = s.zstorObjectsDegraded;
  g[gauge.zstorStoredBytes] = s.zstorStoredBytes;
  // A NaN would poison every mean after it; say which gauge the runner got wrong instead.
  for (let i = 0; i < gaugeCount; i++) {
    const v = g[i]!;
    if (!(v >= 0 && v < Infinity)) throw new SimulationError(`sample: ${gaugeNames[i]} must be finite and ≥ 0, got ${v}`);
  }
  into.set(g);
  return into;
}

const scratch = new Float64Array(gaugeCount);

export interface DigestSettings {
  readonly exactSamples: number;
  readonly relativeAccuracy: number;
}

const qs = [0.5, 0.95, 0.99] as const;

class OpsAccumulator {
  count = 0;
  errors = 0;
  readonly latencyMs: QuantileDigest;

  constructor(settings: DigestSettings) {
    this.latencyMs = new QuantileDigest(settings.exactSamples, settings.relativeAccuracy);
  }

  add(latencyMs: number, ok: boolean): void {
    this.count += 1;
    if (!ok) this.errors += 1;
    this.latencyMs.add(latencyMs);
  }

  cell(): OpsCell {
    const [p50, p95, p99] = this.latencyMs.quantiles(qs);
    return { count: this.count, errors: this.errors, latencyMs: { p50: p50!, p95: p95!, p99: p99! } };
  }
}

export class Bucket {
  /** Σ gauge × seconds over the part of the bucket that had a sample to hold. */
  readonly integral = new Float64Array(gaugeCount);
  readonly max = new Float64Array(gaugeCount).fill(NaN);
  coveredS = 0;
  workloadsReplaced = 0;
  zstorObjectsLost = 0;
  repairBytes = 0;
  private readonly ops: OpsAccumulator;
  private readonly byKind = new Map<string, OpsAccumulator>();

  constructor(
    readonly startS: number,
    readonly endS: number,
    private readonly settings: DigestSettings,
    held: Float64Array | undefined,
  ) {
    this.ops = new OpsAccumulator(settings);
    // The value held across the boundary is present at the bucket's first instant.
    if (held !== undefined) this.observe(held);
  }

  observe(values: Float64Array): void {
    for (let i = 0; i < gaugeCount; i++) if (!(this.max[i]! >= values[i]!)) this.max[i] = values[i]!;
  }

  hold(values: Float64Array, seconds: number): void {
    if (seconds <= 0) return;
    for (let i = 0; i < gaugeCount; i++) this.integral[i]! += values[i]! * seconds;
    this.coveredS += seconds;
  }

  operation(kind: string, latencyMs: number, ok: boolean): void {
    this.ops.add(latencyMs, ok);
    let acc = this.byKind.get(kind);
    if (acc === undefined) this.byKind.set(kind, (acc = new OpsAccumulator(this.settings)));
    acc.add(latencyMs, ok);
  }

  /** The row for this bucket; `endS` is earlier than the planned end only for a run's last bucket. */
  close(endS = this.endS): BucketRow {
    const mean = (i: number): number => (this.coveredS > 0 ? this.integral[i]! / this.coveredS : NaN);
    const perResource = (f: (i: number) => number): Record<ResourceName, number> => ({ cru: f(0), mru: f(1), sru: f(2), hru: f(3) });
    const kinds = [...this.byKind.keys()].sort(codeUnitOrder);
    return {
      startS: this.startS,
      endS,
      usedFractionMean: perResource(mean),
      usedFractionMax: perResource((i) => this.max[i]!),
      nodesUpMean: mean(gauge.nodesUp),
      nodesDownMean: mean(gauge.nodesDown),
      nodesDownMax: this.max[gauge.nodesDown]!,
      workloadsOkMean: mean(gauge.workloadsOk),
      workloadsErrorMean: mean(gauge.workloadsError),
      workloadsReplaced: this.workloadsReplaced,
      queueDepthMean: mean(gauge.queueDepth),
      queueDepthMax: this.max[gauge.queueDepth]!,
      zstorObjectsDegradedMean: mean(gauge.zstorObjectsDegraded),
      zstorObjectsDegradedMax: this.max[gauge.zstorObjectsDegraded]!,
      zstorObjectsLost: this.zstorObjectsLost,
      repairBytes: this.repairBytes,
      ops: this.ops.cell(),
      opsByKind: new Map(kinds.map((k) => [k, this.byKind.get(k)!.cell()])),
    };
  }
}

/** Sorting by UTF-16 code units, never by locale, keeps output identical on every machine. */
export function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
