// `plan --metrics-port`: the plan's scenario runs as they finish, batch by batch (one batch per grid
// size tried), counted and timed. The runs themselves live in worker threads or `sweep --serve`
// processes, which serve their own metrics; this is the planner's side.

import type { ZosMetrics } from './metrics.js';

type RunTasks<T, R> = (tasks: readonly T[]) => Promise<R[]>;

export function countPlanRuns<T, R>(runTasks: RunTasks<T, R>, metrics: ZosMetrics): RunTasks<T, R> {
  return async (tasks) => {
    const startedMs = performance.now();
    try {
      const results = await runTasks(tasks);
      metrics.jobs.inc({ kind: 'plan.run', state: 'ok' }, results.length);
      return results;
    } catch (error) {
      metrics.jobs.inc({ kind: 'plan.run', state: 'error' }, tasks.length);
      throw error;
    } finally {
      metrics.jobDurationS.observe({ kind: 'plan.batch' }, (performance.now() - startedMs) / 1000);
    }
  };
}
