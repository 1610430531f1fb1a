// One unit of sweep work: a point's scenario and one seed, run to its metrics. The same function runs
// serially, in a worker thread or (later) in a queue worker, so all three give the same numbers.

import { compileScenario } from './compile.js';
import { runScenario } from './runner.js';
import type { Scenario } from './scenario.js';
import { sweepMetrics, type SweepMetrics } from './sweep-metrics.js';

/** Plain data only: it crosses a worker-thread boundary by structured clone. */
export interface SweepTask {
  readonly index: number;
  readonly pointIndex: number;
  readonly seedIndex: number;
  readonly seed: string;
  readonly source: string;
  readonly scenario: Scenario;
  /** How the run's jobs travel and whether it heals (the sweep's --transport/--redis/--no-reconcile). */
  readonly run?: SweepRunChoice;
}

/** Plain data: the Testbed choices a task carries. */
export interface SweepRunChoice {
  readonly transport?: 'inprocess' | 'bullmq' | { readonly redis: string };
  readonly reconcile?: boolean;
}

export interface SweepTaskResult {
  readonly index: number;
  readonly metrics: SweepMetrics;
}

export async function runSweepTask(task: SweepTask): Promise<SweepTaskResult> {
  const compiled = compileScenario(task.scenario, task.source);
  return { index: task.index, metrics: sweepMetrics(await runScenario(compiled, { seed: task.seed, ...task.run })) };
}
