// `sweep --serve --metrics-port`: each sweep run the process serves is counted by outcome and timed.
import anyTest, { type TestFn } from 'ava';
import { Queue } from 'bullmq';
import { createMetrics } from '../../cli/observability/metrics.js';
import { watchSweepWorker } from '../../cli/observability/sweep-events.js';
import { serveSweepTasks } from '../../scenarios/sweep-queue.js';
import { connectionOptions } from '../../scheduler/transports/bullmq/connection.js';
import { parsePromText, sumOf } from '../helpers/prom-text.js';
import { useRedis, type PrivateRedis } from '../helpers/redis.js';
import { waitUntil } from '../helpers/wait.js';

const test = anyTest as TestFn<{ redis: PrivateRedis }>;
useRedis(test);

test('a sweep worker counts the runs it served by outcome, with their durations', async (t) => {
  const metrics = createMetrics();
  const queueName = 'obs-sweep';
  const server = serveSweepTasks(t.context.redis.url, queueName, () => {}, (worker) => watchSweepWorker(worker, metrics));
  const queue = new Queue(queueName, { connection: connectionOptions(t.context.redis.url) });
  try {
    await server.ready();
    // Tasks no sweep would send: a compile error fails each run, which is what the counters must show.
    await queue.add('task', { index: 0, seed: '1', scenario: { name: 'broken' }, source: 'test' });
    await queue.add('task', { index: 1, seed: '2', scenario: { name: 'broken' }, source: 'test' });
    const samples = await waitUntil('both runs counted', async () => parsePromText(await metrics.registry.metrics()), {
      until: (s) => sumOf(s, 'zos_jobs_total') === 2,
    });
    t.is(sumOf(samples, 'zos_jobs_total', { kind: 'sweep.run', state: 'error' }), 2);
    t.is(sumOf(samples, 'zos_job_duration_seconds_count', { kind: 'sweep.run' }), 2);
  } finally {
    await server.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
});
