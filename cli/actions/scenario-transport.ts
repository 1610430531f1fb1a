// Reads the scenario transport flags (cli/commands/transport-flags.ts): the transport a run's Testbed
// opens, and --no-reconcile. An unreachable --redis is said at once, before the run is built.

import type { TransportChoice } from '../../scheduler/testbed.js';
import { InputError } from '../../sim/errors.js';
import type { Args } from '../args.js';
import { checkRedisFlag, redisFlag } from '../redis-flag.js';

export interface ScenarioTransport {
  readonly transport?: Extract<TransportChoice, string | { readonly redis: string }>;
  readonly reconcile?: boolean;
}

/**
 * `sweepsOwnRedis`: in `sweep`, --redis is the queue the sweep's tasks travel on, so each run's
 * scheduler over BullMQ starts its own private redis-server instead (runs in parallel must not share
 * a queue).
 */
export async function scenarioTransport(args: Args, options: { readonly sweepsOwnRedis?: boolean } = {}): Promise<ScenarioTransport> {
  const transport = args.oneOf('transport', ['inprocess', 'bullmq'] as const, 'inprocess');
  if (options.sweepsOwnRedis === true) {
    return { ...(transport === 'inprocess' ? {} : { transport }), ...(args.boolean('no-reconcile') ? { reconcile: false } : {}) };
  }
  const redis = redisFlag(args);
  if (transport === 'inprocess' && redis !== undefined) throw new InputError('command line', '--redis', 'only applies to --transport bullmq');
  if (redis !== undefined) await checkRedisFlag(redis);
  return {
    ...(transport === 'inprocess' ? {} : { transport: redis === undefined ? 'bullmq' : { redis } }),
    ...(args.boolean('no-reconcile') ? { reconcile: false } : {}),
  };
}
