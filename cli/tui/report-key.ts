// The `w` key: a RunRecorder that hears the run from its start, and the one report it writes.
// Leaves out the report's contents (reports/).

import type { CompiledScenario } from '../../scenarios/compiled.js';
import type { LiveRun } from '../../scenarios/live.js';
import type { RunObserver } from '../../scenarios/observer.js';
import { RunRecorder, writeReports } from '../../reports/index.js';

export class ReportKey {
  private readonly recorder: RunRecorder;
  private writtenTo: string | undefined;

  constructor(scenario: CompiledScenario, seed: string) {
    this.recorder = new RunRecorder({ bucketS: bucketFor(scenario.durationS + scenario.convergeWithinS), seed, scenario: scenario.name });
  }

  /** The recorder hears the run until its report is written; after that it would throw. */
  observer(): RunObserver {
    const live = (): boolean => this.writtenTo === undefined;
    const r = this.recorder;
    return {
      sample: (nowS, s) => live() && r.sample(nowS, s),
      node: (nowS, n) => live() && r.node(nowS, n),
      operation: (op) => live() && r.operation(op),
      event: (nowS, kind, fields) => live() && r.event(nowS, kind, fields),
    };
  }

  /** Writes the run's one report, 0 to now, into `dir`; says where, or where the first one went. */
  write(run: LiveRun, dir: string): string {
    if (this.writtenTo !== undefined) return `report already written to ${this.writtenTo} (one per run)`;
    // A recorder's record is final once finished, so this is the run's one report.
    const files = writeReports(this.recorder.finish(run.nowS), dir);
    this.writtenTo = dir;
    return `report: ${files.length} files in ${dir}`;
  }
}

/** As `run --out`: the finest bucket width that keeps a run under 10,000 timeseries rows. */
function bucketFor(totalS: number): number {
  const widths = [60, 300, 900, 3600, 21_600, 86_400, 7 * 86_400];
  return widths.find((w) => totalS / w <= 10_000) ?? 30 * 86_400;
}
