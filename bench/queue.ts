// `bench queue`: our operations through the BullMQ transport, against raw BullMQ no-op jobs on the same
// private Redis with the same workers and concurrency, in the same run. The default operation's effect
// is instant in virtual time (hub.up), so the figure is the queue's own cost per operation; with
// zdb.set each write ends at its own virtual instant and the next job starts there. The owner applies
// each job's first call at dispatch (foreseen), so the clock does not wait for the job to come back
// through Redis at each instant. The instants and each side's CPU per operation are printed beside the rates.

import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Args } from '../cli/args.js';
import { World } from '../sim/grid/world.js';
import { distroFlist } from '../sim/storage/flist/generate.js';
import { baseFlistUrl, gridByName } from '../scenarios/grids.js';
import { openBullmqTransport, startPrivateRedis } from '../scheduler/transports/bullmq/index.js';
import { InprocessTransport } from '../scheduler/transports/inprocess.js';
import type { Transport } from '../scheduler/transport.js';
import type { Deployment, Workload as DocWorkload } from '../sim/grid/deployment.js';
import { handlers } from '../workers/handlers/index.js';
import type { Operation } from '../workers/operations.js';
import { SimBackend } from '../workers/sim-backend.js';
import { benchMain } from './bench-main.js';

const GiB = 2 ** 30;
/** The small grid's nodes with disks for a zdb namespace each. */
const zdbNodes = [0, 1, 2, 5, 6];

function zdbDeployment(): Deployment {
  const db = { version: 0, name: 'db', type: 'zdb', metadata: '', description: '', data: { size: 10 * GiB, mode: 'user', password: 'pw', public: false } };
  return { version: 0, twin_id: 50, contract_id: 0, metadata: '', description: '', workloads: [db as unknown as DocWorkload] };
}

type Opener = (backend: SimBackend) => Promise<Transport>;

/** What is timed: hub toggles (instant) or zdb writes (each ends at its own virtual instant). */
type Workload = 'zdb.set' | 'hub.up';

/** One timed measurement: its rate, and the CPU it cost this process and Redis, per operation. */
interface Timed {
  readonly perS: number;
  readonly nodeCpuUsPerOp: number;
  readonly redisCpuUsPerOp: number;
}

/**
 * CPU time, beside the wall clock: on a machine busy with other work the rates move with the load
 * (a lockstep instant waits for Redis to be scheduled), the CPU each operation costs much less.
 * Redis's is read from INFO, so with --redis it counts other clients' commands too.
 */
class CpuMeter {
  private nodeStart = process.cpuUsage();
  private redisStartS = 0;

  constructor(private readonly admin: Redis | undefined) {}

  async start(): Promise<void> {
    this.redisStartS = await this.redisS();
    this.nodeStart = process.cpuUsage();
  }

  async stop(count: number, perS: number): Promise<Timed> {
    const node = process.cpuUsage(this.nodeStart);
    const redisS = (await this.redisS()) - this.redisStartS;
    return { perS, nodeCpuUsPerOp: (node.user + node.system) / count, redisCpuUsPerOp: (redisS * 1e6) / count };
  }

  private async redisS(): Promise<number> {
    if (this.admin === undefined) return 0;
    const info = await this.admin.info('cpu');
    const field = (name: string): number => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
    return field('used_cpu_user') + field('used_cpu_sys');
  }
}

/**
 * Deploys the namespaces (untimed), then times `ops` operations (zdb writes spread over them).
 * `watch` sees the transport just before the timed part (for counting lockstep instants).
 */
async function timeOps(open: Opener, ops: number, kind: Workload, meter: CpuMeter, watch?: (transport: Transport) => void): Promise<Timed> {
  const world = new World({ seed: 'bench-queue', grid: gridByName('small'), armDeviceFailures: false });
  world.hub.publish(distroFlist({ seed: 'bench-queue:base', url: baseFlistUrl }));
  const backend = new SimBackend(world);
  const transport = await open(backend);
  try {
    const namespaces: string[] = [];
    for (const node of zdbNodes) {
      const result = await transport.wait(await transport.submit({ kind: 'deployment.create', node, deployment: zdbDeployment() }));
      const contractId = (result.value as { contractId?: number } | undefined)?.contractId;
      if (result.state !== 'ok' || contractId === undefined) throw new Error(`bench setup: zdb on node ${node}: ${JSON.stringify(result)}`);
      namespaces.push(`50-${contractId}-db`);
    }
    watch?.(transport);
    await meter.start();
    const started = performance.now();
    for (let i = 0; i < ops; i++) {
      const op: Operation = kind === 'hub.up' ? { kind } : { kind, namespace: namespaces[i % namespaces.length]!, key: `k${i}`, sizeBytes: 4096 };
      await transport.submit(op);
    }
    await transport.drain();
    const perS = ops / ((performance.now() - started) / 1000);
    return await meter.stop(ops, perS);
  } finally {
    await transport.close();
  }
}

/**
 * The virtual instants at which jobs were dispatched: over BullMQ each was one Redis round trip the
 * clock waited for, until the owner foresaw first calls; a job whose first call is not foreseen
 * (one that awaits something else first) still holds the clock for its round trip.
 */
function countInstants(transport: Transport, into: Set<number>): void {
  transport.onEvent((event) => {
    if (event.kind === 'active') into.add(event.atS);
  });
}

/** BullMQ alone: the same number of jobs, workers that do nothing, the same workers and concurrency. */
async function rawBullmq(redisUrl: string, jobs: number, workerCount: number, concurrency: number, meter: CpuMeter): Promise<Timed> {
  const url = new URL(redisUrl);
  const connection = { host: url.hostname, port: Number(url.port), maxRetriesPerRequest: null };
  const queue = new Queue('bench-raw', { connection });
  let done = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const workers = Array.from({ length: workerCount }, () => new Worker('bench-raw', async () => 'ok', { connection, concurrency }));
  for (const worker of workers) {
    worker.on('completed', () => {
      if (++done === jobs) finish();
    });
  }
  try {
    await Promise.all(workers.map((worker) => worker.waitUntilReady()));
    await meter.start();
    const started = performance.now();
    const batch = 500;
    for (let i = 0; i < jobs; i += batch) {
      const count = Math.min(batch, jobs - i);
      await queue.addBulk(Array.from({ length: count }, (_, j) => ({ name: 'noop', data: { i: i + j }, opts: { removeOnComplete: true } })));
    }
    await finished;
    const perS = jobs / ((performance.now() - started) / 1000);
    return await meter.stop(jobs, perS);
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

await benchMain('queue', {
  async run(args: Args) {
    const ops = args.number('ops', { min: 1, max: 1e7, integer: true, default: 3000 });
    // 256 is a worker process's default concurrency: lockstep starts a virtual instant's jobs as one wave,
    // and the wave's hand-offs to Redis cost less per job the larger it is.
    const concurrency = args.number('concurrency', { min: 1, max: 10_000, integer: true, default: 256 });
    const workerCount = args.number('workers', { min: 1, max: 1000, integer: true, default: 4 });
    const workerConcurrency = Math.ceil(concurrency / workerCount);
    const roundCount = args.number('rounds', { min: 1, max: 100, integer: true, default: 5 });
    const kind = args.oneOf('op', ['hub.up', 'zdb.set'] as const, 'hub.up');
    const given = args.string('redis');
    const redis = given === undefined ? await startPrivateRedis() : undefined;
    const redisUrl = given ?? redis!.url;
    const admin = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const meter = new CpuMeter(admin);
    try {
      const inprocess: Opener = async (backend) => new InprocessTransport({ backend, clock: backend.clock, handlers, concurrency });
      // Warm, as the BullMQ side is below: a cold first round measured the JIT (zdb.set: 5–8k ops/s,
      // against 20–35k from the third round on). In-process rounds are cheap, so two full ones; the
      // first also counts the lockstep instants, which are the same over either transport.
      const instants = new Set<number>();
      await timeOps(inprocess, ops, kind, new CpuMeter(undefined), (transport) => countInstants(transport, instants));
      await timeOps(inprocess, ops, kind, new CpuMeter(undefined));
      const inprocessRun = await timeOps(inprocess, ops, kind, new CpuMeter(undefined));
      const open: Opener = (backend) => openBullmqTransport({ backend, clock: backend.clock, redisUrl, concurrency, queue: 'bench-ops', localWorkers: workerCount, workerConcurrency });
      // One untimed round of each side first, so neither is measured with a cold JIT; then interleaved
      // rounds and the median ratio: a machine busy with something else slows both sides alike.
      const warmUpOps = Math.max(1, Math.floor(ops / 3));
      await rawBullmq(redisUrl, warmUpOps, workerCount, workerConcurrency, meter);
      await timeOps(open, warmUpOps, kind, meter);
      const rounds: Array<{ raw: Timed; project: Timed }> = [];
      for (let round = 0; round < roundCount; round++) {
        const raw = await rawBullmq(redisUrl, ops, workerCount, workerConcurrency, meter);
        rounds.push({ raw, project: await timeOps(open, ops, kind, meter) });
      }
      const middle = [...rounds].sort((a, b) => a.project.perS / a.raw.perS - b.project.perS / b.raw.perS)[Math.floor(roundCount / 2)]!;
      const projectOpsPerS = middle.project.perS;
      const rawBullmqJobsPerS = middle.raw.perS;
      const us = (value: number): number => Math.round(value);
      const document = {
        projectOpsPerS: Math.round(projectOpsPerS),
        rawBullmqJobsPerS: Math.round(rawBullmqJobsPerS),
        ratio: Number((projectOpsPerS / rawBullmqJobsPerS).toFixed(3)),
        inprocessOpsPerS: Math.round(inprocessRun.perS),
        op: kind,
        ops,
        concurrency,
        workers: workerCount,
        // Dispatch instants of the timed operations (each was one Redis round trip waited for before foresight).
        lockstepInstants: instants.size,
        opsPerInstant: Number((ops / instants.size).toFixed(2)),
        // CPU of the median round per operation (per raw job): this process (owner and local
        // workers; raw: queue and workers) and Redis; in-process has no Redis.
        projectNodeCpuUsPerOp: us(middle.project.nodeCpuUsPerOp),
        projectRedisCpuUsPerOp: us(middle.project.redisCpuUsPerOp),
        rawNodeCpuUsPerJob: us(middle.raw.nodeCpuUsPerOp),
        rawRedisCpuUsPerJob: us(middle.raw.redisCpuUsPerOp),
        inprocessNodeCpuUsPerOp: us(inprocessRun.nodeCpuUsPerOp),
        rounds: rounds.map(({ raw, project }) => ({ rawBullmqJobsPerS: Math.round(raw.perS), projectOpsPerS: Math.round(project.perS) })),
      };
      const human = [
        `${kind} through BullMQ: ${document.projectOpsPerS} ops/s; raw BullMQ no-op jobs: ${document.rawBullmqJobsPerS} jobs/s; ratio ${document.ratio}`,
        `the same operations in-process: ${document.inprocessOpsPerS} ops/s (${ops} each, concurrency ${concurrency})`,
        `lockstep: ${instants.size} dispatch instants, ${document.opsPerInstant} operations each`,
        `CPU per operation: ours ${document.projectNodeCpuUsPerOp} µs here + ${document.projectRedisCpuUsPerOp} µs Redis; raw ${document.rawNodeCpuUsPerJob} + ${document.rawRedisCpuUsPerJob} µs; in-process ${document.inprocessNodeCpuUsPerOp} µs`,
      ].join('\n');
      return { document, human };
    } finally {
      admin.disconnect();
      await redis?.stop();
    }
  },
});
