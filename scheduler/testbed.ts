// The public API: one backend, one transport and the clock they share, behind a small object that
// deploys (placing what names no node), submits, waits, streams events, heals (optionally) and
// reports state; and the harness's FaultInjector, which fault operations go to instead of workers.
// Leaves out building grids (scenarios/).

import { isGridObserver, type Backend, type FaultInjector } from '../workers/backend.js';
import { ErrorCode, InputError } from '../workers/errors.js';
import { handlers as workerHandlers } from '../workers/handlers/index.js';
import { isFaultOperation, type Deployment, type DeploymentCreate, type FaultOperation, type Operation, type OperationResult } from '../workers/operations.js';
import { LockstepGate } from './lockstep-gate.js';
import { validateOperation } from './operations/validate.js';
import type { Placement, PlacementPolicy, PlacementRequest } from './placement/capacity-record.js';
import { deploymentNeeds } from './placement/deployment-needs.js';
import type { AuditEntry } from './reconciler/reconciler-types.js';
import type { JobEvent, JobHandle, Transport } from './transport.js';
import { ClockDriver, type VirtualClock } from './transports/inprocess-clock.js';
import { InprocessTransport, type HandlerTable } from './transports/inprocess.js';
import { deployOperations, type DeployOptions } from './testbed-deploy.js';
import { FaultOps, noFaults } from './testbed-faults.js';
import { describeRequest, TestbedPlacement, type OwnerRead } from './testbed-placement.js';
import { ReconcileLoop, type TestbedReconcileOptions } from './testbed-reconcile.js';
import { OpStates, type OpState } from './testbed-states.js';

/** What a transport is built from; a factory gets the same pieces the in-process one does. */
export interface TransportContext {
  readonly backend: Backend;
  readonly clock: VirtualClock;
  readonly gate: LockstepGate;
  readonly handlers: HandlerTable;
  readonly seed: string;
  readonly concurrency?: number;
  readonly where: string;
  /** TestbedOptions.keepFinished: finished jobs a transport keeps at most (all when absent). */
  readonly keepFinished?: number;
}

export type TransportFactory = (context: TransportContext) => Promise<Transport>;

/**
 * `'inprocess'`; BullMQ on a private redis-server (`'bullmq'`) or on a given Redis (`{ redis }`);
 * or any factory.
 */
export type TransportChoice = 'inprocess' | 'bullmq' | { readonly redis: string } | TransportFactory;

export interface TestbedOptions {
  /** How jobs travel; `'inprocess'` by default. */
  readonly transport?: TransportChoice;
  readonly backend: Backend;
  /**
   * The harness's faults on the same grid: fault operations (node.crash, hub.down, link.cut …) go
   * here rather than to a worker. By default the backend's own `faults` (SimBackend and HostBackend
   * have one); a wrapper may be passed to watch or shape them.
   */
  readonly faults?: FaultInjector;
  /** The clock jobs run on; by default the backend's own `clock` (SimBackend has one). */
  readonly clock?: VirtualClock;
  /** The seed the backend was built from: reported by state(), so a run can be replayed. */
  readonly seed: string | number;
  /** One handler per operation kind; workers/handlers by default. */
  readonly handlers?: HandlerTable;
  /** Jobs running at once; unlimited by default. */
  readonly concurrency?: number;
  /**
   * Finished operations kept, beyond which the oldest are dropped, as BullMQ's `removeOnComplete:
   * { count }` drops completed jobs: their states (state() lists and digests only those kept), their
   * jobs (wait() them before they finish; their idempotency keys answer no more) and, as many, the
   * reconciler's audit entries (auditLog keeps the newest; onAudit still hears every one). All by
   * default; a scenario run keeps few, so that a simulated year's memory stays flat.
   */
  readonly keepFinished?: number;
  /** Names the source of operations in validation errors (a file name); `submit` by default. */
  readonly where?: string;
  /** Placement of deployments that name no node (needs a backend that is a GridObserver). */
  readonly placement?: Partial<PlacementPolicy>;
  /**
   * Self-healing: the reconciler steps every `intervalS` (60 s) of virtual time while there is work,
   * and re-places the deployments of nodes down past its threshold. Off by default.
   */
  readonly reconcile?: boolean | TestbedReconcileOptions;
}

export interface TestbedState {
  readonly seed: string;
  /** Digest of the run: the grid's digest and every operation's outcome and finishing instant. */
  readonly stateHash: string;
  /** The backend's digest of the grid alone (time left out): equal hashes mean equal grids. */
  readonly gridHash: string;
  readonly nowS: number;
  /** Every operation submitted, in submission order (a flow's parent before its children). */
  readonly ops: readonly OpState[];
  /** With `reconcile`: every action the reconciler took, and why (its operations are in `ops` too). */
  readonly audit?: readonly AuditEntry[];
}

export class Testbed {
  /** Where the harness's faults go: scenarios, the TUI and fault operations all act through it. */
  readonly faults: FaultInjector;
  private readonly states: OpStates;
  private readonly faultOps: FaultOps;
  /** Ids of the fault operations, so that wait() knows which are not the transport's. */
  private readonly faultIds = new Set<string>();
  private readonly listeners = new Set<(event: JobEvent) => void>();
  private readonly auditListeners = new Set<(entry: AuditEntry) => void>();
  /** Audit entries already told to the audit listeners. */
  private auditTold = 0;
  private interrupted = false;
  private readonly unsubscribe: () => void;
  private readonly placement: TestbedPlacement | undefined;
  private readonly loop: ReconcileLoop | undefined;
  /** Runs the clock between jobs while the reconciler still has work (run() only). */
  private readonly idle: ClockDriver;
  /** Nodes each spread group's deployments were placed on. */
  private readonly spreadNodes = new Map<string, Set<number>>();
  /** Operations that failed before they became jobs (no node fits), by id. */
  private readonly unplaced = new Map<string, OperationResult>();
  private unplacedCount = 0;
  private unfinished = 0;
  /** Owner steps (placement reads, reconciler steps) in the gate, numbered below every job's. */
  private ownerSeq = 0;
  private accepting: Promise<void> = Promise.resolve();
  private acceptsPending = 0;
  private failure: { readonly error: unknown } | undefined;
  private readonly keepFinished: number;

  private constructor(
    private readonly transport: Transport,
    private readonly backend: Backend,
    private readonly clock: VirtualClock,
    private readonly gate: LockstepGate,
    private readonly where: string,
    readonly seed: string,
    options: TestbedOptions,
  ) {
    this.states = new OpStates(options.keepFinished);
    this.keepFinished = options.keepFinished ?? Infinity;
    this.faults = options.faults ?? (backend as Partial<{ faults: FaultInjector }>).faults ?? noFaults;
    this.faultOps = new FaultOps({
      faults: this.faults,
      clock,
      owner: (body) => this.owner(body),
      deliver: (event) => {
        this.onJobEvent(event);
        this.idle.progress();
      },
      fail: (error) => this.fail(error),
    });
    const observer = isGridObserver(backend) ? backend : undefined;
    // One watch for both: placement reads only the nodes whose capacity changed, the reconciler only
    // the nodes that went down or came back; a power change also wakes the reconciler at once.
    const watch = observer?.watchNodes?.((node) => this.loop?.nodeChanged(node));
    this.placement = observer === undefined ? undefined : new TestbedPlacement(observer, options.placement, watch);
    const reconcile = options.reconcile ?? false;
    if (reconcile !== false) {
      if (observer === undefined || this.placement === undefined) throw new Error('Testbed: reconcile needs a backend that observes its grid (GridObserver, as SimBackend)');
      this.loop = new ReconcileLoop({
        clock, backend, observer,
        ...(watch === undefined ? {} : { watch }),
        placer: this.placement.placer(),
        submit: (op) => this.submitForReconciler(op),
        step: (body) => this.owner(async (read) => {
          await this.placement!.refresh(clock.nowS, read);
          await body(read);
        }),
        unfinished: () => this.unfinished,
        afterStep: () => {
          this.tellAudit();
          this.idle.progress();
        },
        fail: (error) => this.fail(error),
      }, reconcile === true ? {} : reconcile);
    }
    this.idle = new ClockDriver(clock, gate, () => 'the reconciler waits for a step that never came');
    const unlisten = transport.onEvent((event) => this.onJobEvent(event));
    this.unsubscribe = () => {
      watch?.close();
      unlisten();
    };
  }

  static async open(options: TestbedOptions): Promise<Testbed> {
    const clock = options.clock ?? (options.backend as Partial<{ clock: VirtualClock }>).clock;
    if (clock === undefined) throw new Error('Testbed.open needs a clock: pass `clock`, or a backend that has one (SimBackend)');
    const seed = String(options.seed);
    const gate = new LockstepGate();
    const where = options.where ?? 'submit';
    const context: TransportContext = {
      backend: options.backend,
      clock,
      gate,
      handlers: options.handlers ?? workerHandlers,
      seed,
      where,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.keepFinished === undefined ? {} : { keepFinished: options.keepFinished }),
    };
    const transport = await openTransport(options.transport ?? 'inprocess', context);
    try {
      return new Testbed(transport, options.backend, clock, gate, where, seed, options);
    } catch (error) {
      // Bad reconcile options: the transport (maybe a private redis-server) must not outlive them.
      await transport.close();
      throw error;
    }
  }

  /**
   * Deploys a zos document. With a node, as a flow: the node fetches the document's flists first
   * (the children), then the deployment is created (the parent), so boot does not wait on the hub.
   * Without one, placement picks the node (then the same flow); when none fits, the operation fails
   * at once with E_CAPACITY.
   */
  deploy(doc: Deployment, options: DeployOptions = {}): Promise<JobHandle> {
    return this.serially(async () => {
      if (options.node !== undefined || this.placement === undefined) return this.queue(deployOperations(doc, options));
      const { parent } = deployOperations(doc, options);
      return this.placed(parent, (node) => deployOperations(doc, { ...options, node }));
    });
  }

  /**
   * Queues one operation; rejects with an InputError naming the field when it is invalid. A
   * deployment.create without a node is placed first, as deploy() does (but without a flow). A fault
   * (node.crash, hub.down …) is no job: it goes to the FaultInjector `delayS` later, ahead of the
   * jobs' calls at that instant and outside any node's FIFO, as a power cut does not queue behind
   * provisioning; it reports the events a job would.
   */
  submit(op: Operation): Promise<JobHandle> {
    return this.serially(async () => {
      if (isFaultOperation(op)) return this.submitFault(validateOperation(op, this.where) as FaultOperation);
      if (op.kind === 'deployment.create' && op.node === undefined && this.placement !== undefined) {
        return this.placed(op, (node) => ({ parent: { ...op, node }, children: [] }));
      }
      return this.queue({ parent: op, children: [] });
    });
  }

  /** Queues a parent that runs once all its children have completed. Faults are not jobs, so no part of a flow. */
  submitFlow(parent: Operation, children: readonly Operation[]): Promise<JobHandle> {
    const fault = [parent, ...children].findIndex((op) => isFaultOperation(op));
    if (fault >= 0) {
      const field = fault === 0 ? 'kind' : `children[${fault - 1}].kind`;
      return Promise.reject(new InputError(this.where, field, `${[parent, ...children][fault]!.kind} is a fault, not a job: submit it alone`));
    }
    return this.serially(() => this.queue({ parent, children }));
  }

  /** Runs the clock until the job has finished for good, and returns its result. */
  async wait(handle: JobHandle): Promise<OperationResult> {
    await this.accepting;
    const unplaced = this.unplaced.get(handle.id);
    if (unplaced !== undefined) return unplaced;
    if (this.faultIds.has(handle.id)) return this.waitFault(handle.id);
    const result = await this.transport.wait(handle).catch((error: unknown) => this.rethrow(error));
    this.throwIfFailed();
    return result;
  }

  /**
   * Runs the clock until no job is queued, delayed or running and, with `reconcile`, until the
   * reconciler has nothing left to move (it keeps stepping while a down node's deployments wait).
   */
  async run(): Promise<void> {
    await this.accepting;
    for (;;) {
      await this.transport.drain().catch((error: unknown) => this.rethrow(error));
      this.throwIfFailed();
      const faults = this.faultOps;
      if (faults.pending > 0) {
        // Until the last fault is in, or a job appears (the reconciler's) for the transport to drain.
        await this.idle.until(() => this.failure !== undefined || faults.pending === 0 || this.unfinished > faults.pending).catch((error: unknown) => this.rethrow(error));
        this.throwIfFailed();
        continue;
      }
      const loop = this.loop;
      if (loop === undefined) return;
      // What the last jobs did (a node crashed) is seen now, not at the next step.
      await this.owner((read) => loop.observe(read));
      if (!loop.busy()) return;
      loop.arm();
      await this.idle.until(() => this.failure !== undefined || this.unfinished > 0 || !loop.busy()).catch((error: unknown) => this.rethrow(error));
      this.throwIfFailed();
    }
  }

  /**
   * Runs the clock to `untilS` while jobs and the reconciler work: a harness's slice of virtual time.
   * Resolves early, short of `untilS`, once interrupt() is called (a signal stops a long run).
   */
  async runUntil(untilS: number): Promise<void> {
    await this.accepting;
    this.interrupted = false;
    if (!(this.clock.nowS < untilS)) return;
    let reached = false;
    this.clock.schedule(untilS - this.clock.nowS, () => {
      reached = true;
      this.idle.progress();
    });
    await this.idle.until(() => reached || this.interrupted || this.failure !== undefined).catch((error: unknown) => this.rethrow(error));
    this.throwIfFailed();
  }

  /** Ends a runUntil() in progress after the event being processed. */
  interrupt(): void {
    this.interrupted = true;
    this.idle.progress();
  }

  /** The result of an operation that failed before it became a job (no node fitted), if `id` is one. */
  unplacedResult(id: string): OperationResult | undefined {
    return this.unplaced.get(id);
  }

  /** Every action the reconciler takes, as it takes it; returns an unsubscribe function. */
  onAudit(listener: (entry: AuditEntry) => void): () => void {
    this.auditListeners.add(listener);
    return () => this.auditListeners.delete(listener);
  }

  /** Every job event (queued, active, retrying, completed, failed); returns an unsubscribe function. */
  on(listener: (event: JobEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** With `reconcile`: every action the reconciler took so far. */
  get auditLog(): readonly AuditEntry[] {
    return this.loop?.auditLog ?? [];
  }

  async state(): Promise<TestbedState> {
    const gridHash = await this.backend.stateHash();
    const audit = this.loop === undefined ? {} : { audit: this.loop.auditLog };
    return { seed: this.seed, stateHash: this.states.digest(gridHash), gridHash, nowS: this.clock.nowS, ops: this.states.list(), ...audit };
  }

  async close(): Promise<void> {
    this.loop?.stop();
    this.unsubscribe();
    this.listeners.clear();
    await this.transport.close();
  }

  // ----------------------------------------------------------------------------------------------

  /**
   * Submissions are accepted one at a time in call order, because a placement may first read the
   * backend; with nothing ahead, one starts at once (so the job is queued before submit returns).
   */
  private serially(accept: () => Promise<JobHandle>): Promise<JobHandle> {
    const started = this.acceptsPending === 0 ? accept() : this.accepting.then(accept);
    this.acceptsPending++;
    this.accepting = started.then(
      () => void this.acceptsPending--,
      () => void this.acceptsPending--,
    );
    return started;
  }

  private async queue({ parent, children }: { parent: Operation; children: readonly Operation[] }): Promise<JobHandle> {
    // The transport knows its own jobs' ids, not the faults'.
    if (parent.id !== undefined && this.faultIds.has(parent.id)) throw new InputError(this.where, 'id', `"${parent.id}" is already used by a fault`);
    const handle = children.length === 0 ? await this.transport.submit(parent) : await this.transport.submitFlow(parent, children);
    this.submitted(handle.id, parent, false);
    return handle;
  }

  private submitFault(op: FaultOperation): JobHandle {
    const id = op.id ?? `fault-${this.faultIds.size + 1}`;
    if (this.states.has(id)) throw new InputError(this.where, 'id', `"${id}" is already used by another job`);
    this.faultIds.add(id);
    this.faultOps.submit(op, id);
    return { id };
  }

  private async waitFault(id: string): Promise<OperationResult> {
    const faults = this.faultOps;
    await this.idle.until(() => this.failure !== undefined || faults.result(id) !== undefined).catch((error: unknown) => this.rethrow(error));
    this.throwIfFailed();
    return faults.result(id)!;
  }

  /** Places a deployment.create that names no node, then queues what `withNode` builds for the node. */
  private async placed(
    op: DeploymentCreate,
    withNode: (node: number) => { parent: DeploymentCreate; children: readonly Operation[] },
  ): Promise<JobHandle> {
    validateOperation(op, this.where);
    const placement = this.placement!;
    await this.owner((read) => placement.refresh(this.clock.nowS, read));
    const request = deploymentNeeds(op.deployment);
    const p = this.placeSpread(op, request);
    if (p === undefined) return this.failUnplaced(op, `no node fits deployment of twin ${op.deployment.twin_id}: it needs ${describeRequest(request)}`);
    const { parent, children } = withNode(p.node);
    let handle: JobHandle;
    try {
      handle = children.length === 0 ? await this.transport.submit(parent) : await this.transport.submitFlow(parent, children);
    } catch (error) {
      placement.unreserve(p);
      throw error;
    }
    this.submitted(handle.id, parent, true);
    return handle;
  }

  /**
   * Placement keeping a spread group's deployments on distinct nodes while any fits, then (a group
   * larger than the nodes that fit it) anywhere that fits, as a client would rather than give up.
   */
  private placeSpread(op: DeploymentCreate, request: PlacementRequest): Placement | undefined {
    const placement = this.placement!;
    const group = op.spreadGroup === undefined ? undefined : this.spreadNodes.get(op.spreadGroup);
    const p = (group === undefined ? undefined : placement.placeAndReserve({ ...request, excludeNodes: [...group] })) ?? placement.placeAndReserve(request);
    if (p !== undefined && op.spreadGroup !== undefined) {
      if (group === undefined) this.spreadNodes.set(op.spreadGroup, new Set([p.node]));
      else group.add(p.node);
    }
    return p;
  }

  private submitted(jobId: string, op: Operation, reserved: boolean): void {
    if (op.kind === 'deployment.create' && op.node !== undefined) this.placement?.queued(jobId, op.node, deploymentNeeds(op.deployment), reserved);
    this.loop?.submitted(jobId, op);
  }

  /** The reconciler's operations are jobs like any other; a refused one throws, as its Submit asks. */
  private submitForReconciler(op: Operation): void {
    const id = op.id!;
    if (this.states.has(id)) throw new InputError('reconciler', 'id', `"${id}" is already used by another job`);
    this.transport.submit(op).catch((error: unknown) => this.fail(error));
    this.submitted(id, op, false);
  }

  /** The operation fails before it is a job: recorded and reported like a job that failed at once. */
  private failUnplaced(op: DeploymentCreate, message: string): JobHandle {
    const id = op.id ?? `unplaced-${++this.unplacedCount}`;
    if (this.states.has(id)) throw new InputError(this.where, 'id', `"${id}" is already used by another job`);
    const result: OperationResult = { state: 'failed', error: { code: ErrorCode.capacity, message } };
    this.unplaced.set(id, result);
    const atS = this.clock.nowS;
    this.deliver({ kind: 'queued', id, op: op.kind, atS, attempt: 0 });
    this.deliver({ kind: 'failed', id, op: op.kind, atS, attempt: 0, result });
    return { id };
  }

  private onJobEvent(event: JobEvent): void {
    if (event.kind === 'queued') this.unfinished++;
    const final = event.kind === 'completed' || event.kind === 'failed';
    if (final) {
      this.unfinished--;
      this.placement?.finished(event.id);
    }
    this.deliver(event);
    // After the listeners: what the reconciler submits in answer comes after the event that caused it.
    this.loop?.onEvent(event);
    this.tellAudit();
    if (event.kind === 'queued') this.idle.progress();
  }

  /** Entries the reconciler added since the last call, to the audit listeners (results and steps add them). */
  private tellAudit(): void {
    const reconciler = this.loop?.reconciler;
    if (reconciler === undefined) return;
    while (this.auditTold < reconciler.auditCount) {
      const entry = reconciler.auditEntry(this.auditTold++)!;
      for (const listener of this.auditListeners) listener(entry);
    }
    if (this.keepFinished !== Infinity) reconciler.dropAuditBefore(this.auditTold - this.keepFinished);
  }

  private deliver(event: JobEvent): void {
    this.states.record(event);
    for (const listener of this.listeners) listener(event);
  }

  /**
   * Runs `body` as the owner: a participant of the lockstep gate, numbered below every job, so
   * that virtual time holds while it reads the backend and its reads start in a fixed order. It
   * starts a microtask late, as jobs do, so a clock event that starts it leaves the gate busy.
   */
  private owner<T>(body: (read: OwnerRead) => Promise<T>): Promise<T> {
    const seq = --this.ownerSeq;
    this.gate.begin(seq);
    const read: OwnerRead = (fn) => this.gate.call(seq, fn);
    return (async () => {
      try {
        await Promise.resolve();
        return await body(read);
      } finally {
        this.gate.end(seq);
      }
    })();
  }

  private fail(error: unknown): void {
    this.failure ??= { error };
    this.clock.stop();
  }

  /** A failed step stops the clock, so a wait then reports a stall: the step's error is the cause. */
  private rethrow(error: unknown): never {
    this.throwIfFailed();
    throw error;
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }
}

async function openTransport(choice: TransportChoice, context: TransportContext): Promise<Transport> {
  if (choice === 'inprocess') return new InprocessTransport(context);
  if (typeof choice === 'function') return choice(context);
  // Loaded only when asked for: the Redis clients are not worth loading for in-process runs.
  const { openBullmqTransport } = await import('./transports/bullmq/index.js');
  return openBullmqTransport({ ...context, ...(choice === 'bullmq' ? {} : { redisUrl: choice.redis }) });
}

export type { AuditEntry, DeployOptions, JobEvent, JobHandle, OpState, TestbedReconcileOptions };
