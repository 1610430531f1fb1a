// A `sweep --serve` process's metrics, from its BullMQ Worker's events: sweep runs by outcome, their
// wall durations (BullMQ's own timestamps), and stalls. Each job is one whole scenario run.

import type { Job, Worker } from 'bullmq';
import type { ZosMetrics } from './metrics.js';

const kind = 'sweep.run';

function durationS(job: Job): number | undefined {
  if (job.processedOn === undefined || job.processedOn === null) return undefined;
  return Math.max(0, ((job.finishedOn ?? Date.now()) - job.processedOn) / 1000);
}

export function watchSweepWorker(worker: Worker, metrics: ZosMetrics): void {
  const finished = (job: Job, state: string): void => {
    metrics.jobs.inc({ kind, state });
    const seconds = durationS(job);
    if (seconds !== undefined) metrics.jobDurationS.observe({ kind }, seconds);
    if (job.attemptsMade > 1) metrics.retries.inc({ kind });
  };
  worker.on('completed', (job) => finished(job, 'ok'));
  worker.on('failed', (job) => {
    if (job !== undefined) finished(job, 'error');
  });
  worker.on('stalled', () => metrics.stalls.inc());
}
