// What the reconciler reads (observations), writes (operations, through a submit function) and keeps
// (an audit log). Types and option defaults only; the control loop is in reconciler.ts.

import type { Deployment, Operation, OperationResult } from '../../workers/operations.js';
import type { Placement, PlacementRequest } from '../placement/capacity-record.js';

/** A node's status and since when it has held it (seconds on the driver's clock). */
export interface NodeObservation {
  readonly kind: 'node';
  readonly node: number;
  readonly up: boolean;
  readonly sinceS: number;
}

export interface WorkloadObservation {
  readonly name: string;
  readonly type: string;
  readonly state: string;
}

/** A deployment as seen on its node, under its contract. */
export interface DeploymentObservation {
  readonly kind: 'deployment';
  readonly contractId: number;
  readonly node: number;
  readonly deployment: Deployment;
  readonly workloads?: readonly WorkloadObservation[];
}

export interface DeploymentGone {
  readonly kind: 'deployment.gone';
  readonly contractId: number;
}

/** A Z-Net whose hidden members reach the others only through `accessNode`. */
export interface ZNetObservation {
  readonly kind: 'znet';
  readonly network: string;
  readonly accessNode: number;
  readonly members: readonly number[];
  /** Members that run an older mesh: a re-apply brings them up to date. */
  readonly staleMembers: readonly number[];
}

export type Observation = NodeObservation | DeploymentObservation | DeploymentGone | ZNetObservation;

/** The part of the capacity index the reconciler uses (CapacityIndex implements it). */
export interface Placer {
  place(request: PlacementRequest): Placement | undefined;
  reserve(p: Placement): void;
  release(p: Placement): void;
  setUp(node: number, up: boolean): void;
}

export type AuditReason =
  | 'node-lost'
  | 'replace'
  | 'replaced'
  | 'no-capacity'
  | 'submit-failed'
  | 'create-failed'
  | 'cleanup'
  | 'delete-done'
  | 'delete-failed'
  | 'zstor-repair'
  | 'znet-reapply'
  | 'znet-reapply-failed'
  | 'gave-up';

export interface AuditEntry {
  readonly atS: number;
  readonly reason: AuditReason;
  readonly contractId?: number;
  readonly node?: number;
  readonly network?: string;
  /** On a 'replaced' entry: the contract of the copy that now runs instead of `contractId` (on `node`). */
  readonly toContractId?: number;
  readonly detail: string;
  readonly ops: readonly Operation[];
}

export interface ReconcilerOptions {
  /** A node down at least this long is lost and its deployments move (default 900 s = 15 min). */
  readonly downThresholdS?: number;
  /** At most this many re-placements per `rateIntervalS` window (default 10 per 60 s). */
  readonly maxActionsPerInterval?: number;
  readonly rateIntervalS?: number;
  /** After the n-th failed attempt on a contract, wait backoffBaseS · 2^(n−1), capped (default 60 s, 3600 s). */
  readonly backoffBaseS?: number;
  readonly backoffMaxS?: number;
  /** A deployment moved here is not moved again for this long (default 3600 s). */
  readonly holdDownS?: number;
  /** Failed attempts on one contract before the controller gives it up (audited; default 6). */
  readonly maxAttempts?: number;
  /**
   * Nodes a re-placement of this deployment must not use, besides the one it left: the client's own
   * constraints that capacity alone does not show (a tfrobot node group's region, certification or
   * public IPv4), so that healing keeps what the first placement honoured. None by default.
   */
  readonly excludeNodesFor?: (deployment: Deployment) => readonly number[];
}

export type CompiledReconcilerOptions = Required<ReconcilerOptions>;

const noExclusions = (): readonly number[] => [];

export function compileReconcilerOptions(o: ReconcilerOptions = {}): CompiledReconcilerOptions {
  const compiled = {
    downThresholdS: o.downThresholdS ?? 900,
    maxActionsPerInterval: o.maxActionsPerInterval ?? 10,
    rateIntervalS: o.rateIntervalS ?? 60,
    backoffBaseS: o.backoffBaseS ?? 60,
    backoffMaxS: o.backoffMaxS ?? 3600,
    holdDownS: o.holdDownS ?? 3600,
    maxAttempts: o.maxAttempts ?? 6,
  };
  for (const [field, value] of Object.entries(compiled)) {
    if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`reconciler options: ${field} must be a non-negative number, got ${value}`);
  }
  if (compiled.maxAttempts < 1) throw new RangeError(`reconciler options: maxAttempts must be at least 1, got ${compiled.maxAttempts}`);
  return { ...compiled, excludeNodesFor: o.excludeNodesFor ?? noExclusions };
}

/** Where operations go: a Transport's submit, or anything that queues them. A throw is a failed attempt. */
export type Submit = (op: Operation) => unknown;

export type { OperationResult };
