// One replication of a queue validation in a worker thread: reads QueueParams from workerData and
// posts back the run's batch totals. Not a test file; queue-replications.ts starts it.
import { parentPort, workerData } from 'node:worker_threads';
import { simulateQueueBatches, type QueueParams } from '../../sim/validate/queueing.js';

parentPort!.postMessage(simulateQueueBatches(workerData as QueueParams));
