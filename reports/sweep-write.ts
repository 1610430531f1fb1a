// Writes a sweep's files: sweep.csv and recommendation.json. Leaves out the maths (sweep-csv.ts,
// sweep-stats.ts, sweep-slo.ts); both files depend only on the plan, the results and the SLO.

import { accessSync, constants, mkdirSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../sim/errors.js';
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
    warnings: sweepWarnings(plan),
  };
}

/** Points that are no candidate because their run ends before some of their faults. */
export function sweepWarnings(plan: SweepPlan): string[] {
  return plan.points.flatMap((point) =>
    point.faultsPastEnd.map((w) => `point ${plan.params.map((p, i) => `${p.name}=${String(point.values[i])}`).join(' ')}: ${w}; not a candidate`),
  );
}

/** The files a sweep writes into `dir`, in the order writeSweepReports writes them. */
export function sweepReportFiles(dir: string): string[] {
  return [join(dir, 'sweep.csv'), join(dir, 'recommendation.json')];
}

/**
 * Checks, before any run, that the reports can be written into `dir`: it is a directory (or can be
 * made one under the nearest existing directory), writable, and neither file is a directory. A
 * sweep may run for hours; finding out at the end that its output has nowhere to go loses them.
 */
export function checkSweepOutDir(dir: string, flag = '--out'): void {
  const bad = (problem: string): InputError => new InputError('command line', flag, problem);
  let existing = resolve(dir);
  for (;;) {
    const stat = statOf(existing, bad);
    if (stat !== undefined) {
      if (!stat.isDirectory()) throw bad(existing === resolve(dir) ? `${dir} exists and is not a directory` : `${existing} is not a directory, so ${dir} cannot be made`);
      break;
    }
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch {
    throw bad(`${existing} is not writable`);
  }
  for (const file of sweepReportFiles(dir)) {
    const stat = statOf(file, bad);
    if (stat !== undefined && !stat.isFile()) throw bad(`${file} exists and is not a regular file`);
  }
}

/** A path's stat, undefined when it does not exist; any other failure (ENOTDIR, EACCES) is bad input. */
function statOf(path: string, bad: (problem: string) => InputError): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    throw bad(`cannot use ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

export function writeSweepReports(plan: SweepPlan, summary: SweepSummary, slo: readonly SloBound[], dir: string): string[] {
  const files = sweepReportFiles(dir);
  // checkSweepOutDir ran before the sweep; what changed since (a full disk, a removed directory) is
  // still reported against the flag, not as a bug.
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(files[0]!, sweepCsv(plan, summary));
    writeFileSync(files[1]!, `${JSON.stringify(recommendationDocument(plan, summary, slo), null, 2)}\n`);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (typeof e.code !== 'string') throw error;
    throw new InputError('command line', '--out', `cannot write into ${dir} (${e.code}: ${e.message})`);
  }
  return files;
}
