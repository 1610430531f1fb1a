// RunRecorder: what a runner feeds while a scenario runs, bucketed over simulated time into a
// RunRecord. Leaves out file formats (csv.ts, html/) and keeps only the open bucket's samples.

import { seedToString } from '../sim/engine/rng.js';
import { SimulationError } from '../sim/errors.js';
import { Bucket, codeUnitOrder, gaugeCount, gaugeValues, gauge } from './bucket.js';
import { DeploymentSeries } from './deployment-series.js';
import { NetworkSeries } from './network-series.js';
import { NodeLedger } from './node-ledger.js';
import { QuantileDigest } from './quantile-digest.js';
import { resourceNames } from './types.js';
import type { BucketRow, EventFields, EventKind, GridSample, NodeRecord, OperationRecord, OperationRow, RecorderOptions, ResourceName, RunRecord } from './types.js';

interface KindTotals {
  count: number;
  errors: number;
  readonly latencyMs: QuantileDigest;
  readonly waitMs: QuantileDigest;
}

const qs = [0.5, 0.95, 0.99] as const;

/**
 * Memory is bounded by the open bucket (at most `exactSamples` latencies, or a sketch, per kind),
 * one closed row per bucket (8,760 for a year of hours), one ledger entry per node and one pair of
 * digests per operation kind — never by the number of samples, events or operations.
 *
 * Calls must not go back into a closed bucket: a sample must not be older than the previous sample,
 * and an event, operation or node change must fall in the open bucket or later. Going back is a
 * runner bug and throws, as a silently misfiled sample would make the report lie.
 */
export class RunRecorder {
  private readonly bucketS: number;
  private readonly startS: number;
  private readonly settings: { exactSamples: number; relativeAccuracy: number };
  private readonly rows: BucketRow[] = [];
  private open: Bucket;
  private held: Float64Array | undefined;
  private lastS: number;
  private readonly runIntegral = new Float64Array(gaugeCount);
  private runCoveredS = 0;
  private readonly runMax = new Float64Array(gaugeCount).fill(NaN);
  private readonly kinds = new Map<string, KindTotals>();
  private readonly events = new Map<string, number>();
  private readonly ledger = new NodeLedger();
  private lostBytes = 0;
  /** Created by the first sample that carries network figures; runs without the network never have one. */
  private net: NetworkSeries | undefined;
  /** Created by the first sample that tracks deployments, so that other records keep their shape. */
  private deployments: DeploymentSeries | undefined;
  private finished: RunRecord | undefined;

  constructor(private readonly options: RecorderOptions) {
    if (!(options.bucketS > 0 && Number.isFinite(options.bucketS))) throw new SimulationError(`bucketS must be a positive number of seconds, got ${options.bucketS}`);
    this.bucketS = options.bucketS;
    this.startS = options.startS ?? 0;
    this.settings = { exactSamples: options.exactSamples ?? 1024, relativeAccuracy: options.relativeAccuracy ?? 0.01 };
    if (!(Number.isInteger(this.settings.exactSamples) && this.settings.exactSamples >= 0)) throw new SimulationError(`exactSamples must be a whole number ≥ 0, got ${this.settings.exactSamples}`);
    this.lastS = this.startS;
    this.open = new Bucket(this.startS, this.startS + this.bucketS, this.settings, undefined);
  }

  sample(nowS: number, metrics: GridSample): void {
    this.at(nowS, 'sample');
    if (nowS < this.lastS) throw new SimulationError(`sample at ${nowS} s is older than the previous call at ${this.lastS} s`);
    if (metrics.net !== undefined && nowS === this.open.endS) this.net?.countUntil(metrics.net);
    this.advance(nowS);
    // The held values were integrated up to now by advance(): their array takes the new ones. A
    // Bucket reads what it is given when built and keeps no reference to it.
    const values = gaugeValues(metrics, this.held);
    this.held = values;
    this.open.observe(values);
    if (metrics.net !== undefined) (this.net ??= new NetworkSeries()).observe(metrics.net);
    if (metrics.deployments !== undefined) (this.deployments ??= new DeploymentSeries()).observe(nowS, metrics.deployments);
    for (let i = 0; i < gaugeCount; i++) if (!(this.runMax[i]! >= values[i]!)) this.runMax[i] = values[i]!;
  }

  event(nowS: number, kind: EventKind, fields: EventFields = {}): void {
    this.at(nowS, 'event');
    this.advance(nowS);
    this.events.set(kind, (this.events.get(kind) ?? 0) + 1);
    if (kind === 'workload-replaced') this.open.workloadsReplaced += 1;
    else if (kind === 'repair') this.open.repairBytes += numberField(fields, 'bytes', 0);
    else if (kind === 'object-lost') {
      this.open.zstorObjectsLost += numberField(fields, 'count', 1);
      this.lostBytes += numberField(fields, 'bytes', 0);
    }
  }

  operation(op: OperationRecord): void {
    this.at(op.finishedS, `operation ${op.id}`);
    if (!(op.submittedS <= op.startedS && op.startedS <= op.finishedS)) {
      throw new SimulationError(`operation ${op.id}: needs submittedS ≤ startedS ≤ finishedS, got ${op.submittedS}, ${op.startedS}, ${op.finishedS}`);
    }
    this.advance(op.finishedS);
    const latencyMs = (op.finishedS - op.submittedS) * 1000;
    const ok = op.state === 'ok';
    this.open.operation(op.kind, latencyMs, ok);
    let totals = this.kinds.get(op.kind);
    if (totals === undefined) {
      const digest = (): QuantileDigest => new QuantileDigest(this.settings.exactSamples, this.settings.relativeAccuracy);
      this.kinds.set(op.kind, (totals = { count: 0, errors: 0, latencyMs: digest(), waitMs: digest() }));
    }
    totals.count += 1;
    if (!ok) totals.errors += 1;
    totals.latencyMs.add(latencyMs);
    totals.waitMs.add((op.startedS - op.submittedS) * 1000);
  }

  node(nowS: number, node: NodeRecord): void {
    this.at(nowS, `node ${node.id}`);
    this.advance(nowS);
    this.ledger.record(nowS, node);
  }

  /** Closes every bucket up to `endS` (the last one may be partial) and returns the record. */
  finish(endS: number): RunRecord {
    if (this.finished !== undefined) return this.finished;
    this.at(endS, 'finish');
    if (endS < this.lastS) throw new SimulationError(`finish at ${endS} s is before the last call at ${this.lastS} s`);
    this.advance(endS);
    if (endS > this.open.startS) this.closeOpen(endS);
    this.finished = this.record(endS);
    return this.finished;
  }

  private at(nowS: number, what: string): void {
    if (this.finished !== undefined) throw new SimulationError(`${what} after finish()`);
    if (!Number.isFinite(nowS)) throw new SimulationError(`${what}: time must be finite, got ${nowS}`);
    if (nowS < this.open.startS) throw new SimulationError(`${what} at ${nowS} s falls in a closed bucket (open since ${this.open.startS} s)`);
  }

  /** Integrates the held gauges up to `nowS`, closing every bucket that ends at or before it. */
  private advance(nowS: number): void {
    if (nowS <= this.lastS) return;
    while (nowS >= this.open.endS) {
      this.holdUntil(this.open.endS);
      this.closeOpen(this.open.endS);
    }
    this.holdUntil(nowS);
  }

  private holdUntil(s: number): void {
    if (this.held !== undefined && s > this.lastS) {
      const seconds = s - this.lastS;
      this.open.hold(this.held, seconds);
      for (let i = 0; i < gaugeCount; i++) this.runIntegral[i]! += this.held[i]! * seconds;
      this.runCoveredS += seconds;
      this.deployments?.hold(seconds);
    }
    if (s > this.lastS) this.lastS = s;
  }

  private closeOpen(endS: number): void {
    let row = this.open.close(endS);
    if (this.net !== undefined) row = { ...row, net: this.net.close() };
    if (this.deployments !== undefined) {
      const cell = this.deployments.close();
      // Re-placements are the reconciler's moves of a deployment: the workloadsReplaced column's meaning.
      row = { ...row, workloadsReplaced: row.workloadsReplaced + cell.replacements, deployments: cell };
    }
    this.rows.push(row);
    const next = this.rows.length;
    this.open = new Bucket(this.startS + next * this.bucketS, this.startS + (next + 1) * this.bucketS, this.settings, this.held);
  }

  private record(endS: number): RunRecord {
    const kinds = [...this.kinds.keys()].sort(codeUnitOrder);
    const operations: OperationRow[] = kinds.map((kind) => {
      const t = this.kinds.get(kind)!;
      const [p50, p95, p99] = t.latencyMs.quantiles(qs);
      const [w50, w95, w99] = t.waitMs.quantiles(qs);
      return {
        kind,
        count: t.count,
        errors: t.errors,
        latencyMsMean: t.latencyMs.mean,
        latencyMs: { p50: p50!, p95: p95!, p99: p99! },
        latencyMsMax: t.latencyMs.max,
        waitMsMean: t.waitMs.mean,
        waitMs: { p50: w50!, p95: w95!, p99: w99! },
      };
    });
    const perResource = (f: (i: number) => number): Record<ResourceName, number> =>
      Object.fromEntries(resourceNames.map((r, i) => [r, f(i)])) as Record<ResourceName, number>;
    const runMean = (i: number): number => (this.runCoveredS > 0 ? this.runIntegral[i]! / this.runCoveredS : NaN);
    const sum = (f: (b: BucketRow) => number): number => this.rows.reduce((acc, b) => acc + f(b), 0);
    return {
      seed: seedToString(this.options.seed),
      scenario: this.options.scenario,
      bucketS: this.bucketS,
      startS: this.startS,
      endS,
      exactSamples: this.settings.exactSamples,
      relativeAccuracy: this.settings.relativeAccuracy,
      buckets: this.rows,
      kinds,
      operations,
      nodes: this.ledger.rows(endS),
      totals: {
        usedFractionPeak: perResource((i) => this.runMax[i]!),
        usedFractionMean: perResource(runMean),
        zstorStoredBytesMean: runMean(gauge.zstorStoredBytes),
        zstorObjectsLost: sum((b) => b.zstorObjectsLost),
        zstorLostBytes: this.lostBytes,
        repairBytes: sum((b) => b.repairBytes),
        workloadsReplaced: sum((b) => b.workloadsReplaced),
        events: [...this.events.entries()].sort((a, b) => codeUnitOrder(a[0], b[0])),
      },
      ...(this.net === undefined ? {} : { network: this.net.totals() }),
      ...(this.deployments === undefined ? {} : { deployments: this.deployments.totals() }),
    };
  }
}

function numberField(fields: EventFields, name: string, fallback: number): number {
  const v = fields[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new SimulationError(`event field ${name} must be a finite number ≥ 0, got ${String(v)}`);
  return v;
}
