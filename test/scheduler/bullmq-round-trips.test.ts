// What one lockstep instant costs in Redis with local workers: the owner's adds and the workers'
// completions share a connection, so each completion takes the next job in its own round trip: one
// script to add and one to complete per operation, not a blocking fetch per job. Same end state.
import anyTest, { type TestFn } from 'ava';
import { Redis } from 'ioredis';
import { simBackendFor } from '../helpers/bullmq-runs.js';
import { useRedis, type PrivateRedis } from '../helpers/redis.js';
import { openBullmqTransport } from '../../scheduler/transports/bullmq/index.js';
import { InprocessTransport } from '../../scheduler/transports/inprocess.js';
import type { Transport } from '../../scheduler/transport.js';
import { handlers } from '../../workers/handlers/index.js';
import type { Deployment, Operation, OperationResult } from '../../workers/operations.js';
import type { SimBackend } from '../../workers/sim-backend.js';

const test = anyTest as TestFn<{ redis: PrivateRedis }>;
useRedis(test);

const zdbNodes = [0, 1, 2, 5, 6];
const namespaces = zdbNodes.map((_, i) => `50-${i + 1}-db`);
const concurrency = 64;

function zdbDeployment(): Deployment {
  return {
    version: 0, twin_id: 50, metadata: '', description: 'zdb', expiration: 0,
    workloads: [{ version: 0, name: 'db', type: 'zdb', metadata: '', description: '', data: { size: 2 ** 30, mode: 'user', password: 'pw', public: false } }],
    signature_requirement: { requests: [{ required: false, twin_id: 50, weight: 1 }], signatures: [], weight_required: 1 },
  } as unknown as Deployment;
}

/** Writes that end at many virtual instants, a few jobs each: the lockstep hand-off is all there is. */
const writes: Operation[] = Array.from({ length: 600 }, (_, i) => ({ kind: 'zdb.set', namespace: namespaces[i % namespaces.length]!, key: `k${i}`, sizeBytes: 4096 }));

/** Deploys the namespaces, then runs `writes` (with `between` called in the middle), returning results and the state hash. */
async function run(transport: Transport, sim: SimBackend, between: () => Promise<void> = async () => {}): Promise<{ results: OperationResult[]; stateHash: string }> {
  for (const node of zdbNodes) await transport.wait(await transport.submit({ kind: 'deployment.create', node, deployment: zdbDeployment() }));
  await between();
  const handles = [];
  for (const op of writes) handles.push(await transport.submit(op));
  await transport.drain();
  const results: OperationResult[] = [];
  for (const handle of handles) results.push(await transport.wait(handle));
  return { results, stateHash: await sim.stateHash() };
}

/** Lua script calls (EVALSHA: adds, completions, fetches) Redis has run since the last reset. */
async function scriptCalls(admin: Redis): Promise<number> {
  const stats = await admin.info('commandstats');
  return Number(/cmdstat_evalsha:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

test('local workers: one add and one complete-and-fetch script per operation, and the in-process end state', async (t) => {
  t.timeout(120_000);
  const local = simBackendFor(3);
  const expected = await run(new InprocessTransport({ backend: local, clock: local.clock, handlers, concurrency }), local);
  t.true(expected.results.every((r) => r.state === 'ok'));

  const admin = new Redis(t.context.redis.url, { maxRetriesPerRequest: null });
  const sim = simBackendFor(3);
  // One worker with every slot: with several, BullMQ may hand one more job than it has free slots to
  // another, whose slots then all wait while a job is queued, and the owner parks them (another path).
  const transport = await openBullmqTransport({ backend: sim, clock: sim.clock, redisUrl: t.context.redis.url, queue: 'round-trips', concurrency, localWorkers: 1, workerConcurrency: concurrency });
  try {
    let before = 0;
    const report = await run(transport, sim, async () => void (before = await scriptCalls(admin)));
    const perOperation = (await scriptCalls(admin) - before) / writes.length;
    t.log(`${perOperation.toFixed(2)} scripts per operation`);
    t.is(report.stateHash, expected.stateHash);
    t.deepEqual(report.results, expected.results);
    t.is(transport.stats().parkedCalls, 0);
    // 2 per operation, plus a fetch for each job of the first wave (its slots were idle): a completion
    // written before the adds it should find would cost a blocking fetch per job, ~3 per operation.
    t.true(perOperation <= 2 + (concurrency + 8) / writes.length, `${perOperation} scripts per operation`);
  } finally {
    await transport.close();
    admin.disconnect();
  }
});
