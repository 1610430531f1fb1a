// More due jobs than worker slots over BullMQ: the owner lets waiting jobs go (parks them) so that
// the queued ones get slots, and the run ends in the in-process state; a worker stopped by SIGTERM
// while its jobs wait on the owner hands them back to the queue and exits at once.
import { spawn } from 'node:child_process';
import anyTest, { type TestFn } from 'ava';
import { startWorker, type WorkerProcess } from '../helpers/bullmq-workers.js';
import { simBackendFor } from '../helpers/bullmq-runs.js';
import { builtBinary, repoRoot } from '../helpers/cli.js';
import { useRedis, type PrivateRedis } from '../helpers/redis.js';
import { waitUntil } from '../helpers/wait.js';
import { openBullmqTransport, type BullmqTransport } from '../../scheduler/transports/bullmq/index.js';
import { InprocessTransport } from '../../scheduler/transports/inprocess.js';
import type { Transport } from '../../scheduler/transport.js';
import type { Backend } from '../../workers/backend.js';
import { handlers } from '../../workers/handlers/index.js';
import type { Deployment, Operation, OperationResult } from '../../workers/operations.js';
import type { SimBackend } from '../../workers/sim-backend.js';

const test = anyTest as TestFn<{ redis: PrivateRedis }>;
useRedis(test);

const started: WorkerProcess[] = [];
test.after.always(async () => {
  await Promise.all(started.map((worker) => worker.kill()));
});

/** Nodes of the small grid with disks for a zdb namespace. */
const zdbNodes = [0, 1, 2, 5, 6];

function zdbDeployment(twin: number, name: string): Deployment {
  return {
    version: 0, twin_id: twin, metadata: '', description: 'zdb', expiration: 0,
    workloads: [{ version: 0, name, type: 'zdb', metadata: '', description: '', data: { size: 2 ** 30, mode: 'user', password: 'pw', public: false } }],
    signature_requirement: { requests: [{ required: false, twin_id: twin, weight: 1 }], signatures: [], weight_required: 1 },
  } as unknown as Deployment;
}

/** The namespaces every run writes to: one per zdb node, created (and waited for) first. */
const setup: Operation[] = zdbNodes.map((node) => ({ kind: 'deployment.create', node, deployment: zdbDeployment(50, 'db') }));
const namespaces = zdbNodes.map((_, i) => `50-${i + 1}-db`);

function writes(count: number): Operation[] {
  return Array.from({ length: count }, (_, i): Operation => ({ kind: 'zdb.set', namespace: namespaces[i % namespaces.length]!, key: `k${i}`, sizeBytes: 4096 + (i % 7) * 512 }));
}

/** Writes, reads, and every 50th a deployment (two calls, the second waiting in virtual time). */
function mix(count: number): Operation[] {
  return Array.from({ length: count }, (_, i): Operation => {
    if (i % 50 === 0) return { kind: 'deployment.create', node: zdbNodes[(i / 50) % zdbNodes.length]!, deployment: zdbDeployment(60 + i, `m${i}`) };
    if (i % 3 === 0) return { kind: 'zdb.get', namespace: namespaces[i % namespaces.length]!, key: `k${i - 3}` };
    return { kind: 'zdb.set', namespace: namespaces[i % namespaces.length]!, key: `k${i}`, sizeBytes: 4096 };
  });
}

interface Outcome {
  readonly stateHash: string;
  readonly results: readonly OperationResult[];
}

/** The setup, then each phase's operations submitted at once and run until none is left. */
async function runOn(transport: Transport, sim: SimBackend, ...phases: ReadonlyArray<readonly Operation[]>): Promise<Outcome> {
  const results: OperationResult[] = [];
  for (const ops of [setup, ...phases]) {
    const handles = [];
    for (const op of ops) handles.push(await transport.submit(op));
    await transport.drain();
    for (const handle of handles) results.push(await transport.wait(handle));
  }
  return { stateHash: await sim.stateHash(), results };
}

async function inprocess(...phases: ReadonlyArray<readonly Operation[]>): Promise<Outcome> {
  const sim = simBackendFor(3);
  return runOn(new InprocessTransport({ backend: sim, clock: sim.clock, handlers }), sim, ...phases);
}

async function overBullmq(redisUrl: string, queue: string, ops: readonly Operation[]): Promise<Outcome & { stats: ReturnType<BullmqTransport['stats']> }> {
  const sim = simBackendFor(3);
  const transport = await openBullmqTransport({ backend: sim, clock: sim.clock, redisUrl, queue, localWorkers: 0 });
  try {
    const outcome = await runOn(transport, sim, ops);
    return { ...outcome, stats: transport.stats() };
  } finally {
    await transport.close();
  }
}

for (const [name, ops] of [['3,000 zdb writes', writes(3000)], ['3,000 operations with deployments', mix(3000)]] as const) {
  test.serial(`${name} due at once on one worker of 8 slots end as in-process`, async (t) => {
    t.timeout(180_000);
    const queue = name.startsWith('3,000 zdb') ? 'few-writes' : 'few-mix';
    const expected = await inprocess(ops);
    t.true(expected.results.filter((r) => r.state === 'ok').length > ops.length / 2, 'most operations succeed in-process');
    started.push(await startWorker(t.context.redis.url, { queue, concurrency: 8 }));
    const startedMs = Date.now();
    const report = await overBullmq(t.context.redis.url, queue, ops);
    t.log(`${name}: ${Date.now() - startedMs} ms over BullMQ, ${report.stats.parkedCalls} calls parked`);
    t.is(report.stateHash, expected.stateHash);
    t.deepEqual(report.results, expected.results);
    t.true(report.stats.parkedCalls > 0, 'jobs were let go of to free slots');
  });
}

test.serial('SIGTERM while jobs wait on the owner: the worker hands them back and exits 0 at once; another finishes them', async (t) => {
  t.timeout(120_000);
  const queue = 'sigterm';
  const ops = writes(6).map((op): Operation => ({ kind: 'zdb.get', namespace: (op as { namespace: string }).namespace, key: (op as { key: string }).key }));
  const expected = await inprocess(writes(6), ops);
  // Reads are held at the owner until released: the worker's jobs wait on calls that do not come.
  let held = false;
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  let heldCalls = 0;
  const wrap = (backend: Backend): Backend => new Proxy(backend, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (property !== 'zdbGet' || !held) return value.bind(target);
      return async (...args: unknown[]) => {
        heldCalls++;
        await gate;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const child = spawn(process.execPath, [builtBinary(), 'worker', '--redis', t.context.redis.url, '--backend', 'sim', '--queue', queue, '--concurrency', '16'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitUntil('the worker to be ready', () => stderr.includes('worker: ready'), { timeoutMs: 20_000 });

  const sim = simBackendFor(3);
  // With no event left while reads are held, the clock waits for their release and runs on, instead
  // of calling the run stalled: the calls go on in virtual time exactly as if never held.
  const clock = new Proxy(sim.clock, {
    get: (target, property) => {
      if (property === 'runAsync') {
        return async (options?: Parameters<typeof target.runAsync>[0]) => {
          await target.runAsync(options);
          if (!held) return;
          await gate;
          await new Promise((resolve) => setImmediate(resolve));
          await target.runAsync(options);
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const transport = await openBullmqTransport({ backend: wrap(sim), clock, redisUrl: t.context.redis.url, queue, localWorkers: 0 });
  try {
    const before: OperationResult[] = [];
    for (const ops of [setup, writes(6)]) {
      const handles = [];
      for (const op of ops) handles.push(await transport.submit(op));
      await transport.drain();
      for (const handle of handles) before.push(await transport.wait(handle));
    }
    held = true;
    const claimedBefore = transport.stats().claimedCalls;
    const handles = [];
    for (const op of ops) handles.push(await transport.submit(op));
    const drained = transport.drain();
    await waitUntil('every read to be held at the owner', () => heldCalls, { until: (n) => n === ops.length, timeoutMs: 20_000 });
    // The owner applies each read as it dispatches the job (foreseen): the worker waits on them once it asked.
    await waitUntil('the worker to ask for every read', () => transport.stats().claimedCalls - claimedBefore, { until: (n) => n === ops.length, timeoutMs: 20_000 });

    const signalledMs = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    const tookMs = Date.now() - signalledMs;
    t.is(code, 0, stderr);
    t.true(tookMs < 5_000, `exited ${tookMs} ms after SIGTERM`);
    t.regex(stderr, /worker: stopping: 6 job\(s\) waiting on the owner go back to the queue/);
    t.regex(stderr, /worker: stopped/);

    // Another worker takes the jobs back and replays their calls; the owner applied each once.
    started.push(await startWorker(t.context.redis.url, { queue, concurrency: 16 }));
    release();
    await drained;
    held = false;
    const results: OperationResult[] = [];
    for (const handle of handles) results.push(await transport.wait(handle));
    t.deepEqual([...before, ...results], expected.results);
    t.is(await sim.stateHash(), expected.stateHash);
    t.is(heldCalls, ops.length, 'each read reached the grid once');
    t.true(transport.stats().replayedCalls >= ops.length, 'the handed-back jobs replayed their calls');
  } finally {
    release();
    await transport.close();
    child.kill('SIGKILL');
  }
});
