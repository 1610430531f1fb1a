// The BullMQ transport's public face: open one (owner side), run a worker (worker side), or start a
// private redis-server. Re-exported by name; the modules behind them stay private.

import { BullmqTransport, type BullmqTransportOptions } from './transport.js';

export { BullmqTransport, type BullmqTransportOptions };
export { startJobWorker, type JobWorker, type JobWorkerOptions } from './job-worker.js';
export { startPrivateRedis, type PrivateRedisOptions, type PrivateRedisServer } from './private-redis.js';
export { defaultQueueName } from './queue-name.js';

/** Opens the BullMQ transport: the owner of `backend`, dispatching each attempt to a BullMQ worker. */
export function openBullmqTransport(options: BullmqTransportOptions): Promise<BullmqTransport> {
  return BullmqTransport.open(options);
}
