// Writes a sweep's files: sweep.csv and recommendation.json. Leaves out the maths (sweep-csv.ts,
// sweep-stats.ts, sweep-slo.ts); both files depend only on the plan, the results and the SLO.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepPlan } from '../scenarios/sweep-plan.js';
import { sweepCsv, type SweepSummary } from './sweep-csv.js';
import type { SloBound } from './sweep-slo.js';

export function recommendationDocument(plan: SweepPlan, summary: SweepSummary, slo: readonly SloBound[]): Record<string, unknown> {
  const rec = summary.recommended;
  return {
    scenario: plan.scenario,
    seeds: plan.seeds,
    slo: slo.map((b) => `${b.metric}${b.op}${b.value}`),
    recommended: rec === undefined ? null : { params: Object.fromEntries(plan.params.map((p, i) => [p.name, rec.values[i]])), nodes: rec.nodes },
  };
}

export function writeSweepReports(plan: SweepPlan, summary: SweepSummary, slo: readonly SloBound[], dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files = [join(dir, 'sweep.csv'), join(dir, 'recommendation.json')];
  writeFileSync(files[0]!, sweepCsv(plan, summary));
  writeFileSync(files[1]!, `${JSON.stringify(recommendationDocument(plan, summary, slo), null, 2)}\n`);
  return files;
}
