// The in-process Transport: jobs run as async handlers in this process, on the simulation's virtual
// clock, with every semantic of scheduler/transport.ts. Deterministic; leaves out persistence.

import type { Backend } from '../../workers/backend.js';
import type { Handler } from '../../workers/handlers/handler.js';
import type { Operation, OperationKind, OperationResult } from '../../workers/operations.js';
import { LockstepGate } from '../lockstep-gate.js';
import { validateOperation } from '../operations/validate.js';
import type { JobEvent, JobEventKind, JobHandle, Transport } from '../transport.js';
import { gatedBackend } from './gated-backend.js';
import { JobBook, type Job, type Settled } from './inprocess-book.js';
import { ClockDriver, type VirtualClock } from './inprocess-clock.js';
import { delayOf, judgeAttempt, type AttemptOutcome } from './job-rules.js';
import { jsonClone } from './json-clone.js';

/** One handler per operation kind, as workers/handlers/index.ts exports them. */
export type HandlerTable = { readonly [K in OperationKind]: Handler<K> };

export interface InprocessOptions {
  readonly backend: Backend;
  readonly clock: VirtualClock;
  readonly handlers: HandlerTable;
  /** Shared with whoever else drives the clock; a private one by default. */
  readonly gate?: LockstepGate;
  /** Jobs running at once (BullMQ's worker concurrency); unlimited by default. */
  readonly concurrency?: number;
  /** Names the source of operations in validation errors (a file, `submit`). */
  readonly where?: string;
  /**
   * Finished jobs kept (for wait() and idempotency keys) beyond which the oldest is removed, as
   * BullMQ's `removeOnComplete: { count }`; all of them by default. Long runs keep their memory flat.
   */
  readonly keepFinished?: number;
}

export class InprocessTransport implements Transport {
  private readonly book: JobBook;
  private readonly listeners = new Set<(event: JobEvent) => void>();
  private readonly gate: LockstepGate;
  private readonly driver: ClockDriver;
  private readonly concurrency: number;
  private readonly where: string;
  /** Numbers attempts for the gate: each attempt begins and ends once, in dispatch order. */
  private attemptSeq = 0;
  private dispatchPending = false;
  private closed = false;

  constructor(private readonly options: InprocessOptions) {
    this.book = new JobBook(options.keepFinished);
    this.gate = options.gate ?? new LockstepGate();
    this.concurrency = options.concurrency ?? Infinity;
    this.where = options.where ?? 'submit';
    this.driver = new ClockDriver(options.clock, this.gate, () => this.unfinishedIds());
  }

  async submit(op: Operation): Promise<JobHandle> {
    return this.accept(op, []);
  }

  async submitFlow(parent: Operation, children: readonly Operation[]): Promise<JobHandle> {
    return this.accept(parent, children);
  }

  async wait(handle: JobHandle): Promise<OperationResult> {
    const job = this.book.job(handle.id);
    if (job === undefined) throw new Error(`no job ${handle.id} was submitted here${this.options.keepFinished === undefined ? '' : ', or it finished and was removed (keepFinished)'}`);
    await this.driver.until(() => job.result !== undefined);
    return job.result!;
  }

  onEvent(listener: (event: JobEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  drain(): Promise<void> {
    return this.driver.until(() => this.book.unfinished === 0);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
  }

  /** Every job so far, in submission order, for state reports. */
  jobs(): readonly Readonly<Job>[] {
    return this.book.jobs;
  }

  /**
   * Validates everything before queueing anything, and keeps a private copy: the caller may reuse
   * its objects, and a queued job must not change under the worker (as over Redis, where it is JSON).
   */
  private accept(rawParent: Operation, rawChildren: readonly Operation[]): JobHandle {
    if (this.closed) throw new Error('the transport is closed');
    const parentOp = privateCopy(validateOperation(rawParent, this.where));
    const childOps = rawChildren.map((child, i) => privateCopy(validateOperation(child, `${this.where} (child ${i})`)));
    const { parent, children } = this.book.add(parentOp, childOps, this.where);
    for (const job of [parent, ...children]) this.emit('queued', job);
    if (children.length === 0) this.arrive(parent);
    for (const child of children) this.arrive(child);
    return { id: parent.id };
  }

  /** A job is due: answered at once by its idempotency key, or ready after its delay. */
  private arrive(job: Job): void {
    const answer = this.book.answerFor(job);
    if (answer !== undefined) {
      this.settled(this.book.answer(job, answer));
      return;
    }
    const delayS = delayOf(job.op);
    if (delayS > 0) this.options.clock.schedule(delayS, () => this.ready(job));
    else this.ready(job);
  }

  private ready(job: Job): void {
    this.book.makeReady(job);
    this.requestDispatch();
  }

  /** One dispatch per instant, as an event: everything made ready at this instant competes in it. */
  private requestDispatch(): void {
    if (this.dispatchPending) return;
    this.dispatchPending = true;
    this.options.clock.schedule(0, () => {
      this.dispatchPending = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    const starting: Array<{ job: Job; attemptSeq: number }> = [];
    for (const { job, answered } of this.book.take(this.concurrency)) {
      if (answered) this.settled(this.book.answer(job, this.book.answerFor(job)!));
      else starting.push({ job, attemptSeq: ++this.attemptSeq });
    }
    // Every attempt begins before any handler runs, so that the gate orders their first calls by
    // dispatch order here exactly as it does when handlers run in other processes. The 'active'
    // events come in the order the handlers are then called: the BullMQ transport pairs them so.
    for (const { job, attemptSeq } of starting) {
      this.gate.begin(attemptSeq);
      this.emit('active', job);
    }
    // Handlers start in a microtask, not inside this event: the gate is not quiet until each has
    // made its first call, so the clock's barrier drains every microtask those calls need first.
    queueMicrotask(() => {
      for (const { job, attemptSeq } of starting) this.attempt(job, attemptSeq).catch((error: unknown) => this.driver.fail(error));
    });
  }

  private async attempt(job: Job, attemptSeq: number): Promise<void> {
    const handler = this.options.handlers[job.op.kind] as Handler;
    let outcome: AttemptOutcome;
    try {
      // The op was validated on submission and never left this process, so it is not re-checked.
      outcome = { result: await handler(job.op, gatedBackend(this.options.backend, this.gate, attemptSeq)) };
    } catch (thrown) {
      outcome = { thrown };
    }
    this.gate.end(attemptSeq);
    const verdict = judgeAttempt(outcome, job.attempt, job.attempts);
    switch (verdict.kind) {
      case 'fatal':
        this.driver.fail(verdict.error);
        return;
      case 'retry':
        this.book.retryLater(job);
        this.emit('retrying', job, verdict.result);
        this.options.clock.schedule(verdict.delayS, () => this.ready(job));
        break;
      default:
        this.settled(this.book.settle(job, verdict.result));
    }
    this.requestDispatch();
  }

  private settled({ finished, due }: Settled): void {
    for (const job of finished) this.emit(job.status === 'completed' ? 'completed' : 'failed', job, job.result);
    for (const parent of due) this.arrive(parent);
    this.requestDispatch();
    this.driver.progress();
  }

  private emit(kind: JobEventKind, job: Job, result?: OperationResult): void {
    const { id, attempt } = job;
    const op = job.op.kind;
    const atS = this.options.clock.nowS;
    // Two literals rather than a spread of a third object: one event per job state change.
    const event: JobEvent = result === undefined ? { kind, id, op, atS, attempt } : { kind, id, op, atS, attempt, result };
    for (const listener of this.listeners) listener(event);
  }

  private unfinishedIds(): string {
    const open = this.book.jobs.filter((job) => job.result === undefined);
    const shown = open.slice(0, 10).map((job) => `${job.id} (${job.status})`);
    return `${open.length} job(s) unfinished: ${shown.join(', ')}${open.length > 10 ? ', …' : ''}`;
  }
}

/**
 * validateOperation builds a new object, so one whose fields are all primitives (a zdb write, a
 * node fault) is ours already; one holding objects (a deployment) could still share them with the
 * caller, and is copied. Copying every one cost ~15 % of an in-process zdb.set.
 */
function privateCopy(op: Operation): Operation {
  for (const key in op) {
    const value = (op as unknown as Record<string, unknown>)[key];
    if (typeof value === 'object' && value !== null) return jsonCopy(op);
  }
  return op;
}

/** A validated operation is plain JSON (it travels as JSON over Redis): copied as the round trip would, by a walk (3× faster). */
function jsonCopy<T>(value: T): T {
  return jsonClone(value);
}
