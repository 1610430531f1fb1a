// A private redis-server per ava test file: the launcher `apply --transport bullmq` uses
// (scheduler/transports/bullmq/private-redis.ts: free port, watchdog shell, no persistence), plus
// the ava glue. Tests inside one file share the server, so they use unique queue and key names.

import type { TestFn } from 'ava';
import { startPrivateRedis, type PrivateRedisServer } from '../../scheduler/transports/bullmq/private-redis.js';

export type PrivateRedis = PrivateRedisServer;

export function startRedis(): Promise<PrivateRedis> {
  return startPrivateRedis();
}

/** One server per test file in `t.context.redis`, stopped after the last test. */
export function useRedis<Context extends { redis: PrivateRedis }>(test: TestFn<Context>): void {
  test.before(async (t) => {
    t.context.redis = await startRedis();
  });
  test.after.always(async (t) => {
    // The context field is unset when start failed; the before hook already reported why.
    await (t.context.redis as PrivateRedis | undefined)?.stop();
  });
}
