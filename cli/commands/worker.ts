// `worker`: one worker process serving the BullMQ queue until SIGTERM/SIGINT. Stateless: the owner
// of the simulated grid answers every backend call over Redis. Leaves out the host backend for now.

import { InputError } from '../../workers/errors.js';
import { runOperation } from '../../workers/handlers/index.js';
import { validateOperation } from '../../scheduler/operations/validate.js';
import { defaultQueueName, startJobWorker } from '../../scheduler/transports/bullmq/index.js';
import type { Command } from '../command.js';
import { untilStopSignal } from '../stop-signal.js';

export const worker: Command = {
  name: 'worker',
  summary: 'a worker process: runs queued operations against the owner of a simulated grid, over Redis',
  usage: 'worker --redis URL [--backend sim] [--concurrency N] [--queue NAME] [--lock-ms MS]',
  flags: {
    redis: { kind: 'value', valueName: 'URL', help: 'the Redis the owner uses, like redis://127.0.0.1:6379' },
    backend: { kind: 'value', valueName: 'sim', help: 'what answers backend calls: sim (the owner of a simulated grid; default)' },
    concurrency: { kind: 'value', valueName: 'N', help: 'jobs at once (default 256; a job mostly waits on the owner, and all workers together must hold every job the owner has in flight)' },
    queue: { kind: 'value', valueName: 'NAME', help: `the BullMQ queue (default ${defaultQueueName})` },
    'lock-ms': { kind: 'value', valueName: 'MS', help: 'job lock duration: a dead worker\'s job is re-delivered after it (default 30000)' },
  },
  async run(args, { out }) {
    const redisUrl = args.required('redis');
    if (!/^redis:\/\//.test(redisUrl)) throw new InputError('command line', '--redis', `must be a redis:// URL, got ${JSON.stringify(redisUrl)}`);
    const backend = args.string('backend', 'sim');
    if (backend !== 'sim') throw new InputError('command line', '--backend', `must be sim (the host backend does not serve the queue yet), got ${JSON.stringify(backend)}`);
    const concurrency = args.number('concurrency', { integer: true, min: 1, max: 10_000, default: 256 });
    const lockMs = args.number('lock-ms', { integer: true, min: 100, max: 3_600_000, default: 30_000 });
    const queue = args.string('queue', defaultQueueName);
    const jobs = startJobWorker({
      redisUrl, queue, concurrency, lockDurationMs: lockMs, stalledIntervalMs: lockMs,
      validate: validateOperation, run: runOperation, log: (line) => out.progress(line),
    });
    await jobs.ready();
    out.progress(`worker: ready on ${redisUrl} queue ${queue} (concurrency ${concurrency}, pid ${process.pid})`);
    await untilStopSignal();
    await jobs.close();
    return 0;
  },
};
