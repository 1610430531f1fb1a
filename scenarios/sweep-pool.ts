// Runs sweep tasks serially or on a pool of local worker threads and returns results in task order,
// so the output never depends on which thread finished first. Leaves out BullMQ distribution.

import { SimulationError } from '../sim/errors.js';
import { startWorkerThread } from '../sim/project-files.js';
import { runSweepTask, type SweepTask, type SweepTaskResult } from './sweep-task.js';

type Reply = { ok: true; result: SweepTaskResult } | { ok: false; index: number; message: string };

export async function runSweepTasks(tasks: readonly SweepTask[], workers: number, onDone?: (done: number) => void): Promise<SweepTaskResult[]> {
  const results: SweepTaskResult[] = new Array(tasks.length);
  if (workers <= 1 || tasks.length <= 1) {
    for (const [i, t] of tasks.entries()) {
      results[t.index] = await runSweepTask(t);
      onDone?.(i + 1);
    }
    return results;
  }
  let next = 0;
  let done = 0;
  const pool = Array.from({ length: Math.min(workers, tasks.length) }, () => startWorkerThread('scenarios/sweep-worker'));
  try {
    await Promise.all(
      pool.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const feed = (): void => {
              if (next >= tasks.length) return resolve();
              w.postMessage(tasks[next++]);
            };
            w.on('message', (reply: Reply) => {
              if (!reply.ok) return reject(new SimulationError(`sweep task ${reply.index} failed: ${reply.message}`));
              results[reply.result.index] = reply.result;
              onDone?.(++done);
              feed();
            });
            w.once('error', reject);
            w.once('exit', (code) => (next < tasks.length || code !== 0 ? reject(new SimulationError(`sweep worker exited with ${code}`)) : resolve()));
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
