// Sweep tasks as BullMQ jobs: the sweeping process enqueues every point × seed and waits; any number
// of `sweep --serve` processes run them. Leaves out retries of a failed run: a failure stops the sweep.

import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { SimulationError } from '../sim/errors.js';
import { connectionOptions } from '../scheduler/transports/bullmq/connection.js';
import { runSweepTask, type SweepTask, type SweepTaskResult } from './sweep-task.js';

export const sweepQueueName = 'zos-sweep';

/**
 * A run holds the event loop for its whole length, so BullMQ cannot renew a job's lock meanwhile:
 * the lock must outlast the longest run, or a busy worker's job would be handed to another.
 */
const lockDurationMs = 6 * 3600 * 1000;

/** Where a sweep on the queue stands, for a progress line or the message of a timeout. */
export interface SweepQueueStatus {
  readonly total: number;
  /** This sweep's runs whose results came back. */
  readonly done: number;
  /** Jobs of the whole queue (other sweeps too) being run, and waiting for a worker. */
  readonly active: number;
  readonly waiting: number;
  /** `sweep --serve` processes connected to the queue now. */
  readonly workers: number;
}

export interface SweepOnQueue {
  /** Results in task order, like runSweepTasks, so the CSV does not depend on which machine ran what. */
  readonly results: Promise<SweepTaskResult[]>;
  status(): Promise<SweepQueueStatus>;
  /** Takes this sweep's jobs that no worker started off the queue, and closes the connections. */
  close(): Promise<void>;
}

export interface SweepQueueOptions {
  readonly onDone?: (done: number) => void;
  readonly queueName?: string;
  /** Connection trouble once started (Redis went away); the clients keep retrying meanwhile. */
  readonly log?: (line: string) => void;
}

/**
 * Puts every task on the queue and collects the results. One listener per event kind, not one per
 * job (Job.waitUntilFinished adds three each, which trips Node's MaxListenersExceededWarning past
 * ten jobs), and the event stream is read from just before the first add, so no completion is missed.
 */
export async function startSweepOnQueue(tasks: readonly SweepTask[], redisUrl: string, options: SweepQueueOptions = {}): Promise<SweepOnQueue> {
  const queueName = options.queueName ?? sweepQueueName;
  const log = options.log ?? (() => {});
  const connection = connectionOptions(redisUrl);
  const queue = new Queue(queueName, { connection });
  queue.on('error', (error) => log(`sweep: queue: ${error.message}`));
  let events: QueueEvents | undefined;
  const byJobId = new Map<string, SweepTask>();
  const results: SweepTaskResult[] = new Array(tasks.length);
  let done = 0;
  try {
    events = new QueueEvents(queueName, { connection, lastEventId: await lastEventId(redisUrl, queue.keys.events!) });
    events.on('error', (error) => log(`sweep: queue events: ${error.message}`));
    await events.waitUntilReady();
    const listening = events;
    const finished = new Promise<SweepTaskResult[]>((resolve, reject) => {
      if (tasks.length === 0) return resolve(results);
      listening.on('completed', ({ jobId, returnvalue }) => {
        const task = byJobId.get(jobId);
        if (task === undefined || !byJobId.delete(jobId)) return;
        results[task.index] = returnvalue as unknown as SweepTaskResult;
        options.onDone?.(++done);
        if (done === tasks.length) resolve(results);
      });
      listening.on('failed', ({ jobId, failedReason }) => {
        if (!byJobId.delete(jobId)) return;
        reject(new SimulationError(`sweep job ${jobId} failed: ${failedReason}`));
      });
    });
    // Job ids only keep two sweeps apart in Redis; no output depends on them.
    const sweepId = randomUUID();
    for (const t of tasks) byJobId.set(`${sweepId}-${t.index}`, t);
    await queue.addBulk(tasks.map((t) => ({ name: 'sweep-task', data: t, opts: { jobId: `${sweepId}-${t.index}`, removeOnComplete: true, removeOnFail: true } })));
    // Nothing awaits `results` until the caller does; a failure before then must not be unhandled.
    finished.catch(() => {});
    return {
      results: finished,
      async status() {
        const [counts, workers] = await Promise.all([queue.getJobCounts('active', 'waiting'), queue.getWorkersCount()]);
        return { total: tasks.length, done, active: counts.active ?? 0, waiting: counts.waiting ?? 0, workers };
      },
      async close() {
        const unfinished = [...byJobId.keys()];
        byJobId.clear();
        // A locked (running) job refuses removal; it finishes on its worker and its result is dropped.
        await Promise.all(unfinished.map((id) => queue.remove(id).catch(() => 0)));
        await closeBoth(queue, events);
      },
    };
  } catch (error) {
    await closeBoth(queue, events);
    throw error;
  }
}

/** The id of the queue's newest event ('0' when none): events are read from there on, none missed. */
async function lastEventId(redisUrl: string, key: string): Promise<string> {
  const client = new Redis(redisUrl, { maxRetriesPerRequest: null });
  client.on('error', () => {});
  try {
    const last = await client.xrevrange(key, '+', '-', 'COUNT', 1);
    return last[0]?.[0] ?? '0';
  } finally {
    client.disconnect();
  }
}

async function closeBoth(queue: Queue, events: QueueEvents | undefined): Promise<void> {
  await events?.close();
  await queue.close();
}

/** Results in task order; resolves when every run is back, and closes the queue either way. */
export async function runSweepTasksOnQueue(tasks: readonly SweepTask[], redisUrl: string, onDone?: (done: number) => void, queueName = sweepQueueName): Promise<SweepTaskResult[]> {
  const sweep = await startSweepOnQueue(tasks, redisUrl, { ...(onDone === undefined ? {} : { onDone }), queueName });
  try {
    return await sweep.results;
  } finally {
    await sweep.close();
  }
}

/** A process serving sweep jobs until `close()`; one job at a time, since each run is CPU-bound. */
export function serveSweepTasks(redisUrl: string, queueName = sweepQueueName, log: (line: string) => void = () => {}, watch?: (worker: Worker) => void): { ready(): Promise<void>; close(): Promise<void> } {
  const worker = new Worker(queueName, async (job) => runSweepTask(job.data as SweepTask), {
    connection: connectionOptions(redisUrl),
    concurrency: 1,
    lockDuration: lockDurationMs,
  });
  // Without a listener a lost connection would be printed as an unhandled error, stack and all.
  worker.on('error', (error) => log(`sweep worker: ${error.message}`));
  // Observers (metrics) listen to the worker's events; the task path is unchanged.
  watch?.(worker);
  return {
    ready: () => worker.waitUntilReady().then(() => undefined),
    close: () => worker.close(),
  };
}
