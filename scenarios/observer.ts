// What a run tells an observer (reports/'s RunRecorder fits as is): grid gauges, node power changes,
// finished deployments as operations, counted events. Leaves out what the observer does with them.

import { memoryFreeBytes } from '../sim/grid/capacity.js';
import type { NodeTable } from '../sim/grid/node-table.js';
import { isOn } from '../sim/grid/uptime.js';
import { availabilityOf } from './availability.js';
import { usesNetwork } from './compile-network.js';
import type { RunContext } from './run-context.js';
import { storageTally } from './storage-tally.js';
import type { NetworkStats } from '../sim/network/grid-network.js';

export interface ResourceVector {
  readonly cru: number;
  readonly mruBytes: number;
  readonly sruBytes: number;
  readonly hruBytes: number;
}

export interface GridSnapshot {
  readonly used: ResourceVector;
  readonly total: ResourceVector;
  readonly nodesUp: number;
  readonly nodesDown: number;
  readonly workloadsOk: number;
  readonly workloadsError: number;
  readonly queueDepth: number;
  readonly zstorObjectsDegraded: number;
  readonly zstorStoredBytes: number;
  /** world.net's stats, only in runs that use the network (reports then add network columns). */
  readonly net?: NetworkStats;
  /** Deployment availability now and healing actions so far, in runs that track availability. */
  readonly deployments?: DeploymentFigures;
}

export interface DeploymentFigures {
  readonly availableFraction: number;
  /** The reconciler's actions since the run began, counted from its audit log as the run summary counts them. */
  readonly replacements: number;
  readonly repairs: number;
  readonly reapplies: number;
}

/** Audit reasons that are healing actions, by the figure they count in. */
const healingReasons: Readonly<Record<string, 'replacements' | 'repairs' | 'reapplies'>> = { replaced: 'replacements', 'zstor-repair': 'repairs', 'znet-reapply': 'reapplies' };

/**
 * Follows the run's deployment availability and the reconciler's healing, calling `changed` after
 * each change so that the reports see every step of the series, not only the slices' samples.
 */
function trackDeployments(ctx: RunContext, changed: (figures: DeploymentFigures) => void): () => DeploymentFigures | undefined {
  const availability = availabilityOf(ctx);
  if (availability === undefined) return () => undefined;
  let figures: DeploymentFigures = { availableFraction: availability.fractionNow(), replacements: 0, repairs: 0, reapplies: 0 };
  availability.onChange((availableFraction) => {
    figures = { ...figures, availableFraction };
    changed(figures);
  });
  ctx.testbed.onAudit((entry) => {
    const key = healingReasons[entry.reason];
    if (key === undefined) return;
    figures = { ...figures, [key]: figures[key] + 1 };
    changed(figures);
  });
  return () => figures;
}

export interface RunObserver {
  sample(nowS: number, snapshot: GridSnapshot): void;
  node(nowS: number, node: { readonly id: number; readonly up: boolean; readonly farm?: string; readonly template?: string; readonly capacity?: ResourceVector }): void;
  operation(op: { readonly id: string; readonly kind: string; readonly submittedS: number; readonly startedS: number; readonly finishedS: number; readonly state: string; readonly node?: number }): void;
  event(nowS: number, kind: string, fields?: Readonly<Record<string, number | string | boolean>>): void;
}

const zero: ResourceVector = { cru: 0, mruBytes: 0, sruBytes: 0, hruBytes: 0 };

/**
 * Totals and reservations over the nodes that are up, read straight from the node table: the same
 * sums, in the same order, as grid.total() and grid.free() per node, without two objects (and a farm
 * lookup) per node per sample.
 */
function capacityOnNodesUp(t: NodeTable, runningVcpusByNode: Float64Array): { used: ResourceVector; total: ResourceVector } {
  const used = { ...zero };
  const total = { ...zero };
  for (let node = 0; node < t.nodeCount; node++) {
    if (!isOn(t, node)) continue;
    const mruBytes = t.totalMruBytes[node]!;
    const sruBytes = t.totalSruBytes[node]!;
    const hruBytes = t.totalHruBytes[node]!;
    total.cru += t.totalCru[node]!;
    total.mruBytes += mruBytes;
    total.sruBytes += sruBytes;
    total.hruBytes += hruBytes;
    used.mruBytes += mruBytes - memoryFreeBytes(t, node);
    used.sruBytes += sruBytes - sumOf(t.ssdFreeBytes, t.ssdStart[node]!, t.ssdCount(node));
    used.hruBytes += hruBytes - sumOf(t.hddFreeBytes, t.hddStart[node]!, t.hddCount(node));
    used.cru += runningVcpusByNode[node]!;
  }
  return { used, total };
}

function sumOf(values: Float64Array, start: number, count: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += values[start + i]!;
  return sum;
}

/** One deployment's share of a sample: its workloads by state, and the vCPUs of its running machines. */
interface DeploymentTally {
  ok: number;
  error: number;
  runningVcpus: number;
}

/**
 * The workload counts of a run's deployments, kept up to date from the deployments that changed
 * since the last sample, so that a sample costs O(nodes + changed deployments), not a copy of every
 * deployment. Running vCPUs are kept per node, since a node that is off contributes none.
 */
class WorkloadTallies {
  private readonly byDeployment = new Map<string, DeploymentTally>();
  private readonly dirty = new Map<string, { node: number; contractId: number }>();
  ok = 0;
  error = 0;
  readonly runningVcpusByNode: Float64Array;
  /** Nodes holding at least one of the run's deployments, in the order they first got one. */
  readonly nodes = new Set<number>();

  constructor(private readonly ctx: RunContext) {
    this.runningVcpusByNode = new Float64Array(ctx.world.grid.nodeCount);
    ctx.placed.push((inst) => {
      this.nodes.add(inst.node);
      this.touch(inst.node, inst.contractId);
    });
    // A re-placed deployment is counted at its new contract; the old one (on a node that may be down
    // and still call its workloads ok) leaves the counts.
    ctx.moved.push((inst, fromContractId, fromNode) => {
      this.forget(fromNode, fromContractId);
      this.nodes.add(inst.node);
      this.touch(inst.node, inst.contractId);
    });
    // Only the run's own deployments count, as when the sampler walked ctx.instances.
    ctx.world.provision.onChange((node, contractId) => {
      const key = `${node}/${contractId}`;
      if (this.byDeployment.has(key)) this.dirty.set(key, { node, contractId });
    });
  }

  private forget(node: number, contractId: number): void {
    const key = `${node}/${contractId}`;
    const before = this.byDeployment.get(key);
    if (before !== undefined) this.add(node, before, -1);
    this.byDeployment.delete(key);
    this.dirty.delete(key);
  }

  private touch(node: number, contractId: number): void {
    this.dirty.set(`${node}/${contractId}`, { node, contractId });
  }

  /** Brings the counts up to date with every deployment changed since the last call. */
  refresh(): void {
    for (const [key, { node, contractId }] of this.dirty) {
      const before = this.byDeployment.get(key);
      if (before !== undefined) this.add(node, before, -1);
      const now = this.tally(node, contractId);
      this.byDeployment.set(key, now);
      this.add(node, now, 1);
    }
    this.dirty.clear();
  }

  private add(node: number, t: DeploymentTally, sign: 1 | -1): void {
    this.ok += sign * t.ok;
    this.error += sign * t.error;
    this.runningVcpusByNode[node]! += sign * t.runningVcpus;
  }

  private tally(node: number, contractId: number): DeploymentTally {
    const t: DeploymentTally = { ok: 0, error: 0, runningVcpus: 0 };
    for (const { workload: w, result } of this.ctx.world.provision.storedWorkloads(node, contractId) ?? []) {
      if (result.state === 'ok') t.ok++;
      else if (result.state === 'error') t.error++;
      // zos does not take CPU from a node's free capacity; the vCPUs of running machines stand for it.
      if (w.type === 'zmachine' && result.state === 'ok') t.runningVcpus += (w.data as { compute_capacity: { cpu: number } }).compute_capacity.cpu;
    }
    return t;
  }
}

/**
 * Every job of the scheduler is one operation, the workload client's and the reconciler's alike:
 * queued, first started, finished. A job that made a contract names the contract's node.
 */
function reportJobs(ctx: RunContext, observer: RunObserver): void {
  const started = new Map<string, { submittedS: number; startedS: number | undefined }>();
  ctx.testbed.on((e) => {
    if (e.kind === 'queued') started.set(e.id, { submittedS: e.atS, startedS: undefined });
    else if (e.kind === 'active') {
      const job = started.get(e.id);
      if (job !== undefined) job.startedS ??= e.atS;
    } else if (e.kind === 'completed' || e.kind === 'failed') {
      const job = started.get(e.id);
      started.delete(e.id);
      const contractId = (e.result?.value as { contractId?: unknown } | undefined)?.contractId;
      const node = typeof contractId === 'number' ? ctx.world.chain.get(contractId)?.node : undefined;
      const submittedS = job?.submittedS ?? e.atS;
      observer.operation({ id: e.id, kind: e.op, submittedS, startedS: job?.startedS ?? submittedS, finishedS: e.atS, state: e.kind === 'completed' ? 'ok' : 'error', ...(node === undefined ? {} : { node }) });
    }
  });
}

/**
 * Wires `observer` to a run and returns the full sampler the runner calls between slices. A full
 * sample is O(nodes + deployments changed since the last one), so it runs only then; a power change
 * between slices re-sends the last resource figures with the node counts updated, which costs O(1).
 */
export function attachObserver(ctx: RunContext, observer: RunObserver): () => void {
  const { world } = ctx;
  const { grid, sim } = world;
  const farmNames = ctx.scenario.grid.farms.map((f) => f.name);
  let nodesDown = 0;
  let last: GridSnapshot | undefined;
  const network = usesNetwork(ctx.scenario);
  // Registered before the operation listener below, as the sampler used to read deployments first.
  const workloads = new WorkloadTallies(ctx);
  for (let node = 0; node < grid.nodeCount; node++) {
    const t = grid.total(node);
    observer.node(sim.nowS, { id: node, up: true, farm: farmNames[grid.farmOf(node)]!, template: grid.template(node).name, capacity: { cru: t.cru, mruBytes: t.mruBytes, sruBytes: t.sruBytes, hruBytes: t.hruBytes } });
  }
  grid.onPower((node, event) => {
    if (event === 'reboot') return;
    nodesDown += event === 'off' ? 1 : -1;
    observer.node(sim.nowS, { id: node, up: event !== 'off' });
    observer.event(sim.nowS, event === 'off' ? 'node-down' : 'node-up');
    if (last !== undefined) observer.sample(sim.nowS, (last = { ...last, nodesUp: grid.nodeCount - nodesDown, nodesDown }));
  });
  ctx.counted.push((kind) => observer.event(sim.nowS, kind));
  reportJobs(ctx, observer);
  // Between slices a change re-sends the last figures with it, as a power change does: O(1).
  const deployments = trackDeployments(ctx, (d) => {
    if (last !== undefined) observer.sample(sim.nowS, (last = { ...last, deployments: d }));
  });
  return () => {
    workloads.refresh();
    const { used, total } = capacityOnNodesUp(grid.table, workloads.runningVcpusByNode);
    const { ok: workloadsOk, error: workloadsError } = workloads;
    let queueDepth = 0;
    for (const node of workloads.nodes) queueDepth += world.provision.queuedJobs(node);
    const zstor = storageTally(ctx);
    last = { used, total, nodesUp: grid.nodeCount - nodesDown, nodesDown, workloadsOk, workloadsError, queueDepth, zstorObjectsDegraded: zstor.degraded, zstorStoredBytes: zstor.storedBytes, ...(network ? { net: world.net.stats() } : {}) };
    const d = deployments();
    if (d !== undefined) last = { ...last, deployments: d };
    observer.sample(sim.nowS, last);
  };
}
