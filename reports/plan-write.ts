// plan.csv and plan.html (reports/plan-html.ts): one row per demand level — the smallest grid meeting the SLO (or the closest tried), the
// value of the sized field, what binds, and each metric's mean over the seeds at that point with its 95 % CI
// half-width (Student t, as sweep.csv; empty with one seed, or where a seed did not measure the metric).

import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { PlanResult } from '../scenarios/plan.js';
import { sweepMetricNames } from '../scenarios/sweep-metrics.js';
import { cell } from './format.js';
import { planHtml } from './plan-html.js';
import { meanCi95 } from './sweep-stats.js';

export function planCsv(result: PlanResult, sizePath: string): string {
  const header = ['demandFactor', sizePath, 'nodesCount', 'seedsCount', 'sloMet', 'binding', ...sweepMetricNames.flatMap((m) => [`${m}Mean`, `${m}Ci95HalfWidth`])];
  const rows = result.frontier.map((f) => {
    const stats = sweepMetricNames.map((m) => meanCi95(f.samples[m] ?? []));
    return [cell(f.demand), cell(f.size), cell(f.nodes), cell(result.seeds.length), cell(f.sloMet), f.binding, ...stats.flatMap((s) => [cell(s.mean), cell(s.ci95HalfWidth)])];
  });
  return stringify([header, ...rows], { record_delimiter: 'unix' });
}

/** Writes plan.csv into `dir` (checked writable before the plan ran) and returns the paths. */
export function writePlanReports(result: PlanResult, sizePath: string, dir: string, title: string): string[] {
  mkdirSync(dir, { recursive: true });
  const csv = join(dir, 'plan.csv');
  writeFileSync(csv, planCsv(result, sizePath));
  const html = join(dir, 'plan.html');
  writeFileSync(html, planHtml(result, title));
  return [csv, html];
}
