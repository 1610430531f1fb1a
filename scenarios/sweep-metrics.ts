// The per-run figures a sweep aggregates, flattened from a run summary, each named with its unit.
// Leaves out aggregation across seeds and the SLO (reports/sweep-*.ts).

import type { RunSummary } from './runner.js';

/** Metric names in CSV column order; NaN means "not measured in this run". */
export const sweepMetricNames = [
  'nodeAvailabilityFraction',
  'deploymentsOkFraction',
  'deploymentsUnplacedCount',
  'deploymentsAvailabilityMinFraction',
  'deploymentsAvailabilityMeanFraction',
  'deploymentHoursLost',
  'timeToHealP99S',
  'nodeFailuresCount',
  'diskFailuresCount',
  'lostObjectsCount',
  'filesLostCount',
  'convergedFraction',
  'convergedAfterS',
  'invariantsFailedCount',
  'eventsCount',
] as const;

export type SweepMetricName = (typeof sweepMetricNames)[number];
export type SweepMetrics = Record<SweepMetricName, number>;

function num(x: unknown): number {
  return typeof x === 'number' ? x : NaN;
}

export function sweepMetrics(s: RunSummary): SweepMetrics {
  const deployments = (s.metrics.deployments ?? {}) as Record<string, unknown>;
  const storage = (s.metrics.storage ?? {}) as Record<string, unknown>;
  const healing = (s.metrics.healing ?? {}) as { timeToHealS?: { p99?: unknown } };
  // Deployments the workload cancelled on purpose leave the denominator: gone by design is not "not ok".
  const kept = num(deployments.placed) - (num(deployments.cancelled) || 0);
  return {
    nodeAvailabilityFraction: num(s.metrics.availability),
    // A snapshot at the end of the run: the share of placed, not cancelled, deployments whose workloads are all ok.
    deploymentsOkFraction: kept > 0 ? num(deployments.ok) / kept : NaN,
    deploymentsUnplacedCount: num(deployments.unplaced),
    // What operators feel while faults happen (scenarios/availability.ts).
    deploymentsAvailabilityMinFraction: num(deployments.availabilityMinFraction),
    deploymentsAvailabilityMeanFraction: num(deployments.availabilityMeanFraction),
    deploymentHoursLost: num(deployments.hoursLost),
    // No outage healed: nothing took any time to heal.
    timeToHealP99S: healing.timeToHealS === undefined ? NaN : healing.timeToHealS.p99 === null ? 0 : num(healing.timeToHealS.p99),
    nodeFailuresCount: num(s.metrics.nodeFailures),
    diskFailuresCount: num(s.metrics.diskFailures),
    lostObjectsCount: num(storage.lostObjects),
    filesLostCount: num(storage.filesLost),
    convergedFraction: s.convergedAfterS === null ? 0 : 1,
    convergedAfterS: s.convergedAfterS ?? NaN,
    invariantsFailedCount: s.invariants.filter((i) => !i.ok).length,
    eventsCount: s.events,
  };
}

/** A bound on one metric, as `--slo` writes it (parsed in reports/sweep-slo.ts). */
export interface SloBound {
  readonly metric: SweepMetricName;
  readonly op: '>=' | '<=';
  readonly value: number;
}

/** A run meets the SLO when every bound holds; a metric not measured (NaN) fails it. */
export function meetsSlo(metrics: SweepMetrics, slo: readonly SloBound[]): boolean {
  return slo.every((b) => (b.op === '>=' ? metrics[b.metric] >= b.value : metrics[b.metric] <= b.value));
}
