// The reconciler inside the Testbed: a control step on the virtual clock every `intervalS` while
// there is work (jobs unfinished, or a deployment of a down node to move), fed from the backend.
// Leaves out the decisions (reconciler/) and how ticks hold the clock (the Testbed's owner reads).

import type { Backend, GridObserver, NodeWatch } from '../workers/backend.js';
import type { Deployment, Operation } from '../workers/operations.js';
import type { JobEvent } from './transport.js';
import type { VirtualClock } from './transports/inprocess-clock.js';
import { ContractsByNode } from './reconciler/contracts-by-node.js';
import { Reconciler } from './reconciler/reconciler.js';
import type { AuditEntry, Placer, ReconcilerOptions } from './reconciler/reconciler-types.js';
import type { OwnerRead } from './testbed-placement.js';

export interface TestbedReconcileOptions extends ReconcilerOptions {
  /** Seconds between control steps (default 60); steps fall on whole multiples of it. */
  readonly intervalS?: number;
}

export interface ReconcileLoopDeps {
  readonly clock: VirtualClock;
  readonly backend: Backend;
  readonly observer: GridObserver;
  /** Without one, every step reads every desired contract; with one, only those it has reason to. */
  readonly watch?: NodeWatch;
  readonly placer: Placer;
  /** Queues one operation at once (a synchronous throw counts as a failed attempt). */
  readonly submit: (op: Operation) => void;
  /** One control step, run as the owner: refresh placement, observe, then decide. */
  readonly step: (body: (read: OwnerRead) => Promise<void>) => Promise<void>;
  /** Jobs queued and not finished. */
  readonly unfinished: () => number;
  /** After every step: whoever waits for the loop to go quiet checks again. */
  readonly afterStep: () => void;
  readonly fail: (error: unknown) => void;
}

export class ReconcileLoop {
  readonly reconciler: Reconciler;
  private readonly intervalS: number;
  /** What was asked for: every contract a create made, with its latest document. */
  private readonly desired = new Map<number, Deployment>();
  /** Desired contracts by the node they were last seen on. */
  private readonly seenOn = new ContractsByNode();
  /** Desired contracts learnt or changed since the last observation: read at the next one. */
  private readonly unseen = new Set<number>();
  /** Deployment operations by job id, to learn contracts and documents from their results. */
  private readonly deploymentOps = new Map<string, Operation>();
  /** Nodes last seen down: watched until they are seen up again. */
  private readonly down = new Set<number>();
  private armed = false;
  private stopped = false;
  /** A node changed since the last step: the next step looks even if nothing else is pending. */
  private nodesChanged = false;
  /** Z-Nets the last observation read; -1 before the first. */
  private znetsSeen = -1;

  constructor(private readonly deps: ReconcileLoopDeps, options: TestbedReconcileOptions = {}) {
    const { intervalS = 60, ...reconcilerOptions } = options;
    if (!(Number.isFinite(intervalS) && intervalS > 0)) throw new RangeError(`reconcile options: intervalS must be > 0, got ${intervalS}`);
    this.intervalS = intervalS;
    this.reconciler = new Reconciler(deps.submit, deps.placer, reconcilerOptions);
  }

  get auditLog(): readonly AuditEntry[] {
    return this.reconciler.auditLog;
  }

  /** True while a step may still do something: jobs run, the reconciler waits on one, or a move is due. */
  busy(): boolean {
    return this.nodesChanged || this.deps.unfinished() > 0 || this.reconciler.pendingOps > 0 || this.reconciler.nextActionS() !== undefined;
  }

  /**
   * The grid says a node went down or came back (a watch, as an operator's monitoring gives): the
   * next step, on the usual cadence, observes it. Nothing is read now. A node that holds nothing the
   * reconciler could act on wakes no step (see quietNode); the watch keeps it as changed, so the next
   * step that runs for another reason reads its status.
   */
  nodeChanged(node?: number): void {
    if (node !== undefined && this.quietNode(node)) return;
    this.nodesChanged = true;
    this.arm();
  }

  /**
   * Whether a change of `node` can wait for a later step: with a watch, once the Z-Nets are known to
   * be none, and while no desired or tracked contract is on the node. Its observation then only
   * updates what the reconciler knows of a node on which it would do nothing: a lost node without
   * contracts yields no re-placement and no zstor repair (repairs start from the lost node's zdb
   * contracts), and placement reads the node's power from its own capacity view. On a year of a
   * 10k-node grid most power changes are of such nodes, and each one woke a full step (a placement
   * refresh, reads and a tick) that decided nothing; what goes is an audit 'node-lost' entry, with
   * no operation, for an empty node whose loss no step happened to see.
   */
  private quietNode(node: number): boolean {
    return this.deps.watch !== undefined && this.znetsSeen === 0 && this.seenOn.on(node).size === 0 && !this.reconciler.holdsOn(node);
  }

  /** A deployment operation was queued under this job id. */
  submitted(jobId: string, op: Operation): void {
    if (op.kind.startsWith('deployment.')) this.deploymentOps.set(jobId, op);
  }

  /** Every job event: results teach the desired state and reach the reconciler. */
  onEvent(event: JobEvent): void {
    if (event.kind === 'queued') this.arm();
    if (event.kind !== 'completed' && event.kind !== 'failed') return;
    const op = this.deploymentOps.get(event.id);
    this.deploymentOps.delete(event.id);
    const result = event.result ?? { state: 'failed' as const };
    if (op !== undefined && result.state === 'ok') {
      const contractId = (result.value as { contractId?: unknown } | undefined)?.contractId;
      if (op.kind === 'deployment.create' && typeof contractId === 'number') this.want(contractId, op.deployment);
      if (op.kind === 'deployment.update') this.want(op.contractId, op.deployment);
      if (op.kind === 'deployment.delete') {
        this.forget(op.contractId);
        this.reconciler.observe({ kind: 'deployment.gone', contractId: op.contractId });
      }
    }
    this.reconciler.onResult(event.id, result, this.deps.clock.nowS);
  }

  /**
   * Reads what the reconciler needs from the backend, in a fixed order: desired contracts (where
   * they are, their workloads' states), the Z-Nets and their access nodes, then the status of every
   * node holding one of those or seen down. With a watch, the contracts are those new or changed
   * since the last look and those on nodes down or changed (the reconciler acts on no others);
   * without one, every desired contract.
   */
  async observe(read: OwnerRead): Promise<void> {
    // With no job unfinished, no job's backend call can fall between two of these reads, so they
    // share one call through the gate: the same values in the same order, without a gate turn (a
    // held call, its promise and a sort) per contract and per node, the largest allocator of a year.
    if (this.deps.unfinished() === 0) return read(() => this.observeWith((fn) => fn()));
    return this.observeWith(read);
  }

  private async observeWith(read: OwnerRead): Promise<void> {
    const { backend, observer, watch } = this.deps;
    this.nodesChanged = false;
    // With a watch, a node down stays as last read until the watch says it changed.
    const nodes = new Set(watch === undefined ? this.down : await read(async () => watch.changed()));
    for (const contractId of this.contractsToRead(nodes)) {
      const seen = await read(() => backend.deployment(contractId));
      if (seen === undefined) {
        this.forget(contractId);
        this.reconciler.observe({ kind: 'deployment.gone', contractId });
        continue;
      }
      const workloads = seen.workloads.map(({ name, type, state }) => ({ name, type, state }));
      this.reconciler.observe({ kind: 'deployment', contractId, node: seen.node, deployment: this.desired.get(contractId)!, workloads });
      this.seenOn.set(contractId, seen.node);
      nodes.add(seen.node);
    }
    const znets = await read(() => observer.znets());
    this.znetsSeen = znets.length;
    for (const znet of znets) {
      this.reconciler.observe({ kind: 'znet', ...znet });
      nodes.add(znet.accessNode);
    }
    for (const node of [...nodes].sort((a, b) => a - b)) {
      const status = await read(() => observer.nodeStatus(node));
      this.reconciler.observe({ kind: 'node', node, up: status.up, sinceS: status.sinceS });
      if (status.up) this.down.delete(node);
      else this.down.add(node);
    }
  }

  /** Ascending: the unseen contracts and those last seen on `nodes`; every desired one without a watch. */
  private contractsToRead(nodes: ReadonlySet<number>): number[] {
    if (this.deps.watch === undefined) return [...this.desired.keys()].sort((a, b) => a - b);
    const ids = new Set(this.unseen);
    this.unseen.clear();
    for (const node of nodes) for (const id of this.seenOn.on(node)) ids.add(id);
    return [...ids].sort((a, b) => a - b);
  }

  private want(contractId: number, deployment: Deployment): void {
    this.desired.set(contractId, deployment);
    this.unseen.add(contractId);
  }

  private forget(contractId: number): void {
    this.desired.delete(contractId);
    this.unseen.delete(contractId);
    this.seenOn.delete(contractId);
  }

  /**
   * Whether a step at `nowS` would read nothing and decide nothing, so that it may be skipped: on a
   * year of a grid where nodes fail every few minutes the loop stays busy (a deployment waits out a
   * node's down threshold) and most steps were such. Needs a watch: then a step reads only what the
   * watch says changed (nothing, when no node changed), contracts learnt since the last step (none)
   * and the Z-Nets (none, the last time it looked; one can only appear through a job, which counts).
   */
  private idleStep(nowS: number): boolean {
    return (
      this.deps.watch !== undefined && !this.nodesChanged && this.unseen.size === 0 && this.znetsSeen === 0 &&
      this.deps.unfinished() === 0 && this.reconciler.pendingOps === 0 && this.reconciler.quietUntilS() > nowS
    );
  }

  /** No more steps (the Testbed closed); a step already scheduled does nothing when its time comes. */
  stop(): void {
    this.stopped = true;
  }

  /** Schedules the next step on the next multiple of intervalS, unless one is pending or nothing is left. */
  arm(): void {
    if (this.armed || this.stopped || !this.busy()) return;
    const { clock } = this.deps;
    this.armed = true;
    const atS = (Math.floor(clock.nowS / this.intervalS) + 1) * this.intervalS;
    clock.schedule(atS - clock.nowS, () => {
      this.armed = false;
      if (this.stopped) return;
      if (this.idleStep(clock.nowS)) {
        // What the full step would end with; it would have read nothing new and decided nothing.
        this.arm();
        this.deps.afterStep();
        return;
      }
      this.deps
        .step(async (read) => {
          await this.observe(read);
          this.reconciler.tick(clock.nowS);
        })
        .then(() => {
          this.arm();
          this.deps.afterStep();
        })
        .catch((error: unknown) => this.deps.fail(error));
    });
  }
}
