// `sweep` over Redis: its runs as BullMQ jobs served by `sweep --serve` processes, and the serving side.
// Apart from ./sweep.ts so that sweeps on local threads never load BullMQ or ioredis.

import { serveSweepTasks, startSweepOnQueue, sweepQueueName, type SweepQueueStatus } from '../../scenarios/sweep-queue.js';
import type { SweepTask, SweepTaskResult } from '../../scenarios/sweep-task.js';
import { InputError } from '../../sim/errors.js';
import { ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';
import { untilStopSignal } from '../stop-signal.js';
import { checkRedisFlag } from '../redis-flag.js';
import { watchWait, type WaitTimeout } from '../wait-watch.js';
import type { Args } from '../args.js';
import type { ZosMetrics } from '../observability/metrics.js';
import { metricsFromFlag } from '../observability/owner-serve.js';
import type { Worker } from 'bullmq';

export { sweepQueueName };

/**
 * The sweep as BullMQ jobs: a status line every few seconds while it waits (it says so when no
 * `sweep --serve` is connected), and with `--timeout` an end to the wait that names what was left.
 */
export async function sweepOnQueue(
  tasks: readonly SweepTask[],
  redisUrl: string,
  out: Output,
  options: { onDone: (done: number) => void; timeout: WaitTimeout | undefined },
): Promise<SweepTaskResult[]> {
  const sweep = await startSweepOnQueue(tasks, redisUrl, { onDone: options.onDone, log: (line) => out.progress(line) });
  try {
    return await watchWait(sweep.results, {
      timeout: options.timeout,
      status: async () => describeSweep(await sweep.status(), redisUrl),
      report: (line) => out.progress(line),
    });
  } finally {
    await sweep.close();
  }
}

function describeSweep(s: SweepQueueStatus, redisUrl: string): string {
  const workers = s.workers === 0
    ? `no worker connected (start one: zos-testbed sweep --serve --redis ${redisUrl})`
    : `${s.workers} worker${s.workers === 1 ? '' : 's'} connected`;
  return `sweep: ${s.done} of ${s.total} runs done; queue ${sweepQueueName} at ${redisUrl}: ${s.active} running, ${s.waiting} waiting; ${workers}`;
}

export async function serve(redisUrl: string | undefined, out: Output, args: Args): Promise<number> {
  if (redisUrl === undefined) throw new InputError('command line', '--serve', 'needs --redis URL');
  await checkRedisFlag(redisUrl);
  const served = await metricsFromFlag(args, (line) => out.progress(line));
  const watch = served === undefined ? undefined : await sweepWatcher(served.metrics);
  const server = serveSweepTasks(redisUrl, sweepQueueName, (line) => out.progress(line), watch);
  await server.ready();
  out.progress(`sweep worker: ready on ${redisUrl} queue ${sweepQueueName} (pid ${process.pid})`);
  await untilStopSignal();
  await served?.close();
  // Closing waits for Redis; with Redis gone it would wait forever, so give up after a few seconds.
  const gaveUp = await Promise.race([server.close().then(() => false), new Promise<boolean>((resolve) => setTimeout(resolve, 5000, true).unref())]);
  if (gaveUp) {
    out.progress('sweep worker: Redis did not answer while closing; exiting anyway');
    process.exit(ExitCode.ok);
  }
  return ExitCode.ok;
}

/** The sweep worker's metrics listener, loaded only with --metrics-port. */
async function sweepWatcher(metrics: ZosMetrics): Promise<(worker: Worker) => void> {
  const { watchSweepWorker } = await import('../observability/sweep-events.js');
  return (worker) => watchSweepWorker(worker, metrics);
}
