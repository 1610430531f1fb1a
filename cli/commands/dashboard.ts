// `dashboard --redis URL`: Bull Board over the project's queues (operations, sweeps and plans), as
// operators of BullMQ watch theirs. This is its spec; the work is in cli/actions/dashboard.ts.

import { defaultQueueName } from '../../scheduler/transports/bullmq/queue-name.js';
import type { Command } from '../command.js';

export const dashboard: Command = {
  name: 'dashboard',
  summary: 'serve Bull Board over the queues on a Redis: operations, sweeps and plans, their counts, jobs and errors',
  usage: 'dashboard --redis URL [--port P] [--host ADDR] [--queues NAME,…]',
  flags: {
    redis: { kind: 'value', valueName: 'URL', help: 'the Redis the queues live on, like redis://127.0.0.1:6379' },
    port: { kind: 'value', valueName: 'P', help: 'the HTTP port (default 3000; 0: any free port, printed)' },
    host: { kind: 'value', valueName: 'ADDR', help: 'the address to listen on (default 127.0.0.1: only this machine; the board can retry and delete jobs)' },
    queues: { kind: 'value', valueName: 'NAME,…', help: `the queues to show (default ${defaultQueueName},zos-sweep: operations, and the sweeps and plans of \`sweep --serve\`)` },
  },
  run: (args, context) => import('../actions/dashboard.js').then((m) => m.runDashboard(args, context)),
};
