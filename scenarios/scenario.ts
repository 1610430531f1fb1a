// The scenario a user writes (TypeScript object or JSON): grid, workload, faults, client actions,
// invariants, duration and seed. Leaves out validation (compile.ts) and running (runner.ts).

import type { DistributionSpec } from '../sim/engine/distributions.js';
import type { GridSpec } from '../sim/grid/grid-spec.js';

/** Seconds, or a string with a unit: "90", "15m", "2h", "14d", "1y" (365.25 days). */
export type DurationInput = number | string;

/** A group of deployments, all alike, arriving at `atS` and then every `intervalS` (tfrobot's groups). */
export interface DeploymentGroupSpec {
  /** Unique in the scenario; faults, actions and invariants refer to the group by it. */
  readonly name: string;
  /**
   * vm = network + zmount + zmachine (the example document); vm-pair = two zmachines; zdb = one
   * namespace; qsfs = a qsfs frontend over the namespaces of a zdb group (4 metadata, the rest data).
   */
  readonly kind: 'vm' | 'vm-pair' | 'zdb' | 'qsfs';
  readonly count?: number;
  /** A pinned node; otherwise each instance goes to a random node that is on and has room. */
  readonly node?: number;
  readonly atS?: DurationInput;
  readonly intervalS?: DistributionSpec;
  readonly cpu?: number;
  readonly memoryBytes?: number;
  /** For vm-pair: each VM takes this share of the node's total memory (DOMAIN 5.7). */
  readonly memoryFraction?: number;
  /** zmount size for vm, namespace size for zdb. */
  readonly diskBytes?: number;
  readonly twin?: number;
  /** qsfs: the zdb group holding its backends, the erasure code, and the files written through it. */
  readonly backends?: string;
  readonly minimalShards?: number;
  readonly expectedShards?: number;
  readonly writeEveryS?: DistributionSpec;
  readonly fileBytes?: number;
  /** DOMAIN 5.6: the document does not match its contract. */
  readonly tamper?: 'hash' | 'wrong-node' | 'no-contract';
  /**
   * tfrobot's node group (scenarios/tfrobot.ts): the client picks the nodes itself, as tfrobot does
   * through grid proxy, and sends each deployment to one of them in turn, instead of the scheduler placing it.
   */
  readonly nodeGroup?: NodeGroupFilter;
}

/** tfrobot's node_groups entry in our units; groups naming the same `name` share its nodes. */
export interface NodeGroupFilter {
  readonly name: string;
  readonly nodesCount: number;
  /** tfrobot filters on total CRU, not free (grid proxy's total_cru). */
  readonly minTotalCpu: number;
  readonly minFreeMemoryBytes: number;
  readonly minFreeSsdBytes: number;
  readonly minFreeHddBytes: number;
  readonly publicIpv4: boolean;
  readonly certified: boolean;
  readonly region?: string;
}

/** Faults are data: the runner turns each into simulation events; none of them is a model's code. */
export type FaultSpec =
  | { readonly kind: 'crash'; readonly node?: number; readonly group?: string; readonly atS: DurationInput; readonly repairAfterS?: DurationInput }
  | { readonly kind: 'reboot'; readonly node: number; readonly atS: DurationInput }
  | { readonly kind: 'fail-ssd'; readonly group?: string; readonly node?: number; readonly pool?: number; readonly atS: DurationInput }
  | { readonly kind: 'fail-hdd'; readonly node: number; readonly disk: number; readonly atS: DurationInput }
  /** The HDD under instance `index` of a zdb group dies (DOMAIN 5.9 when zstor uses it). */
  | { readonly kind: 'fail-zdb'; readonly group: string; readonly index: number; readonly atS: DurationInput }
  | { readonly kind: 'hub-outage'; readonly atS: DurationInput; readonly durationS?: DurationInput }
  /** A farm cut off: for now every node of it crashes, and all come back together. */
  | { readonly kind: 'partition'; readonly farm: string; readonly atS: DurationInput; readonly durationS: DurationInput }
  | { readonly kind: 'node-failures'; readonly timeToFailureS: DistributionSpec; readonly timeToRepairS: DistributionSpec }
  | { readonly kind: 'correlated'; readonly intervalS: DistributionSpec; readonly durationS: DistributionSpec; readonly fraction: DistributionSpec; readonly farm?: string }
  /** Field rates over every disk of the grid, sampled lazily; a failed slot is replaced after `replaceAfterS`. */
  | { readonly kind: 'disk-failures'; readonly hddAfr?: number; readonly ssdAfr?: number; readonly replaceAfterS?: DistributionSpec }
  /** One underlay link cut (ids as world.net.links() lists them), healed after `durationS` or at the liveness phase. */
  | { readonly kind: 'link-cut'; readonly a: number; readonly b: number; readonly atS: DurationInput; readonly durationS?: DurationInput }
  /** A real network partition: every underlay link between these farms' sites and the rest is cut; nodes stay on. */
  | { readonly kind: 'partition-farms'; readonly farms: readonly string[]; readonly atS: DurationInput; readonly durationS?: DurationInput }
  /** The Planetary Network's root node at `atS` powers off (it comes back at the liveness phase). */
  | { readonly kind: 'planetary-root-loss'; readonly atS: DurationInput };

/** What clients and the chain do: not faults, but timed events of the safety phase all the same. */
export type ActionSpec =
  | { readonly kind: 'cancel'; readonly group: string; readonly atS: DurationInput }
  | { readonly kind: 'unfund'; readonly twin: number; readonly atS: DurationInput; readonly topUpAfterS?: DurationInput }
  | { readonly kind: 'update'; readonly group: string; readonly change: 'zmachine' | 'shrink-zdb'; readonly atS: DurationInput };

export type InvariantSpec =
  /** Safety: a workload of the group's first instance is in `state` at `atS` (default: end of the safety phase). */
  | { readonly kind: 'workload-state'; readonly group: string; readonly workload: string; readonly state: string; readonly messageMatches?: string; readonly atS?: DurationInput }
  | { readonly kind: 'deployment-removed'; readonly group: string; readonly atS?: DurationInput }
  | { readonly kind: 'node-status'; readonly node: number; readonly status: 'up' | 'down' | 'standby'; readonly atS: DurationInput }
  /** Safety: an update the node must refuse at once was refused. */
  | { readonly kind: 'update-refused'; readonly group: string }
  /** Safety, watched on every change: error and deleted are terminal (DOMAIN 2.4). */
  | { readonly kind: 'errors-terminal' }
  /** Safety, checked every minute: no node's free capacity is negative or above its total. */
  | { readonly kind: 'capacity-bounds' }
  /** Safety: at most this share of nodes is down at any check (the fault atlas's promise). */
  | { readonly kind: 'max-down-fraction'; readonly fraction: number }
  /** Safety: observed disk failures agree with the AFR (Poisson, 4 sigma). */
  | { readonly kind: 'disk-afr' }
  /** Safety: no zstor object of the qsfs group became unrecoverable. */
  | { readonly kind: 'zstor-no-loss'; readonly group: string }
  /** Liveness: the repair sweep has put every object back on expected_shards healthy backends. */
  | { readonly kind: 'zstor-redundant'; readonly group: string }
  /** Safety (DOMAIN 5.12): a dead frontend loses only files written within `windowS` before it died. */
  | { readonly kind: 'qsfs-loss-window'; readonly group: string; readonly windowS: DurationInput }
  /** Liveness: every node on, no queued job, no workload left in init. */
  | { readonly kind: 'converged' }
  /** Liveness: nodes without deployments have all their memory and HDD back. */
  | { readonly kind: 'capacity-released' }
  /** Liveness: at least this share of the group's live deployments is entirely ok (default all groups). */
  | { readonly kind: 'deployments-ok'; readonly group?: string; readonly minFraction?: number }
  /** Liveness (needs probes): the share of probes delivered over the last poll window is at least `min`. */
  | { readonly kind: 'planetary-delivery'; readonly min: number }
  /** Safety (needs probes): in some window of the safety phase the delivered share fell below `below`. */
  | { readonly kind: 'planetary-delivery-dips'; readonly below: number }
  /** Safety: the underlay is in at least `min` (and at most `max`) extra pieces at `atS`. */
  | { readonly kind: 'network-partitions'; readonly atS: DurationInput; readonly min?: number; readonly max?: number }
  /** Liveness: the underlay is in one piece again and no link is left cut. */
  | { readonly kind: 'no-partition-at-end' }
  /** Safety, at `atS` (default: end of the safety phase): the share of sampled overlay paths with the root as a transit hop is within min..max. */
  | { readonly kind: 'root-path-share'; readonly min?: number; readonly max?: number; readonly atS?: DurationInput };

/** Planetary probe traffic: every `intervalS` of virtual time, `pairs` random node pairs routed over the overlay. */
export interface ProbeSpec {
  readonly intervalS: DurationInput;
  readonly pairs: number;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly seed?: string | number;
  /** A named grid of scenarios/grids.ts, or a spec: farms × templates × counts. */
  readonly grid: string | GridSpec;
  /** The safety phase: faults on. */
  readonly durationS: DurationInput;
  /** The liveness phase: faults off, everything repaired; invariants must hold within this bound. */
  readonly convergeWithinS?: DurationInput;
  /** Devices fail by their own AFR (default false: only the faults listed happen). */
  readonly armDeviceFailures?: boolean;
  /**
   * The scheduler's reconciler heals the grid (re-places deployments of lost nodes, repairs zstor,
   * re-applies Z-Nets); default true. False shows what zos does alone.
   */
  readonly reconcile?: boolean;
  readonly workload?: readonly DeploymentGroupSpec[];
  readonly faults?: readonly FaultSpec[];
  readonly actions?: readonly ActionSpec[];
  readonly invariants: readonly InvariantSpec[];
  /** Planetary probes from t = 0 (world.net.startProbes); network invariants on delivery need them. */
  readonly probes?: ProbeSpec;
  /** Metrics for the summary: any of reportMetrics below. Default all. */
  readonly report?: readonly string[];
}

export const reportMetrics = ['nodeFailures', 'diskFailures', 'availability', 'deployments', 'healing', 'storage'] as const;
