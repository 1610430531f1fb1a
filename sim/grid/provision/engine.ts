// One node's zos provisiond: admission, a FIFO drained by one worker, workloads driven in type order
// with results and history, memory admission, boot re-runs. Leaves out chain checks and NU reporting.

import { SimulationError, ZosError } from '../../errors.js';
import type { Process, ProcessGenerator, Yieldable } from '../../engine/process.js';
import type { SimEvent } from '../../engine/events.js';
import type { Rng, RngStreams } from '../../engine/rng.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Deployment, Workload, WorkloadResult, WorkloadType } from '../deployment.js';
import type { GridNodeApi, PowerEvent } from '../node-api.js';
import { AdmissionReason, ProvisionRejected, checkCreate, checkUpdate } from './admission.js';
import type { ManagerContext, ManagerRegistry, WorkloadManager } from './manager.js';
import { inInstallOrder, inRemovalOrder } from './order.js';
import { holdsCapacity, isTerminal, newStoredWorkload, setResult, type ChangeListener, type StoredDeployment, type StoredWorkload, type WorkloadState } from './state.js';

export type { ChangeListener, StoredDeployment } from './state.js';

export type JobOp = 'provision' | 'update' | 'deprovision' | 'pause' | 'resume' | 'decommission';

export interface Job {
  readonly op: JobOp;
  readonly contractId: number;
  /** The document an update moves to. */
  readonly next?: Deployment;
  /** Why a deprovision happens; becomes the `deleted` result's message. */
  readonly reason?: string;
  /** A boot re-run: zos skips the contract's hash and node check for these. */
  readonly afterBoot?: boolean;
  /** The one workload a system decommission removes. */
  readonly workloadName?: string;
}

/**
 * The chain check a provision or update job runs first (DOMAIN 2.4): the contract exists, is this
 * node's, and pays for this document's hash. It returns why not, or null when all is well.
 */
export type ContractCheck = (node: number, doc: Deployment) => string | null;

export interface EngineContext {
  readonly sim: Simulation;
  readonly grid: GridNodeApi;
  readonly managers: ManagerRegistry;
  /** Each node's managers draw from the stream `provision-node-<n>`. */
  readonly rngs: RngStreams;
  readonly onChange: ChangeListener;
  readonly contractCheck?: ContractCheck;
}

/** What a manager call came to: its data, or the message of its WorkloadError. */
type Outcome = { readonly ok: true; readonly data: unknown } | { readonly ok: false; readonly message: string };

/** Thrown inside a worker whose node lost power while it waited: it must not touch state any more. */
const staleWorker = Symbol('stale provision worker');

const typeOfStored = (sw: StoredWorkload): WorkloadType => sw.workload.type;

/** What a node's managers see. Its stream is made on the first draw: most nodes' managers never draw. */
class NodeManagerContext implements ManagerContext {
  readonly sim: Simulation;
  readonly grid: GridNodeApi;

  constructor(
    private readonly engine: EngineContext,
    readonly node: number,
  ) {
    this.sim = engine.sim;
    this.grid = engine.grid;
  }

  get rng(): Rng {
    return this.engine.rngs.stream(`provision-node-${this.node}`);
  }

  workloadId(deployment: Deployment, workload: Workload): string {
    return `${deployment.twin_id}-${deployment.contract_id}-${workload.name}`;
  }
}

export class ProvisionEngine {
  private readonly deployments = new Map<number, StoredDeployment>();
  /** zos's dque: a job leaves the queue only after it ran to the end (at-least-once). */
  private readonly queue: Job[] = [];
  private worker: Process<void> | null = null;
  private powered: boolean;
  /** Bumped at every power-off, so that a worker waiting across it knows it is stale. */
  private epoch = 0;
  private readonly managerContext: ManagerContext;

  constructor(
    readonly node: number,
    private readonly ctx: EngineContext,
  ) {
    this.powered = ctx.grid.isOn(node);
    this.managerContext = new NodeManagerContext(ctx, node);
  }

  /** CreateOrUpdate for a new contract: stored with every workload in `init`, then queued. */
  deploy(doc: Deployment): void {
    this.mustBeOn();
    checkCreate(doc, this.deployments.has(doc.contract_id));
    const stored: StoredDeployment = { accepted: doc, applied: doc, workloads: new Map() };
    this.deployments.set(doc.contract_id, stored);
    for (const workload of doc.workloads) {
      const sw = newStoredWorkload(workload, this.ctx.sim.nowS);
      stored.workloads.set(workload.name, sw);
      this.ctx.onChange(this.node, doc.contract_id, workload.name, sw.result);
    }
    this.enqueue({ op: 'provision', contractId: doc.contract_id });
  }

  /** CreateOrUpdate for an existing contract: Upgrade() rules now, the changes when the job runs. */
  update(doc: Deployment): void {
    this.mustBeOn();
    const stored = this.deployments.get(doc.contract_id);
    checkUpdate(stored?.accepted, doc);
    stored!.accepted = doc;
    this.enqueue({ op: 'update', contractId: doc.contract_id, next: doc });
  }

  /**
   * Contract cancelled (or gone from chain). Chain events reach a node that is off when it syncs
   * after boot, so these three queue even while the node is off.
   */
  deprovision(contractId: number, reason = 'deployment deleted'): void {
    this.mustExist(contractId);
    this.enqueue({ op: 'deprovision', contractId, reason });
  }

  /** zos's system decommission path (a crash-looping VM): one workload becomes `deleted` with the reason. */
  decommission(contractId: number, workloadName: string, reason: string): void {
    this.mustExist(contractId);
    this.enqueue({ op: 'decommission', contractId, workloadName, reason });
  }

  /** Contract entered its grace period. */
  pause(contractId: number): void {
    this.mustExist(contractId);
    this.enqueue({ op: 'pause', contractId });
  }

  /** Contract back to Created. */
  resume(contractId: number): void {
    this.mustExist(contractId);
    this.enqueue({ op: 'resume', contractId });
  }

  deployment(contractId: number): StoredDeployment | undefined {
    return this.deployments.get(contractId);
  }

  get deploymentCount(): number {
    return this.deployments.size;
  }

  get queuedJobs(): number {
    return this.queue.length;
  }

  /** Contract ids stored on this node (what the chain sync compares with the chain). */
  contractIds(): number[] {
    return [...this.deployments.keys()];
  }

  /** Power events from the grid; `on` and `reboot` mean the node has just booted. */
  power(event: PowerEvent): void {
    if (event === 'on' && this.powered) return; // already running: not a boot
    if (this.powered) this.powerOff();
    if (event !== 'off') this.boot();
  }

  /** The worker stops where it is; its job stays at the head of the queue; RAM empties. */
  private powerOff(): void {
    this.powered = false;
    this.epoch++;
    this.worker = null;
    for (const stored of this.deployments.values()) {
      for (const sw of stored.workloads.values()) this.releaseMemory(sw);
    }
  }

  /** provisiond's first start after boot: every stored deployment is re-run, without validation. */
  private boot(): void {
    this.powered = true;
    for (const contractId of this.deployments.keys()) this.queue.push({ op: 'provision', contractId, afterBoot: true });
    this.kick();
  }

  private enqueue(job: Job): void {
    this.queue.push(job);
    this.kick();
  }

  private kick(): void {
    if (!this.powered || this.worker !== null || this.queue.length === 0) return;
    this.worker = this.ctx.sim.process(this.drain(this.epoch), `provision-node-${this.node}`);
  }

  /** The single worker: peek, process, dequeue, until the queue is empty or the node goes off. */
  private *drain(epoch: number): ProcessGenerator<void> {
    try {
      while (this.queue.length > 0 && epoch === this.epoch) {
        yield* this.runJob(this.queue[0]!, epoch);
        this.queue.shift();
      }
      if (epoch === this.epoch) this.worker = null;
    } catch (error) {
      if (error !== staleWorker) throw error;
    }
  }

  private *runJob(job: Job, epoch: number): Generator<Yieldable, void, unknown> {
    const stored = this.deployments.get(job.contractId);
    if (stored === undefined) return; // removed by an earlier job
    if ((job.op === 'provision' && job.afterBoot !== true) || job.op === 'update') {
      const refusal = this.ctx.contractCheck?.(this.node, job.next ?? stored.accepted) ?? null;
      if (refusal !== null) {
        // Every workload of the deployment fails with the reason; nothing is deployed (DOMAIN 5.6).
        for (const sw of this.live(stored)) this.record(stored, sw, 'error', refusal, null);
        return;
      }
    }
    switch (job.op) {
      case 'decommission': {
        const sw = stored.workloads.get(job.workloadName!);
        if (sw !== undefined && !isTerminal(sw.result.state)) yield* this.remove(stored, sw, job.reason ?? '', epoch);
        return;
      }
      case 'provision':
        for (const sw of inInstallOrder(this.live(stored), typeOfStored)) yield* this.install(stored, sw, epoch);
        return;
      case 'update':
        return yield* this.applyUpdate(stored, job.next!, epoch);
      case 'deprovision':
        return yield* this.removeAll(job.contractId, stored, job.reason ?? '', epoch);
      case 'pause':
        for (const sw of inRemovalOrder(this.live(stored), typeOfStored)) yield* this.flip(stored, sw, 'ok', 'paused', epoch);
        return;
      case 'resume':
        for (const sw of inInstallOrder(this.live(stored), typeOfStored)) yield* this.flip(stored, sw, 'paused', 'ok', epoch);
        return;
    }
  }

  /** Terminal workloads are skipped by every job: errors are not retried (zos#2659). */
  private live(stored: StoredDeployment): StoredWorkload[] {
    return [...stored.workloads.values()].filter((sw) => !isTerminal(sw.result.state));
  }

  /** Provision, or re-run after boot or a replay: managers are idempotent, memory is admitted again. */
  private *install(stored: StoredDeployment, sw: StoredWorkload, epoch: number): Generator<Yieldable, void, unknown> {
    const before = sw.result.state;
    const manager = this.managerFor(sw.workload.type);
    if (manager === undefined) return this.record(stored, sw, 'error', `workload type ${sw.workload.type} is not supported`, null);
    const memoryBytes = manager.capacity(sw.workload).mruBytes;
    if (memoryBytes > 0 && sw.memoryBytes === 0) {
      if (!this.ctx.grid.reserveMemory(this.node, memoryBytes)) return this.record(stored, sw, 'error', 'cannot fulfil required memory', null);
      sw.memoryBytes = memoryBytes;
    }
    const outcome = yield* this.call(() => manager.provision(this.managerContext, stored.applied, sw.workload), epoch);
    if (!outcome.ok) return this.record(stored, sw, 'error', outcome.message, null);
    if (before === 'paused' && manager.pause !== undefined) {
      // A paused VM comes back paused: the contract is still in its grace period.
      const paused = yield* this.call(() => manager.pause!(this.managerContext, stored.applied, sw.workload), epoch);
      if (!paused.ok) return this.record(stored, sw, 'ok', `pause failed: ${paused.message}`, outcome.data);
    }
    const state: WorkloadState = before === 'init' ? 'ok' : before;
    this.record(stored, sw, state, before === 'init' ? '' : sw.result.message, outcome.data);
  }

  /** Removals first (reverse order), then adds and updates (forward order). */
  private *applyUpdate(stored: StoredDeployment, next: Deployment, epoch: number): Generator<Yieldable, void, unknown> {
    const names = new Set(next.workloads.map((w) => w.name));
    const removed = this.live(stored).filter((sw) => !names.has(sw.workload.name));
    for (const sw of inRemovalOrder(removed, typeOfStored)) yield* this.remove(stored, sw, 'removed in update', epoch);
    stored.applied = next;
    for (const workload of inInstallOrder(next.workloads)) {
      let sw = stored.workloads.get(workload.name);
      if (sw === undefined || sw.result.state === 'deleted') {
        sw = newStoredWorkload(workload, this.ctx.sim.nowS);
        stored.workloads.set(workload.name, sw);
        this.ctx.onChange(this.node, next.contract_id, workload.name, sw.result);
      }
      const state = sw.result.state;
      if (state === 'init') yield* this.install(stored, sw, epoch);
      else if (!isTerminal(state) && workload.version === next.version) yield* this.change(stored, sw, workload, epoch);
    }
  }

  /** A manager failure leaves the previous config running: `unchanged`, with the message. */
  private *change(stored: StoredDeployment, sw: StoredWorkload, next: Workload, epoch: number): Generator<Yieldable, void, unknown> {
    const before = sw.result.state;
    const failedState: WorkloadState = before === 'paused' ? 'paused' : 'unchanged';
    const manager = this.managerFor(sw.workload.type);
    if (manager?.update === undefined) return this.record(stored, sw, failedState, `workload type ${next.type} does not support upgrade`, sw.result.data);
    const previous = sw.workload;
    const outcome = yield* this.call(() => manager.update!(this.managerContext, stored.applied, previous, next), epoch);
    if (!outcome.ok) return this.record(stored, sw, failedState, outcome.message, sw.result.data);
    sw.workload = next;
    this.record(stored, sw, before === 'paused' ? 'paused' : 'ok', '', outcome.data);
  }

  /** Deprovision: the deployment leaves storage only if every teardown succeeded. */
  private *removeAll(contractId: number, stored: StoredDeployment, reason: string, epoch: number): Generator<Yieldable, void, unknown> {
    let allRemoved = true;
    for (const sw of inRemovalOrder(this.live(stored), typeOfStored)) {
      if (!(yield* this.remove(stored, sw, reason, epoch))) allRemoved = false;
    }
    if (allRemoved) this.deployments.delete(contractId);
  }

  private *remove(stored: StoredDeployment, sw: StoredWorkload, reason: string, epoch: number): Generator<Yieldable, boolean, unknown> {
    const manager = this.managerFor(sw.workload.type);
    const outcome: Outcome =
      manager === undefined ? { ok: true, data: null } : yield* this.call(() => manager.deprovision(this.managerContext, stored.applied, sw.workload), epoch);
    this.record(stored, sw, outcome.ok ? 'deleted' : 'error', outcome.ok ? reason : outcome.message, null);
    return outcome.ok;
  }

  /** Pause (ok → paused) and resume (paused → ok); other states are left alone. */
  private *flip(stored: StoredDeployment, sw: StoredWorkload, from: WorkloadState, to: WorkloadState, epoch: number): Generator<Yieldable, void, unknown> {
    if (sw.result.state !== from) return;
    const manager = this.managerFor(sw.workload.type);
    const method = to === 'paused' ? manager?.pause : manager?.resume;
    // Types without a lock (disks, networks) only flip state, as in zos.
    const outcome: Outcome = method === undefined ? { ok: true, data: sw.result.data } : yield* this.call(() => method.call(manager, this.managerContext, stored.applied, sw.workload), epoch);
    if (outcome.ok) this.record(stored, sw, to, '', sw.result.data);
    else this.record(stored, sw, from, `${to === 'paused' ? 'pause' : 'resume'} failed: ${outcome.message}`, sw.result.data);
  }

  /** Runs one manager call; a ZosError becomes a result message, anything else stops the run loudly. */
  private *call(start: () => SimEvent<unknown>, epoch: number): Generator<Yieldable, Outcome, unknown> {
    let outcome: Outcome;
    try {
      outcome = { ok: true, data: yield start() };
    } catch (error) {
      if (!(error instanceof ZosError) || error instanceof SimulationError) throw error;
      outcome = { ok: false, message: error.message };
    }
    if (epoch !== this.epoch) throw staleWorker;
    return outcome;
  }

  private record(stored: StoredDeployment, sw: StoredWorkload, state: WorkloadState, message: string, data: unknown): void {
    if (!holdsCapacity(state)) this.releaseMemory(sw);
    const result: WorkloadResult = { created: this.ctx.sim.nowS, state, message, data };
    if (setResult(sw, result)) this.ctx.onChange(this.node, stored.accepted.contract_id, sw.workload.name, result);
  }

  private releaseMemory(sw: StoredWorkload): void {
    if (sw.memoryBytes === 0) return;
    this.ctx.grid.releaseMemory(this.node, sw.memoryBytes);
    sw.memoryBytes = 0;
  }

  private managerFor(type: WorkloadType): WorkloadManager | undefined {
    return this.ctx.managers[type];
  }

  private mustBeOn(): void {
    if (!this.powered) throw new ProvisionRejected(AdmissionReason.nodeOff, `node ${this.node} is off`);
  }

  private mustExist(contractId: number): void {
    if (!this.deployments.has(contractId)) throw new ProvisionRejected(AdmissionReason.notFound, `deployment ${contractId} not found`);
  }
}
