// Sweep tasks as BullMQ jobs: the sweeping process enqueues every point × seed and waits; any number
// of `sweep --serve` processes run them. Leaves out retries of a failed run: a failure stops the sweep.

import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { SimulationError } from '../sim/errors.js';
import { connectionOptions } from '../scheduler/transports/bullmq/connection.js';
import { runSweepTask, type SweepTask, type SweepTaskResult } from './sweep-task.js';

export const sweepQueueName = 'zos-sweep';

/**
 * A run holds the event loop for its whole length, so BullMQ cannot renew a job's lock meanwhile:
 * the lock must outlast the longest run, or a busy worker's job would be handed to another.
 */
const lockDurationMs = 6 * 3600 * 1000;

/** Results in task order, like runSweepTasks, so the CSV does not depend on which machine ran what. */
export async function runSweepTasksOnQueue(tasks: readonly SweepTask[], redisUrl: string, onDone?: (done: number) => void, queueName = sweepQueueName): Promise<SweepTaskResult[]> {
  const connection = connectionOptions(redisUrl);
  const queue = new Queue(queueName, { connection });
  const events = new QueueEvents(queueName, { connection });
  try {
    await events.waitUntilReady();
    // Job ids only keep two sweeps apart in Redis; no output depends on them.
    const sweepId = randomUUID();
    const jobs = await queue.addBulk(tasks.map((t) => ({ name: 'sweep-task', data: t, opts: { jobId: `${sweepId}-${t.index}`, removeOnComplete: true, removeOnFail: true } })));
    let done = 0;
    const results: SweepTaskResult[] = new Array(tasks.length);
    await Promise.all(
      jobs.map(async (job) => {
        let result: SweepTaskResult;
        try {
          result = (await job.waitUntilFinished(events)) as SweepTaskResult;
        } catch (err) {
          throw new SimulationError(`sweep job ${job.id} failed: ${(err as Error).message}`);
        }
        results[result.index] = result;
        onDone?.(++done);
      }),
    );
    return results;
  } finally {
    await events.close();
    await queue.close();
  }
}

/** A process serving sweep jobs until `close()`; one job at a time, since each run is CPU-bound. */
export function serveSweepTasks(redisUrl: string, queueName = sweepQueueName): { ready(): Promise<void>; close(): Promise<void> } {
  const worker = new Worker(queueName, async (job) => runSweepTask(job.data as SweepTask), {
    connection: connectionOptions(redisUrl),
    concurrency: 1,
    lockDuration: lockDurationMs,
  });
  return {
    ready: () => worker.waitUntilReady().then(() => undefined),
    close: () => worker.close(),
  };
}
