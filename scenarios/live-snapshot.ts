// What a live run looks like at one instant: node states by farm, workload states, storage at risk,
// queue depth. Leaves out history (the TUI keeps its sparklines) and any layout decision.

import { PowerTarget } from '../sim/grid/node-table.js';
import type { World } from '../sim/grid/world.js';
import type { NetworkStats } from '../sim/network/grid-network.js';
import type { DeploymentAvailability } from './availability.js';
import type { HealingAction, HealingState, JobTally, QueueCounts } from './job-tally.js';
import type { RunContext } from './run-context.js';
import type { HealingCounts } from './scenario-run.js';
import { storageTally } from './storage-tally.js';

/** What a snapshot reads: a LiveRun is one (named by shape, so that the two modules form no cycle). */
export interface SnapshotSource {
  readonly seed: string;
  readonly world: World;
  readonly ctx: RunContext;
  readonly jobs: JobTally;
  readonly run: { readonly availability: DeploymentAvailability; readonly healing: HealingCounts };
}

/** Down nodes listed by number, at most this many (the count is always exact). */
const downNodesListed = 40;

/** Per node: 0 up, 1 standby (the farmer powered it down), 2 down (crashed). */
export const NodeState = { up: 0, standby: 1, down: 2 } as const;

export interface FarmView {
  readonly name: string;
  readonly firstNode: number;
  readonly up: number;
  readonly standby: number;
  readonly down: number;
  /** One NodeState per node of the farm; the view decides whether it has room to draw them. */
  readonly states: Uint8Array;
}

export interface LiveSnapshot {
  readonly scenario: string;
  readonly seed: string;
  readonly nowS: number;
  readonly phase: 'safety' | 'liveness';
  readonly phaseNote: string;
  readonly events: number;
  readonly nodes: { readonly total: number; readonly up: number; readonly standby: number; readonly down: number };
  readonly farms: readonly FarmView[];
  readonly deployments: number;
  readonly unplaced: number;
  readonly workloads: { readonly ok: number; readonly error: number; readonly paused: number; readonly init: number; readonly deleted: number };
  /** zstor objects behind the scenario's qsfs instances; `present` is false when it has none. */
  readonly storage: { readonly present: boolean; readonly objects: number; readonly degraded: number; readonly lost: number; readonly diskFailures: number };
  readonly queueDepth: number;
  readonly hubUp: boolean;
  /** Deployments available now (node up, contract active, every workload ok) of those that came up once. */
  readonly availability: { readonly fraction: number; readonly counted: number; readonly unavailable: number; readonly hoursLost: number };
  /** The scheduler's queue (jobs of the workload client and of the reconciler). */
  readonly jobs: QueueCounts;
  /** The reconciler's actions by state, the newest first, and its totals. */
  readonly healing: { readonly counts: Readonly<Record<HealingState, number>>; readonly recent: readonly HealingAction[] } & HealingCounts;
  /** The first down (crashed) nodes by number. */
  readonly downNodes: readonly number[];
  /** Only for scenarios that use the network (world.net is never built for the others). */
  readonly network?: NetworkView;
}

/** world.net as the network panel shows it; fractions are NaN when nothing was measured. */
export interface NetworkView {
  /** Probes delivered / routed since the previous snapshot, and over the whole run. */
  readonly deliveredFractionRecent: number;
  readonly deliveredFraction: number;
  readonly probesRouted: number;
  readonly meanStretch: number;
  readonly partitions: number;
  readonly linksDown: number;
  readonly gatewayRequests: number;
  readonly gatewayOkFraction: number;
  readonly znets: number;
  readonly znetMembersCutOff: number;
}

/** The view of `now`, with the recent delivery taken over the probes since `before` (the previous snapshot's stats). */
export function networkView(now: NetworkStats, before: NetworkStats | undefined): NetworkView {
  const ratio = (part: number, whole: number): number => (whole > 0 ? part / whole : NaN);
  return {
    deliveredFractionRecent: ratio(now.probesDelivered - (before?.probesDelivered ?? 0), now.probesRouted - (before?.probesRouted ?? 0)),
    deliveredFraction: ratio(now.probesDelivered, now.probesRouted),
    probesRouted: now.probesRouted,
    meanStretch: now.meanStretch,
    partitions: now.partitions,
    linksDown: now.linksDown,
    gatewayRequests: now.gatewayRequests,
    gatewayOkFraction: ratio(now.gatewayOk, now.gatewayRequests),
    znets: now.znets,
    znetMembersCutOff: now.znetMembersCutOff,
  };
}

/**
 * O(nodes + workloads + zstor objects): cheap next to a slice of simulation at the TUI's rate (a few
 * milliseconds at 10,000 nodes), and computed only when the TUI asks.
 */
export function liveSnapshot(run: SnapshotSource, phaseNote: string, network?: NetworkView): LiveSnapshot {
  const { world, ctx } = run;
  const { grid } = world;
  const t = grid.table;
  const nodes = { total: grid.nodeCount, up: 0, standby: 0, down: 0 };
  const farms: FarmView[] = [];
  for (let f = 0; f < grid.farms.farmCount; f++) {
    const first = grid.farms.firstNode[f]!;
    const states = new Uint8Array(grid.farms.firstNode[f + 1]! - first);
    const counts = [0, 0, 0];
    for (let i = 0; i < states.length; i++) {
      const n = first + i;
      const s = t.failed[n] === 1 ? NodeState.down : t.powerTarget[n] === PowerTarget.down ? NodeState.standby : NodeState.up;
      states[i] = s;
      counts[s]!++;
    }
    farms.push({ name: grid.farms.names[f]!, firstNode: first, up: counts[0]!, standby: counts[1]!, down: counts[2]!, states });
    nodes.up += counts[0]!;
    nodes.standby += counts[1]!;
    nodes.down += counts[2]!;
  }

  const downNodes: number[] = [];
  for (let n = 0; n < grid.nodeCount && downNodes.length < downNodesListed; n++) if (t.failed[n] === 1) downNodes.push(n);
  const workloads = { ok: 0, error: 0, paused: 0, init: 0, deleted: 0 };
  const busyNodes = new Set<number>();
  for (const inst of ctx.instances) {
    busyNodes.add(inst.node);
    for (const w of world.provision.deployment(inst.node, inst.contractId)?.workloads ?? []) {
      const state = w.result?.state ?? 'init';
      if (state === 'ok' || state === 'error' || state === 'paused' || state === 'deleted') workloads[state]++;
      else workloads.init++;
    }
  }
  let queueDepth = 0;
  for (const node of busyNodes) queueDepth += world.provision.queuedJobs(node);

  return {
    scenario: ctx.scenario.name,
    seed: run.seed,
    nowS: world.sim.nowS,
    phase: ctx.phase,
    phaseNote,
    events: world.sim.eventCount,
    nodes,
    farms,
    deployments: ctx.instances.length,
    unplaced: ctx.unplaced,
    workloads,
    storage: storage(run),
    queueDepth,
    hubUp: world.hub.isUp,
    availability: availabilityView(run.run.availability),
    jobs: run.jobs.queue(),
    healing: { ...run.jobs.healingView(), ...run.run.healing },
    downNodes,
    ...(network === undefined ? {} : { network }),
  };
}

function storage(run: SnapshotSource): LiveSnapshot['storage'] {
  const { present, objects, degraded, lost } = storageTally(run.ctx);
  return { present, objects, degraded, lost, diskFailures: run.ctx.diskFailures };
}

function availabilityView(a: DeploymentAvailability): LiveSnapshot['availability'] {
  const f = a.figures();
  return { fraction: a.fractionNow(), counted: f.counted, unavailable: f.unavailable, hoursLost: f.hoursLost };
}
