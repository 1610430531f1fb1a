// The entry point of a sweep worker thread: runs each task it is sent and posts the result back.
// Leaves out scheduling (sweep-pool.ts); an exception is posted as a message so the sweep stops loudly.

import { parentPort } from 'node:worker_threads';
import { runSweepTask, type SweepTask } from './sweep-task.js';

parentPort?.on('message', (task: SweepTask) => {
  runSweepTask(task).then(
    (result) => parentPort!.postMessage({ ok: true, result }),
    (err: unknown) => parentPort!.postMessage({ ok: false, index: task.index, message: (err as Error).message }),
  );
});
