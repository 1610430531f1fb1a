// The port between a node's provision engine and the primitives: one manager per workload type,
// doing the type's work on a node (zos's pkg/primitives). The engine owns order, state and history.

import type { SimEvent } from '../../engine/events.js';
import type { Rng } from '../../engine/rng.js';
import type { Simulation } from '../../engine/simulation.js';
import { ZosError, ErrorCode } from '../../errors.js';
import type { Deployment, Workload, WorkloadType } from '../deployment.js';
import type { Capacity, GridNodeApi } from '../node-api.js';

/** What a manager may use: the node it runs on, the grid, the clock, its own RNG stream. */
export interface ManagerContext {
  readonly sim: Simulation;
  readonly grid: GridNodeApi;
  readonly node: number;
  readonly rng: Rng;
  /** The global workload id `<twin>-<contract>-<name>`, as zos names devices and namespaces. */
  workloadId(deployment: Deployment, workload: Workload): string;
}

/** A workload that failed for a reason zos reports in its result message. */
export class WorkloadError extends ZosError {
  constructor(message: string) {
    super(ErrorCode.badInput, message);
  }
}

/**
 * Each method returns an event that succeeds with the result `data` (the JSON zos puts in the
 * workload's result) or fails with a WorkloadError whose message becomes the result message.
 * Managers must be idempotent: provisioning something that exists already succeeds at once
 * (reboot re-runs rely on it).
 */
export interface WorkloadManager {
  readonly type: WorkloadType;
  /** What the workload reserves while ok or paused. */
  capacity(workload: Workload): Capacity;
  provision(ctx: ManagerContext, deployment: Deployment, workload: Workload): SimEvent<unknown>;
  deprovision(ctx: ManagerContext, deployment: Deployment, workload: Workload): SimEvent<unknown>;
  /** Only for updatable types (zmount, volume, network, zdb, qsfs). */
  update?(ctx: ManagerContext, deployment: Deployment, previous: Workload, next: Workload): SimEvent<unknown>;
  pause?(ctx: ManagerContext, deployment: Deployment, workload: Workload): SimEvent<unknown>;
  resume?(ctx: ManagerContext, deployment: Deployment, workload: Workload): SimEvent<unknown>;
}

export type ManagerRegistry = Readonly<Partial<Record<WorkloadType, WorkloadManager>>>;
