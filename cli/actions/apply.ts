// `apply FILE`: applies a JSON list of operations to a simulated grid, or to real nodes on this host,
// through a transport and prints the run's state hash and every operation's outcome. Leaves out the
// work itself (scheduler/testbed.ts).

import type { Command } from '../command.js';
import type { Args } from '../args.js';
import { WallPacedClock } from '../../sim/engine/realtime.js';
import { Simulation } from '../../sim/engine/simulation.js';
import { InputError } from '../../sim/errors.js';
import { validateOperationList } from '../../scheduler/operations/validate.js';
import { Testbed, type JobEvent, type JobHandle, type TransportChoice, type TransportFactory } from '../../scheduler/testbed.js';
import type { Operation } from '../../workers/operations.js';
import type { BullmqTransport } from '../../scheduler/transports/bullmq/index.js';
import type { Backend } from '../../workers/backend.js';
import { gridByName, gridNames } from '../../scenarios/grids.js';
import { openSimTestbed } from '../../scenarios/testbed.js';
import { readJsonFile } from '../read-json.js';
import type { CommandContext } from '../command.js';
import { checkRedisFlag, redisFlag } from '../redis-flag.js';
import { timeoutFlag, watchWait } from '../wait-watch.js';
import { metricsFromFlag } from '../observability/owner-serve.js';
import type { ZosMetrics } from '../observability/metrics.js';

const transports = ['inprocess', 'bullmq'] as const;

/** The work of `apply`; its flags and usage are in cli/commands/apply.ts. */
export async function applyCommand(args: Args, context: CommandContext): Promise<number> {
  const { out } = context;
  const seed = args.string('seed', '1');
  out.progress(`seed: ${seed}`);
  const file = args.positional(0, 'FILE');
  const transport = args.oneOf('transport', transports, 'inprocess');
  const grid = args.string('grid', 'small');
  gridByName(grid);
  if (transport === 'inprocess' && args.has('redis')) throw new InputError('command line', '--redis', 'only applies to --transport bullmq');
  const ops = validateOperationList(readJsonFile(file), file);
  const redis = redisFlag(args);
  const timeout = timeoutFlag(args);
  const choice = transport === 'bullmq' && redis !== undefined ? { redis } : transport;
  const reconcile = args.has('reconcile');
  const backend = args.oneOf('backend', ['sim', 'host'] as const, 'sim');
  for (const flag of ['data-dir', 'nodes', 'hub', 'zdb', 'host-network'] as const) {
    if (backend === 'sim' && args.has(flag)) throw new InputError('command line', `--${flag}`, 'only applies to --backend host');
  }
  // Before anything is built: an address nothing answers on is said at once, not retried in silence.
  if (redis !== undefined) await checkRedisFlag(redis);
  const queue: QueueRef = {};
  const served = await metricsFromFlag(args, (line) => out.progress(line));
  const { testbed, close, backend: used } = backend === 'host'
    ? await openHostTestbed(args, { seed, transport: choice, where: file, queue })
    : await openSim({ seed, grid, transport: watched(choice, queue), where: file, reconcile }, served?.metrics);
  if (served !== undefined) (await import('../observability/owner-metrics.js')).watchTestbed(testbed, served.metrics);
  try {
    const progress = new ApplyProgress(testbed);
    const handles: JobHandle[] = [];
    for (const op of ops) handles.push(await testbed.submit(op));
    await watchWait(testbed.run(), {
      timeout,
      status: () => progress.describe(queue.transport),
      report: (line) => out.progress(line),
    });
    const state = await testbed.state();
    const report: Report = { stateHash: state.stateHash, ops: state.ops.map(({ id, state: s, error }) => ({ id, state: s, error })) };
    if (args.has('workloads')) report.workloads = await finalWorkloads(testbed, used, ops, handles);
    if (reconcile) report.audit = (state.audit ?? []).map(({ atS, reason, contractId, node, detail }) => ({ atS, reason, contractId: contractId ?? null, node: node ?? null, detail }));
    out.result(report, () => summary(report));
  } finally {
    await testbed.close();
    await close();
    await served?.close();
  }
  return 0;
}

/** A simulated grid's Testbed; with metrics, its gauges read from the world. */
async function openSim(options: Parameters<typeof openSimTestbed>[0], metrics: ZosMetrics | undefined): Promise<OpenTestbed> {
  const { testbed, world, backend } = await openSimTestbed(options);
  if (metrics !== undefined) (await import('../observability/owner-metrics.js')).addWorldGauges(metrics, world);
  return { testbed, backend, close: async () => {} };
}

interface OpenTestbed {
  readonly testbed: Testbed;
  /** The backend the testbed runs on, for `--workloads` (the workloads' states once the run ended). */
  readonly backend: Backend;
  close(): Promise<void>;
}

/**
 * Every deployment a `deployment.create` made, with each workload's state once the run has ended (not
 * as it settled): `--workloads`, e.g. to compare `--backend host` with `--backend sim` for one file.
 */
async function finalWorkloads(testbed: Testbed, backend: Backend, ops: readonly Operation[], handles: readonly JobHandle[]): Promise<WorkloadsReport> {
  const out: WorkloadsReport = [];
  for (const [i, op] of ops.entries()) {
    if (op.kind !== 'deployment.create') continue;
    const value = (await testbed.wait(handles[i]!)).value as { contractId?: unknown } | undefined;
    if (typeof value?.contractId !== 'number') continue;
    const deployment = await backend.deployment(value.contractId);
    out.push({
      op: handles[i]!.id,
      contractId: value.contractId,
      node: deployment?.node ?? null,
      workloads: (deployment?.workloads ?? []).map(({ name, type, state }) => ({ name, type, state })),
    });
  }
  return out;
}

/**
 * A Testbed over a HostBackend: the owner's clock is wall-paced (delays and backoffs take real time);
 * BullMQ's local workers call the host directly, as a `worker --backend host` process would.
 */
async function openHostTestbed(args: Args, options: { seed: string; transport: TransportChoice; where: string; queue: QueueRef }): Promise<OpenTestbed> {
  for (const flag of ['grid', 'reconcile'] as const) {
    if (args.has(flag)) throw new InputError('command line', `--${flag}`, 'only applies to --backend sim');
  }
  const dataDir = args.required('data-dir');
  const nodes = args.number('nodes', { integer: true, min: 1, max: 256, default: 8 });
  const zdb = args.oneOf('zdb', ['in-process', 'process'] as const, 'in-process');
  // netns: nodes as network namespaces, networks as real WireGuard (root and `ip` needed; HostBackend says why not).
  const network = args.oneOf('host-network', ['loopback', 'netns'] as const, 'loopback');
  if (network === 'netns') {
    const available = (await import('../../workers/host/netns/available.js')).netnsAvailable();
    if (!available.ok) throw new InputError('command line', '--host-network', `netns is not possible here: ${available.reason}`);
  }
  // Real hosts bring ioredis (the zdb client) and the host modules: loaded only for --backend host.
  const { HostBackend } = await import('../../workers/host-backend/index.js');
  const host = await HostBackend.open({ dataDir, nodes, zdb, network, ...hubOption(args.string('hub')) });
  const clock = new WallPacedClock(new Simulation());
  const transport = watched(options.transport, options.queue, host);
  try {
    const testbed = await Testbed.open({ backend: host, clock, seed: options.seed, transport, where: options.where });
    // Stopping the clock first: after a --timeout, delayed jobs still wait on it in wall time.
    return { testbed, backend: host, close: () => (clock.stop(), host.close()) };
  } catch (error) {
    await host.close();
    throw error;
  }
}

/** The BullMQ transport once opened, so progress lines can say what its queue holds. */
interface QueueRef {
  transport?: BullmqTransport;
}

/**
 * The transport as chosen, and with BullMQ a factory that keeps hold of it for `queue`. `localBackend`:
 * real hosts hold their own state, so their local workers call them directly (a `worker --backend host`).
 */
function watched(choice: TransportChoice, queue: QueueRef, localBackend?: Backend): TransportChoice {
  if (choice === 'inprocess' || typeof choice === 'function') return choice;
  const factory: TransportFactory = async (context) => {
    const { openBullmqTransport } = await import('../../scheduler/transports/bullmq/index.js');
    queue.transport = await openBullmqTransport({
      ...context,
      ...(localBackend === undefined ? {} : { localBackend }),
      ...(choice === 'bullmq' ? {} : { redisUrl: choice.redis }),
    });
    return queue.transport;
  };
  return factory;
}

/** Counts operations by their last job event, for the status lines of a long wait. */
class ApplyProgress {
  private readonly last = new Map<string, JobEvent['kind']>();

  constructor(testbed: Testbed) {
    testbed.on((event) => this.last.set(event.id, event.kind));
  }

  async describe(transport: BullmqTransport | undefined): Promise<string> {
    let finished = 0;
    let running = 0;
    for (const kind of this.last.values()) {
      if (kind === 'completed' || kind === 'failed') finished++;
      else if (kind === 'active') running++;
    }
    const ops = `apply: ${finished} of ${this.last.size} operations finished, ${running} running, ${this.last.size - finished - running} waiting`;
    if (transport === undefined) return ops;
    const q = await transport.queueStatus();
    const others = q.workers - q.localWorkers;
    return `${ops}; queue ${q.queue} at ${q.redisUrl}: ${q.active} jobs running, ${q.waiting} waiting; ${q.workers} workers connected (${q.localWorkers} in this process, ${others} elsewhere)`;
  }
}

type WorkloadsReport = { op: string; contractId: number; node: number | null; workloads: { name: string; type: string; state: string }[] }[];

type Report = {
  stateHash: string;
  workloads?: WorkloadsReport;
  ops: { id: string; state: string; error: { code: string; message: string } | null }[];
  audit?: { atS: number; reason: string; contractId: number | null; node: number | null; detail: string }[];
};

function summary(report: Report): string {
  const width = Math.max(2, ...report.ops.map((op) => op.id.length));
  const lines = report.ops.map((op) => `${op.id.padEnd(width)}  ${op.state.padEnd(9)}${op.error === null ? '' : `  ${op.error.code}: ${op.error.message}`}`);
  const failed = report.ops.filter((op) => op.state === 'failed').length;
  const audit = (report.audit ?? []).map((e) => `${e.atS.toFixed(3)} s  reconciler ${e.reason}: ${e.detail}`);
  const workloads = (report.workloads ?? []).map((d) => `contract ${d.contractId} (${d.op}) on node ${d.node ?? 'none'}: ${d.workloads.map((w) => `${w.name} ${w.type} ${w.state}`).join(', ')}`);
  return [...lines, ...workloads, ...audit, `${report.ops.length} operations, ${failed} failed; state hash ${report.stateHash}`].join('\n');
}

/** `--hub` as HostBackend's option: absent means the backend serves DATA-DIR/hub itself. */
function hubOption(hub: string | undefined): { hub?: string } {
  return hub === undefined ? {} : { hub };
}
