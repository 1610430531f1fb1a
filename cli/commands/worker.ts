// `worker`: one worker process serving the BullMQ queue until SIGTERM/SIGINT. With `--backend sim` it
// is stateless (the owner of the simulated grid answers every backend call over Redis); with
// `--backend host` it runs handlers against real nodes of its own under --data-dir.
// This is its spec (usage, flags); the work is in cli/actions/worker.ts, loaded only when it runs.

import { defaultQueueName } from '../../scheduler/transports/bullmq/queue-name.js';
import type { Command } from '../command.js';
import { logFlags, logUsage, metricsFlags, metricsUsage, traceFlags, traceUsage } from './observability-flags.js';

export const worker: Command = {
  name: 'worker',
  summary: 'a worker process: runs queued operations against the owner of a simulated grid over Redis, or against real nodes on this host',
  usage: `worker --redis URL [--backend sim|host] [--data-dir DIR] [--nodes N] [--hub DIR|URL] [--zdb in-process|process] [--concurrency N] [--queue NAME] [--lock-ms MS] ${logUsage} ${metricsUsage} ${traceUsage}`,
  flags: {
    redis: { kind: 'value', valueName: 'URL', help: 'the Redis the owner uses, like redis://127.0.0.1:6379' },
    backend: { kind: 'value', valueName: 'sim|host', help: 'what answers backend calls: sim (the owner of a simulated grid; default) or host (real 0-db, zmount, flist, gateway processes of this worker)' },
    'data-dir': { kind: 'value', valueName: 'DIR', help: 'with --backend host: where the nodes keep their data (created if missing; kept after exit)' },
    nodes: { kind: 'value', valueName: 'N', help: 'with --backend host: how many nodes to run (default 8)' },
    hub: { kind: 'value', valueName: 'DIR|URL', help: 'with --backend host: the flist hub, a directory served by this process (default DATA-DIR/hub) or the URL of a `zos-testbed hub`' },
    zdb: { kind: 'value', valueName: 'in-process|process', help: 'with --backend host: run each node\'s 0-db in this process (default) or as a child process, so node.crash is a real SIGKILL' },
    concurrency: { kind: 'value', valueName: 'N', help: 'jobs at once (default 256; a job mostly waits on the owner; with fewer slots than due jobs the owner parks waiting jobs and continues them later)' },
    queue: { kind: 'value', valueName: 'NAME', help: `the BullMQ queue (default ${defaultQueueName})` },
    'lock-ms': { kind: 'value', valueName: 'MS', help: 'job lock duration: a dead worker\'s job is re-delivered after it (default 30000)' },
    ...logFlags,
    ...metricsFlags,
    ...traceFlags,
  },
  run: (args, context) => import('../actions/worker.js').then((m) => m.runWorker(args, context)),
};
