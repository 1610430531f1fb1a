// The operations people queue, as plain JSON-serialisable types: deployments, primitive operations
// and faults. Types only; validation of untrusted JSON lives in scheduler/operations/.

import type { Deployment } from '../sim/grid/deployment.js';

export type { Deployment };

/** Fields every operation may carry. */
export interface OperationBase {
  /** Unique per submission; the transport assigns one when absent. */
  readonly id?: string;
  /** A retried job with the same key applies once (e.g. `<workload id>@<version>`). */
  readonly idempotencyKey?: string;
  /** Virtual (or wall, on hosts) seconds to wait before running. */
  readonly delayS?: number;
  /** Lower runs first among jobs due at the same time (BullMQ's convention). */
  readonly priority?: number;
  /** Attempts before the job fails for good (default 3), with exponential backoff. */
  readonly attempts?: number;
}

export interface DeploymentCreate extends OperationBase {
  readonly kind: 'deployment.create';
  /** The node; omitted ⇒ the scheduler's placement picks one. */
  readonly node?: number;
  /**
   * Our extension, for placement only: deployments naming the same group go to distinct nodes while
   * any fits (a client spreading zstor backends or replicas so that one node's loss is one copy's).
   */
  readonly spreadGroup?: string;
  readonly deployment: Deployment;
}
export interface DeploymentUpdate extends OperationBase {
  readonly kind: 'deployment.update';
  readonly contractId: number;
  readonly deployment: Deployment;
}
export interface DeploymentRef extends OperationBase {
  readonly kind: 'deployment.delete' | 'deployment.pause' | 'deployment.resume';
  readonly contractId: number;
}

/** A zdb namespace is named by its workload id `<twin>-<contract>-<name>`. */
export interface ZdbOp extends OperationBase {
  readonly kind: 'zdb.set' | 'zdb.get' | 'zdb.del' | 'zdb.history';
  readonly namespace: string;
  readonly key: string;
  /** For zdb.set: the value's size, and an optional tag standing for its content. */
  readonly sizeBytes?: number;
  readonly tag?: string;
}

/** zstor through a qsfs workload (named by its workload id). */
export interface ZstorOp extends OperationBase {
  readonly kind: 'zstor.store' | 'zstor.retrieve' | 'zstor.check';
  readonly qsfs: string;
  readonly path: string;
  readonly sizeBytes?: number;
}

export interface ZmachineOp extends OperationBase {
  readonly kind: 'zmachine.start' | 'zmachine.stop';
  readonly workloadId: string;
}

export interface CorexOp extends OperationBase {
  readonly kind: 'corex.list' | 'corex.start' | 'corex.kill';
  readonly workloadId: string;
  readonly command?: string;
  readonly pid?: number;
}

export interface FlistFetch extends OperationBase {
  readonly kind: 'flist.fetch';
  readonly node: number;
  readonly url: string;
}

export interface NodeFault extends OperationBase {
  readonly kind: 'node.powerOff' | 'node.powerOn' | 'node.crash' | 'node.repair';
  readonly node: number;
}
export interface DiskFault extends OperationBase {
  readonly kind: 'disk.fail';
  readonly node: number;
  readonly device: 'ssd' | 'hdd';
  readonly index: number;
}
export interface HubFault extends OperationBase {
  readonly kind: 'hub.down' | 'hub.up';
}

/** Underlay link faults: `a` and `b` are underlay node ids (grid nodes first, then one site router per farm). */
export interface LinkFault extends OperationBase {
  readonly kind: 'link.cut' | 'link.heal';
  readonly a: number;
  readonly b: number;
}

/** Our reconciler's self-healing: re-apply a Z-Net (`<name>`, or `<twin>/<name>`), moving its access node off a dead one. */
export interface ZNetReapply extends OperationBase {
  readonly kind: 'znet.reapply';
  readonly network: string;
}

/** One HTTP request from a client to a gateway host name; answers the status and latency. */
export interface GatewayRequest extends OperationBase {
  readonly kind: 'gateway.request';
  readonly host: string;
}

export type Operation = DeploymentCreate | DeploymentUpdate | DeploymentRef | ZdbOp | ZstorOp | ZmachineOp | CorexOp | FlistFetch | NodeFault | DiskFault | HubFault
  | LinkFault | ZNetReapply | GatewayRequest;
export type OperationKind = Operation['kind'];

export const operationKinds = [
  'deployment.create', 'deployment.update', 'deployment.delete', 'deployment.pause', 'deployment.resume',
  'zdb.set', 'zdb.get', 'zdb.del', 'zdb.history',
  'zstor.store', 'zstor.retrieve', 'zstor.check',
  'zmachine.start', 'zmachine.stop',
  'corex.list', 'corex.start', 'corex.kill',
  'flist.fetch',
  'node.powerOff', 'node.powerOn', 'node.crash', 'node.repair', 'disk.fail', 'hub.down', 'hub.up',
  'link.cut', 'link.heal', 'znet.reapply', 'gateway.request',
] as const satisfies readonly OperationKind[];

/** Kinds the harness injects (Testbed's FaultInjector) rather than a worker running them as jobs. */
export const faultKinds = ['node.powerOff', 'node.powerOn', 'node.crash', 'node.repair', 'disk.fail', 'hub.down', 'hub.up', 'link.cut', 'link.heal'] as const;
export type FaultKind = (typeof faultKinds)[number];
export type FaultOperation = NodeFault | DiskFault | HubFault | LinkFault;

// A fault type added to Operation but not to faultKinds fails type checking here.
const everyFaultListed: Exclude<FaultOperation['kind'], FaultKind> extends never ? true : never = true;
void everyFaultListed;

const faultKindSet = new Set<string>(faultKinds);

export function isFaultOperation(op: Operation): op is FaultOperation {
  return faultKindSet.has(op.kind);
}

/** What a finished operation reports; `value` is JSON. */
export interface OperationResult {
  readonly state: 'ok' | 'failed';
  readonly value?: unknown;
  /** Stable error code and message when failed; `retryable` says whether another attempt may help. */
  readonly error?: { readonly code: string; readonly message: string; readonly retryable?: boolean };
}

/**
 * The node whose FIFO an operation joins (zos has one provision queue per node), or undefined when
 * it needs none (a placement decides first, or it is grid-wide).
 */
export function nodeOf(op: Operation): number | undefined {
  return 'node' in op && typeof op.node === 'number' ? op.node : undefined;
}
