// `dashboard`: Bull Board until SIGTERM/SIGINT. Its spec is cli/commands/dashboard.ts.

import { defaultQueueName } from '../../scheduler/transports/bullmq/queue-name.js';
import { sweepQueueName } from '../../scenarios/sweep-queue.js';
import { InputError } from '../../sim/errors.js';
import type { Args } from '../args.js';
import type { CommandContext } from '../command.js';
import { serveDashboard } from '../observability/dashboard.js';
import { checkRedisFlag, redisFlag } from '../redis-flag.js';
import { untilStopSignal } from '../stop-signal.js';

export async function runDashboard(args: Args, context: CommandContext): Promise<number> {
  const { out } = context;
  const redisUrl = redisFlag(args, { required: true });
  const port = args.number('port', { integer: true, min: 0, max: 65_535, default: 3000 });
  const host = args.string('host', '127.0.0.1');
  const queues = args.string('queues', `${defaultQueueName},${sweepQueueName}`).split(',').map((name) => name.trim());
  if (queues.some((name) => name === '' || name.includes(':'))) throw new InputError('command line', '--queues', 'must be queue names separated by commas (no empty name, no colon)');
  await checkRedisFlag(redisUrl);
  const board = await serveDashboard({ redisUrl, queues, port, host, log: (line) => out.progress(line) });
  out.progress(`dashboard: Bull Board at ${board.url} over ${queues.join(', ')} on ${redisUrl}`);
  const signal = await untilStopSignal();
  out.progress(`dashboard: ${signal} received; stopping`);
  await board.close();
  return 0;
}
