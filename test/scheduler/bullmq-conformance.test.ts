// Conformance: the same operation files over the in-process transport and over BullMQ, with the
// handlers running in two `zos-testbed worker` processes, end in the same state and results.
import anyTest, { type TestFn } from 'ava';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { cli } from '../helpers/cli.js';
import { startWorker, type WorkerProcess } from '../helpers/bullmq-workers.js';
import { opsFile, runOps } from '../helpers/bullmq-runs.js';
import { useRedis, type PrivateRedis } from '../helpers/redis.js';
import { openSimTestbed } from '../../scenarios/testbed.js';
import type { TestbedState, TransportChoice } from '../../scheduler/testbed.js';
import { openBullmqTransport, type BullmqTransport } from '../../scheduler/transports/bullmq/index.js';
import { isFaultOperation } from '../../workers/operations.js';

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

/** The operations through a Testbed with the reconciler, until nothing is left to do. */
async function reconciledRun(ops: ReturnType<typeof opsFile>, seed: number, transport: TransportChoice): Promise<TestbedState> {
  const { testbed } = await openSimTestbed({ seed, reconcile: true, transport });
  try {
    for (const op of ops) await testbed.submit(op);
    await testbed.run();
    return await testbed.state();
  } finally {
    await testbed.close();
  }
}

// Serial: one owner per queue at a time, as in a real deployment.
for (const file of ['deployments.json', 'faults.json', 'zdb-traffic.json']) {
  test.serial(`${file}: the same state hash and results in-process and over BullMQ`, async (t) => {
    await ensureWorkers(t.context.redis.url);
    const ops = opsFile(file);
    const inprocess = await runOps(ops);
    const bullmq = await runOps(ops, { bullmq: { redisUrl: t.context.redis.url, queue, localWorkers: 0 } });
    t.is(bullmq.stateHash, inprocess.stateHash);
    t.deepEqual(bullmq.results, inprocess.results);
    // Faults are the harness's, injected on the owner's side: only the jobs reach the workers.
    const jobs = ops.filter((op) => !isFaultOperation(op)).length;
    t.true(bullmq.stats!.appliedCalls > jobs, 'every job made its backend calls through Redis');
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

// A node loss the reconciler heals: its steps run on the owner's clock, its operations are jobs that
// the worker processes run, and the run ends in the same state, operations and audit log.
for (const seed of [1, 42]) {
  test.serial(`node-loss-healed.json with the reconciler, seed ${seed}: the same state hash, operations and audit in-process and over BullMQ`, async (t) => {
    await ensureWorkers(t.context.redis.url);
    const ops = opsFile('node-loss-healed.json');
    let bullmqTransport: BullmqTransport | undefined;
    const inprocess = await reconciledRun(ops, seed, 'inprocess');
    const bullmq = await reconciledRun(ops, seed, async (context) => (bullmqTransport = await openBullmqTransport({ ...context, redisUrl: t.context.redis.url, queue, localWorkers: 0 })));
    t.is(bullmq.stateHash, inprocess.stateHash);
    t.deepEqual(bullmq.ops, inprocess.ops);
    t.deepEqual(bullmq.audit, inprocess.audit);
    t.is(bullmq.nowS, inprocess.nowS);
    const healing = bullmq.ops.filter((op) => op.id.startsWith('reconciler-'));
    t.deepEqual(healing.map((op) => [op.kind, op.state]), [
      ['deployment.create', 'completed'], ['deployment.create', 'completed'], ['deployment.delete', 'completed'], ['deployment.delete', 'completed'],
    ]);
    t.deepEqual(bullmq.audit!.filter((e) => e.reason === 'replaced').length, 2);
    const jobs = ops.filter((op) => !isFaultOperation(op)).length;
    t.true(bullmqTransport!.stats().attempts >= jobs + healing.length, 'the reconciler\'s operations ran on the worker processes too');
  });
}

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

test.serial('apply node-loss-healed.json --reconcile: the same report, audit included, from --transport bullmq as from inprocess', async (t) => {
  const path = 'scenarios/ops/node-loss-healed.json';
  const inprocess = await cli('apply', path, '--reconcile', '--transport', 'inprocess', '--json');
  const bullmq = await cli('apply', path, '--reconcile', '--transport', 'bullmq', '--redis', t.context.redis.url, '--json');
  t.is(bullmq.code, 0, bullmq.stderr);
  const report = JSON.parse(bullmq.stdout) as { audit: { reason: string }[]; ops: { id: string; state: string }[] };
  t.deepEqual(report, JSON.parse(inprocess.stdout));
  t.true(report.audit.some((e) => e.reason === 'replaced'));
  t.true(report.ops.every((op) => op.state === 'completed'));
});

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

// A Z-Net loses its access node; the reconciler re-applies it through another public member (our
// self-healing, an operation like any other): the same on both transports.
test.serial('znet-access-loss.json with the reconciler: the same state hash, operations and audit in-process and over BullMQ', async (t) => {
  await ensureWorkers(t.context.redis.url);
  const ops = opsFile('znet-access-loss.json');
  const inprocess = await reconciledRun(ops, 1, 'inprocess');
  const bullmq = await reconciledRun(ops, 1, async (context) => openBullmqTransport({ ...context, redisUrl: t.context.redis.url, queue, localWorkers: 0 }));
  t.is(bullmq.stateHash, inprocess.stateHash);
  t.deepEqual(bullmq.ops, inprocess.ops);
  t.deepEqual(bullmq.audit, inprocess.audit);
  t.deepEqual(bullmq.ops.filter((op) => op.id.startsWith('reconciler-')).map((op) => [op.kind, op.state]), [['znet.reapply', 'completed']]);
});
