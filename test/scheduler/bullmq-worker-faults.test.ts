// Worker faults over BullMQ: a worker killed by SIGKILL mid-job (its jobs are re-delivered and their
// effects applied once), and malformed payloads written straight into Redis (failed, named, survived).
import anyTest, { type TestFn } from 'ava';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startWorker, type WorkerProcess } from '../helpers/bullmq-workers.js';
import { countingBackend, opsFile, runOps } from '../helpers/bullmq-runs.js';
import { useRedis, type PrivateRedis } from '../helpers/redis.js';
import { waitUntil } from '../helpers/wait.js';

const test = anyTest as TestFn<{ redis: PrivateRedis }>;
useRedis(test);

const started: WorkerProcess[] = [];
test.after.always(async () => {
  await Promise.all(started.map((worker) => worker.kill()));
});

async function worker(url: string, queue: string, lockMs?: number): Promise<WorkerProcess> {
  const w = await startWorker(url, { queue, concurrency: 64, ...(lockMs === undefined ? {} : { lockMs }) });
  started.push(w);
  return w;
}

test('SIGKILL mid-job: the job is re-delivered to another worker, replayed, and its effect applied once', async (t) => {
  const queue = 'sigkill';
  const ops = opsFile('zdb-traffic.json');
  const expectedCounts = new Map<string, number>();
  const expected = await runOps(ops, { wrap: (b) => countingBackend(b, expectedCounts) });

  const first = await worker(t.context.redis.url, queue, 1000);
  let replacement: Promise<WorkerProcess> | undefined;
  const counts = new Map<string, number>();
  // The first deployment's wait for its workloads reaches the owner and is applied; its worker dies
  // before it sees the reply, so that job (and every other job it held) is mid-handler with effects
  // already applied. A second call, as only a worker that holds the job sends it: the owner applies
  // a job's first call itself at dispatch (foreseen), before any worker may have taken the job.
  const onCall = (method: string): void => {
    if (method !== 'settled' || replacement !== undefined) return;
    process.kill(first.pid, 'SIGKILL');
    replacement = worker(t.context.redis.url, queue, 1000);
  };
  const report = await runOps(ops, {
    wrap: (b) => countingBackend(b, counts, onCall),
    bullmq: { redisUrl: t.context.redis.url, queue, localWorkers: 0 },
  });
  t.truthy(replacement, 'the kill happened');
  await replacement;
  t.is(report.stateHash, expected.stateHash);
  t.deepEqual(report.results, expected.results);
  t.deepEqual(counts, expectedCounts, 'every backend call reached the state exactly as often as in-process');
  t.true(report.stats!.replayedCalls > 0, 'the re-delivered job replayed the calls already applied');
});

test('malformed payloads written straight into Redis fail naming the field; the worker keeps serving', async (t) => {
  const queue = 'garbage';
  const w = await worker(t.context.redis.url, queue);
  const connection = { host: '127.0.0.1', port: t.context.redis.port, maxRetriesPerRequest: null };
  const raw = new Queue(queue, { connection });
  try {
    const cases: Array<[unknown, RegExp]> = [
      ['not an object at all', /payload must be an object/],
      [{ run: 'r', seq: -1, attempt: 1, nowS: 0, op: {} }, /field seq/],
      [{ run: 'r', seq: 1, attempt: 0, nowS: 0, op: {} }, /field attempt/],
      [{ run: 'r', seq: 1, attempt: 1, nowS: 'soon', op: {} }, /field nowS/],
      [{ run: 'r', seq: 1, attempt: 1, nowS: 0, op: { kind: 'zdb.set', namespace: 7, key: 'k' } }, /field namespace/],
      [{ run: 'r', seq: 2, attempt: 1, nowS: 0, op: { kind: 'no.such.kind' } }, /field kind/],
    ];
    for (const [data, field] of cases) {
      const job = await raw.add('zdb.set', data);
      t.regex(await failedReason(raw, job.id!), field, `job ${job.id} with ${JSON.stringify(data)}`);
    }
    // Garbage on the owner's call list too: dropped, and never a reply written to a key it names.
    const client = new Redis(t.context.redis.url, { maxRetriesPerRequest: null });
    t.teardown(() => client.disconnect());
    const run = 'r';
    await client.rpush(`zt:{${queue}}:rpc`, 'not json', '{"run":1}', JSON.stringify({ run, seq: 1, attempt: 1, index: 0, method: 'zdbSet', args: [], replyTo: 'victim-key' }));
    // The same worker process then serves a whole run correctly.
    const ops = opsFile('zdb-traffic.json');
    const expected = await runOps(ops);
    const report = await runOps(ops, { bullmq: { redisUrl: t.context.redis.url, queue, localWorkers: 0 } });
    t.is(report.stateHash, expected.stateHash);
    t.deepEqual(report.results, expected.results);
    t.is(await client.exists('victim-key'), 0);
    t.is(await client.llen(`zt:{${queue}}:rpc`), 0, 'the owner consumed the garbage');
    t.regex(w.log(), /failed: job \d+: field namespace/);
  } finally {
    await raw.close();
  }
});

/** Polls the job's state (events could be missed before the stream reader starts) until it failed. */
async function failedReason(queue: Queue, id: string): Promise<string> {
  // State first, then the job: read the other way round, the job could predate its own failure.
  await waitUntil(`job ${id} to fail`, () => queue.getJobState(id), { until: (state) => state === 'failed', timeoutMs: 20_000, intervalMs: 50 });
  return (await queue.getJob(id))?.failedReason ?? '';
}
