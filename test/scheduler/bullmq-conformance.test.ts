// Conformance: the same operation files over the in-process transport and over BullMQ, with the
// handlers running in two `zos-testbed worker` processes, end in the same state and results.
import anyTest, { type TestFn } from 'ava';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { cli } from '../helpers/cli.js';
import { startWorker, type WorkerProcess } from '../helpers/bullmq-workers.js';
import { opsFile, runOps } from '../helpers/bullmq-runs.js';
import { useRedis, type PrivateRedis } from '../helpers/redis.js';

const test = anyTest as TestFn<{ redis: PrivateRedis }>;
useRedis(test);

const queue = 'conformance';
// Started by the first test (before hooks of one file may run side by side, so the server may not be up yet).
let workers: Promise<WorkerProcess[]> | undefined;
const ensureWorkers = (url: string): Promise<WorkerProcess[]> =>
  (workers ??= Promise.all([1, 2].map(() => startWorker(url, { queue, concurrency: 64 }))));

test.after.always(async () => {
  await Promise.all((await workers?.catch(() => []) ?? []).map((worker) => worker.stop()));
});

// Serial: one owner per queue at a time, as in a real deployment.
for (const file of ['deployments.json', 'faults.json', 'zdb-traffic.json']) {
  test.serial(`${file}: the same state hash and results in-process and over BullMQ`, async (t) => {
    await ensureWorkers(t.context.redis.url);
    const ops = opsFile(file);
    const inprocess = await runOps(ops);
    const bullmq = await runOps(ops, { bullmq: { redisUrl: t.context.redis.url, queue, localWorkers: 0 } });
    t.is(bullmq.stateHash, inprocess.stateHash);
    t.deepEqual(bullmq.results, inprocess.results);
    t.true(bullmq.stats!.appliedCalls > ops.length, 'every operation made its backend calls through Redis');
  });
}

test.serial('faults.json with a different seed: still the same on both', async (t) => {
  await ensureWorkers(t.context.redis.url);
  const ops = opsFile('faults.json');
  const inprocess = await runOps(ops, { seed: 42 });
  const bullmq = await runOps(ops, { seed: 42, bullmq: { redisUrl: t.context.redis.url, queue, localWorkers: 0 } });
  t.is(bullmq.stateHash, inprocess.stateHash);
  t.deepEqual(bullmq.results, inprocess.results);
});

// The CLI contract: `apply FILE --transport bullmq` prints what `--transport inprocess` prints.
for (const file of ['deployments.json', 'faults.json', 'zdb-traffic.json']) {
  test.serial(`apply ${file}: the same report from --transport bullmq as from inprocess`, async (t) => {
    const path = `scenarios/ops/${file}`;
    const inprocess = await cli('apply', path, '--transport', 'inprocess', '--json');
    const bullmq = await cli('apply', path, '--transport', 'bullmq', '--redis', t.context.redis.url, '--json');
    t.is(bullmq.code, 0, bullmq.stderr);
    t.deepEqual(JSON.parse(bullmq.stdout), JSON.parse(inprocess.stdout));
  });
}

test.serial('after the runs Redis holds no finished job, call or reply: memory stays flat', async (t) => {
  const redis = new Redis(t.context.redis.url, { maxRetriesPerRequest: null });
  const queueOf = new Queue(queue, { connection: { host: '127.0.0.1', port: t.context.redis.port, maxRetriesPerRequest: null } });
  try {
    t.deepEqual(await queueOf.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed'), { completed: 0, failed: 0, waiting: 0, active: 0, delayed: 0 });
    t.deepEqual(await redis.keys('zt:*'), [], 'no call list and no reply list is left behind');
  } finally {
    await queueOf.close();
    redis.disconnect();
  }
});
