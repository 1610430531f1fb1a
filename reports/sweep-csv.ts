// sweep.csv: one row per point — its parameters, node count, each metric's mean and 95 % CI
// half-width across seeds, and whether every seed met the SLO. Leaves out running the sweep.

import { stringify } from 'csv-stringify/sync';
import { sweepMetricNames } from '../scenarios/sweep-metrics.js';
import type { SweepPlan, SweepPoint } from '../scenarios/sweep-plan.js';
import type { SweepTaskResult } from '../scenarios/sweep-task.js';
import { cell } from './format.js';
import { meanCi95, type MeanCi } from './sweep-stats.js';
import { meetsSlo, recommend, type SloBound } from './sweep-slo.js';

export interface SweepRow {
  readonly point: SweepPoint;
  readonly metrics: Readonly<Record<string, MeanCi>>;
  readonly sloSeedsMet: number;
  readonly sloMet: boolean;
}

export interface SweepSummary {
  readonly rows: readonly SweepRow[];
  readonly recommended: SweepPoint | undefined;
}

/** `results` in task order, as runSweepTasks returns them. */
export function summarizeSweep(plan: SweepPlan, results: readonly SweepTaskResult[], slo: readonly SloBound[]): SweepSummary {
  const rows = plan.points.map((point): SweepRow => {
    const runs = plan.tasks.filter((t) => t.pointIndex === point.index).map((t) => results[t.index]!.metrics);
    const metrics = Object.fromEntries(sweepMetricNames.map((m) => [m, meanCi95(runs.map((r) => r[m]))]));
    const sloSeedsMet = runs.filter((r) => meetsSlo(r, slo)).length;
    return { point, metrics, sloSeedsMet, sloMet: sloSeedsMet === runs.length };
  });
  return { rows, recommended: recommend(plan.points, rows.map((r) => r.sloMet), plan.params.map((p) => p.name)) };
}

/** Headers carry units through the metric names (…Fraction, …Count, …S); the suffix says the statistic. */
export function sweepCsv(plan: SweepPlan, summary: SweepSummary): string {
  const header = [
    ...plan.params.map((p) => p.name),
    'nodesCount',
    'seedsCount',
    ...sweepMetricNames.flatMap((m) => [`${m}Mean`, `${m}Ci95HalfWidth`]),
    'sloSeedsMetCount',
    'sloMet',
    'recommended',
  ];
  const records = summary.rows.map((r) => [
    ...r.point.values.map(cell),
    cell(r.point.nodes),
    cell(plan.seeds.length),
    ...sweepMetricNames.flatMap((m) => [cell(r.metrics[m]!.mean), cell(r.metrics[m]!.ci95HalfWidth)]),
    cell(r.sloSeedsMet),
    cell(r.sloMet),
    cell(summary.recommended?.index === r.point.index),
  ]);
  // Unix line ends everywhere, so the bytes do not depend on the machine, as for the run reports.
  return stringify([header, ...records], { record_delimiter: 'unix' });
}
