// The per-run figures a sweep aggregates, flattened from a run summary, each named with its unit.
// Leaves out aggregation across seeds and the SLO (reports/sweep-*.ts).

import type { RunSummary } from './runner.js';

/** Metric names in CSV column order; NaN means "not measured in this run". */
export const sweepMetricNames = [
  'nodeAvailabilityFraction',
  'deploymentsOkFraction',
  'deploymentsUnplacedCount',
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
  const placed = num(deployments.placed);
  return {
    nodeAvailabilityFraction: num(s.metrics.availability),
    // A snapshot at the end of the run: the share of placed deployments whose workloads are all ok.
    deploymentsOkFraction: placed > 0 ? num(deployments.ok) / placed : NaN,
    deploymentsUnplacedCount: num(deployments.unplaced),
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
