// One path, any transport: a scenario run over BullMQ, its jobs served only by two `worker` processes
// (no worker in the owner's process), writes the same CSV bytes as the same run in-process, for
// built-ins with a node loss the reconciler heals, a hub outage, and zos's own offline behaviour.
import anyTest, { type TestFn } from 'ava';
import { startWorker, type WorkerProcess } from '../helpers/bullmq-workers.js';
import { useRedis, type PrivateRedis } from '../helpers/redis.js';
import { RunRecorder } from '../../reports/index.js';
import { nodesCsv, operationsCsv, timeseriesCsv } from '../../reports/csv.js';
import { compileBuiltin, builtinScenario } from '../../scenarios/builtin/index.js';
import { runScenario, type RunOptions } from '../../scenarios/runner.js';
import type { TransportFactory } from '../../scheduler/testbed.js';

const test = anyTest as TestFn<{ redis: PrivateRedis }>;

/** Started by the first test (before hooks run at once, and the Redis is useRedis's before hook's). */
let workers: Promise<WorkerProcess[]> | undefined;

// Registered before useRedis's hooks so that the workers stop while their Redis still answers.
test.after.always(async () => {
  await Promise.all((await workers ?? []).map((w) => w.stop()));
});
useRedis(test);

/** BullMQ on the test's Redis with no local worker: every job crosses to a worker process. */
function remoteOnly(redisUrl: string): TransportFactory {
  return async (context) => {
    const { openBullmqTransport } = await import('../../scheduler/transports/bullmq/index.js');
    return openBullmqTransport({ ...context, redisUrl, localWorkers: 0 });
  };
}

async function csvFiles(name: string, seed: string, transport?: RunOptions['transport']): Promise<{ csv: string; replaced: number }> {
  const scenario = compileBuiltin(builtinScenario(name)!);
  const recorder = new RunRecorder({ bucketS: 300, seed, scenario: name });
  const summary = await runScenario(scenario, { seed, observer: recorder, ...(transport === undefined ? {} : { transport }) });
  const record = recorder.finish(summary.simulatedSeconds);
  const replaced = (summary.metrics['deployments'] as { replaced: number }).replaced;
  return { csv: [timeseriesCsv(record), nodesCsv(record), operationsCsv(record)].join('\n---\n'), replaced };
}

for (const name of ['farm-partition', 'hub-unreachable', 'node-offline-hours']) {
  test.serial(`${name}: in-process and over BullMQ with two worker processes, the same CSV bytes`, async (t) => {
    workers ??= Promise.all([startWorker(t.context.redis.url, { concurrency: 8 }), startWorker(t.context.redis.url, { concurrency: 8 })]);
    await workers;
    const local = await csvFiles(name, '7');
    const queued = await csvFiles(name, '7', remoteOnly(t.context.redis.url));
    t.is(queued.csv, local.csv);
    t.true(local.csv.length > 1000, 'the files hold a run');
    if (name === 'farm-partition') t.true(local.replaced > 0, 'the reconciler healed the node loss through the queue');
  });
}
