// What a worker process says and counts about its jobs. Outcomes are read where the handler ends
// (observeRun), which is the outcome the owner records, even for a job BullMQ has yet to complete;
// BullMQ's own events ('active', 'completed', 'stalled', 'ioredis:close') give the rest, so the job
// loop carries no logging or metrics code. Leaves out backend calls (backend-probe.ts).

import type { Worker } from 'bullmq';
import type { JobWorkerOptions } from '../../scheduler/transports/bullmq/index.js';
import type { Logger } from './log.js';
import { childCache, type ZosMetrics } from './metrics.js';

type Run = JobWorkerOptions['run'];

/**
 * `run` with one log line and the job metrics per handler outcome. A parked job's handler never ends
 * here (its continuation, a new job, replays it), so each operation attempt is counted once.
 */
export function observeRun(run: Run, log: Logger, metrics: ZosMetrics | undefined): Run {
  if (metrics === undefined && !log.enabled('info')) return run;
  const jobs = metrics === undefined ? undefined : childCache((kind, state) => metrics.jobs.labels(kind!, state!));
  const durations = metrics === undefined ? undefined : childCache((kind) => metrics.jobDurationS.labels(kind!));
  return async (op, backend, job) => {
    const startedMs = performance.now();
    const finished = (state: string, error?: string): void => {
      const seconds = (performance.now() - startedMs) / 1000;
      jobs?.(op.kind, state).inc();
      durations?.(op.kind).observe(seconds);
      if (log.enabled('info')) log.log('info', `worker: ${op.kind} ${state}`, { ms: Math.round(seconds * 1000), error });
    };
    try {
      const result = await run(op, backend, job);
      finished(result.state, result.error?.code);
      return result;
    } catch (error) {
      finished('thrown', error instanceof Error ? error.message : String(error));
      throw error;
    }
  };
}

/** The job's attempt in its payload (1 when the payload is not ours: job-worker.ts rejects it). */
function attemptOf(data: unknown): { kind: string; attempt: number } {
  const d = data as { op?: { kind?: unknown }; attempt?: unknown } | undefined;
  return { kind: typeof d?.op?.kind === 'string' ? d.op.kind : '?', attempt: typeof d?.attempt === 'number' ? d.attempt : 1 };
}

export function watchWorkerEvents(worker: Worker, log: Logger, metrics: ZosMetrics | undefined): void {
  worker.on('active', (job) => {
    const { kind, attempt } = attemptOf(job.data);
    // The owner queues a retry as a new job with the next attempt number.
    if (attempt > 1 && (job.data as { replies?: unknown }).replies === undefined) metrics?.retries.inc({ kind });
    if (log.enabled('debug')) log.log('debug', `worker: job ${job.id ?? '?'} ${kind} active`, { attempt });
  });
  worker.on('completed', (job, result: unknown) => {
    if (result === 'parked' && log.enabled('debug')) log.log('debug', `worker: job ${job.id ?? '?'} parked; its continuation is queued`);
  });
  worker.on('stalled', (jobId) => {
    metrics?.stalls.inc();
    log.log('warn', `worker: job ${jobId} stalled (its worker stopped renewing the lock); BullMQ re-delivers it`);
  });
  worker.on('ioredis:close', () => log.log('warn', 'worker: lost Redis; reconnecting'));
}
