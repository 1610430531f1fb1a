// Runs sweep tasks serially or on a pool of local worker threads and returns results in task order,
// so the output never depends on which thread finished first. Leaves out BullMQ distribution.

import { Worker } from 'node:worker_threads';
import { SimulationError } from '../sim/errors.js';
import { runSweepTask, type SweepTask, type SweepTaskResult } from './sweep-task.js';

type Reply = { ok: true; result: SweepTaskResult } | { ok: false; index: number; message: string };

/**
 * Run from source, the worker's entry is TypeScript, and a Node 20 worker thread does not inherit
 * tsx's loader: a two-line bootstrap loads the entry through tsx's API instead (resolved from here,
 * so the working directory does not matter). Built JavaScript is started directly.
 */
const fromSource = import.meta.url.endsWith('.ts');
const entryUrl = new URL(`./sweep-worker${fromSource ? '.ts' : '.js'}`, import.meta.url);

function startWorker(): Worker {
  if (!fromSource) return new Worker(entryUrl);
  const api = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entryUrl.href)}, ${JSON.stringify(import.meta.url)}));`;
  return new Worker(bootstrap, { eval: true });
}

export async function runSweepTasks(tasks: readonly SweepTask[], workers: number, onDone?: (done: number) => void): Promise<SweepTaskResult[]> {
  const results: SweepTaskResult[] = new Array(tasks.length);
  if (workers <= 1 || tasks.length <= 1) {
    tasks.forEach((t, i) => {
      results[t.index] = runSweepTask(t);
      onDone?.(i + 1);
    });
    return results;
  }
  let next = 0;
  let done = 0;
  const pool = Array.from({ length: Math.min(workers, tasks.length) }, () => startWorker());
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
