// The metrics of a process that owns a simulated grid (`apply`, `run`, `plan` with --metrics-port):
// jobs by kind and how they ended, retries and reconciler actions from the Testbed's own events, and
// the grid's gauges read from the run's samples, labelled with the simulated time they belong to.
// Leaves out wall-clock durations: the owner's jobs run in simulated time (workers time theirs).

import { Counter, Histogram } from 'prom-client';
import type { GridSnapshot, RunObserver } from '../../scenarios/observer.js';
import type { Testbed } from '../../scheduler/testbed.js';
import type { World } from '../../sim/grid/world.js';
import { addGridGauges, type ZosMetrics } from './metrics.js';

/** Counts a Testbed's job outcomes, retries and reconciler actions into `metrics`. */
export function watchTestbed(testbed: Testbed, metrics: ZosMetrics): void {
  testbed.on((event) => {
    if (event.kind === 'completed') metrics.jobs.inc({ kind: event.op, state: event.result?.state ?? 'ok' });
    else if (event.kind === 'failed') metrics.jobs.inc({ kind: event.op, state: 'error' });
    else if (event.kind === 'retrying') metrics.retries.inc({ kind: event.op });
  });
  testbed.onAudit((entry) => metrics.reconcilerActions.inc({ reason: entry.reason }));
}

/** `apply`'s grid gauges, read from the world at scrape time: O(nodes) per scrape, nothing per event. */
export function addWorldGauges(metrics: ZosMetrics, world: World): void {
  addGridGauges(metrics, ['nodesUp', 'simTimeS'], () => {
    let nodesUp = 0;
    for (let node = 0; node < world.grid.nodeCount; node++) if (world.grid.isOn(node)) nodesUp++;
    return { nodesUp, simTimeS: world.sim.nowS };
  });
}

/**
 * A scenario run's observer that keeps the metrics: operations by kind and state, their simulated
 * durations, injected faults, and the latest sample's grid figures as gauges.
 */
export class MetricsRunObserver implements RunObserver {
  private last: GridSnapshot | undefined;
  private lastS = 0;
  private readonly healed = { replacements: 0, repairs: 0, reapplies: 0 };
  private readonly simJobDurationS: Histogram<'kind'>;
  private readonly faults: Counter<'kind'>;

  constructor(private readonly metrics: ZosMetrics) {
    const registers = [metrics.registry];
    this.simJobDurationS = new Histogram({ name: 'zos_sim_job_duration_seconds', help: 'Simulated time from an operation\'s submission to its end, by kind', labelNames: ['kind'], buckets: [1, 10, 60, 300, 900, 3600, 6 * 3600, 86400], registers });
    this.faults = new Counter({ name: 'zos_sim_events_total', help: 'Harness events of the run (injected faults, failures), by kind', labelNames: ['kind'], registers });
    const read = (pick: (s: GridSnapshot) => number): number => (this.last === undefined ? 0 : pick(this.last));
    addGridGauges(metrics, ['nodesUp', 'deploymentsAvailable', 'repairsInFlight', 'simTimeS'], () => ({
      nodesUp: read((s) => s.nodesUp),
      deploymentsAvailable: read((s) => s.deployments?.availableFraction ?? Number.NaN),
      repairsInFlight: read((s) => s.zstorObjectsDegraded),
      simTimeS: this.lastS,
    }));
  }

  sample(nowS: number, snapshot: GridSnapshot): void {
    this.last = snapshot;
    this.lastS = nowS;
    const d = snapshot.deployments;
    if (d === undefined) return;
    // The snapshot carries totals since the run began; the counters take the increase.
    for (const [key, reason] of [['replacements', 'replaced'], ['repairs', 'zstor-repair'], ['reapplies', 'znet-reapply']] as const) {
      const delta = d[key] - this.healed[key];
      if (delta > 0) this.metrics.reconcilerActions.inc({ reason }, delta);
      this.healed[key] = d[key];
    }
  }

  node(): void {}

  operation(op: Parameters<RunObserver['operation']>[0]): void {
    this.metrics.jobs.inc({ kind: op.kind, state: op.state });
    this.simJobDurationS.observe({ kind: op.kind }, Math.max(0, op.finishedS - op.submittedS));
  }

  event(_nowS: number, kind: string): void {
    this.faults.inc({ kind });
  }
}

/** One observer feeding two (the report recorder and the metrics). */
export function teeObserver(a: RunObserver, b: RunObserver): RunObserver {
  return {
    sample: (nowS, snapshot) => (a.sample(nowS, snapshot), b.sample(nowS, snapshot)),
    node: (nowS, node) => (a.node(nowS, node), b.node(nowS, node)),
    operation: (op) => (a.operation(op), b.operation(op)),
    event: (nowS, kind, fields) => (a.event(nowS, kind, fields), b.event(nowS, kind, fields)),
  };
}
