// The in-process transport's books: every job's status, the ready list, per-node FIFO, flows and
// idempotency keys. Pure bookkeeping with no clock or handlers, so its decisions are easy to test.

import { InputError } from '../../workers/errors.js';
import { nodeOf, type Operation, type OperationResult } from '../../workers/operations.js';
import { attemptsOf, childFailedResult, compareReady, IdempotencyBook, jobIdFor, priorityOf, type ReadyOrder } from './job-rules.js';

/** `waiting-children`: a flow's parent; `delayed`: a delay or a backoff is running. */
export type JobStatus = 'waiting-children' | 'delayed' | 'ready' | 'active' | 'completed' | 'failed';

export interface Job extends ReadyOrder {
  /** Submission number, from 1. */
  readonly seq: number;
  readonly id: string;
  readonly op: Operation;
  readonly node: number | undefined;
  readonly attempts: number;
  readonly parent: Job | undefined;
  status: JobStatus;
  readySeq: number;
  /** Attempts started so far; 0 for a job answered from the idempotency book. */
  attempt: number;
  childrenLeft: number;
  result: OperationResult | undefined;
}

/** One job `take` hands out: to start, or already answered by an earlier job with its key. */
export interface Taken {
  readonly job: Job;
  readonly answered: boolean;
}

/** Jobs that finished for good as a consequence of one settle, and parents now due. */
export interface Settled {
  readonly finished: readonly Job[];
  readonly due: readonly Job[];
}

export class JobBook {
  private readonly byId = new Map<string, Job>();
  /** Every job in submission order. */
  readonly jobs: Job[] = [];
  private ready: Job[] = [];
  private readonly busyNodes = new Set<number>();
  private readonly keys = new IdempotencyBook();
  private readySeq = 0;
  private unfinishedCount = 0;
  private activeCount = 0;

  get unfinished(): number {
    return this.unfinishedCount;
  }

  get active(): number {
    return this.activeCount;
  }

  job(id: string): Job | undefined {
    return this.byId.get(id);
  }

  /** Adds a flow (or, without children, one job); every id is checked before anything is added. */
  add(op: Operation, children: readonly Operation[] = [], where = 'submit'): { parent: Job; children: Job[] } {
    const ids = new Set<string>();
    [op, ...children].forEach((o, i) => {
      const id = jobIdFor(o, this.jobs.length + 1 + i);
      if (this.byId.has(id) || ids.has(id)) throw new InputError(where, 'id', `"${id}" is already used by another job`);
      ids.add(id);
    });
    const parent = this.create(op, undefined);
    parent.childrenLeft = children.length;
    if (children.length > 0) parent.status = 'waiting-children';
    return { parent, children: children.map((child) => this.create(child, parent)) };
  }

  /** The idempotency key's stored result, if an earlier job with it succeeded. */
  answerFor(job: Job): OperationResult | undefined {
    return job.op.idempotencyKey === undefined ? undefined : this.keys.completed(job.op.idempotencyKey);
  }

  makeReady(job: Job): void {
    job.status = 'ready';
    job.readySeq = ++this.readySeq;
    this.ready.push(job);
  }

  /**
   * The jobs to start now, in start order: by priority, then by when they became ready; at most
   * `slots` of them, at most one per node and only the earliest ready of each node (zos's FIFO).
   */
  take(slots: number): Taken[] {
    const heads = new Map<number, Job>();
    for (const job of this.ready) {
      if (job.node === undefined) continue;
      const head = heads.get(job.node);
      if (head === undefined || job.readySeq < head.readySeq) heads.set(job.node, job);
    }
    const taken: Taken[] = [];
    let free = slots - this.activeCount;
    for (const job of [...this.ready].sort(compareReady)) {
      const key = job.op.idempotencyKey;
      if (this.answerFor(job) !== undefined) {
        taken.push({ job, answered: true });
        continue;
      }
      if (free <= 0) continue;
      if (job.node !== undefined && (this.busyNodes.has(job.node) || heads.get(job.node) !== job)) continue;
      // Another job holds the key: this one waits for its outcome (and, as a node's head, holds
      // that node's FIFO too, since running anything before it would reorder the node's work).
      if (key !== undefined && !this.keys.acquire(key, job.seq)) continue;
      free--;
      job.status = 'active';
      job.attempt++;
      this.activeCount++;
      if (job.node !== undefined) this.busyNodes.add(job.node);
      taken.push({ job, answered: false });
    }
    const out = new Set(taken.map((t) => t.job));
    this.ready = this.ready.filter((job) => !out.has(job));
    return taken;
  }

  /** An active job will try again later: it leaves its node's FIFO until it is ready again. */
  retryLater(job: Job): void {
    this.deactivate(job);
    job.status = 'delayed';
  }

  /** An active job finished for good; a failure fails its flow's parent too. */
  settle(job: Job, result: OperationResult): Settled {
    this.deactivate(job);
    return this.finish(job, result);
  }

  /** A job an earlier one with its idempotency key answers: it completes without running. */
  answer(job: Job, result: OperationResult): Settled {
    job.status = 'completed';
    job.result = result;
    this.unfinishedCount--;
    return this.afterFinish(job, result);
  }

  private create(op: Operation, parent: Job | undefined): Job {
    const seq = this.jobs.length + 1;
    const job: Job = {
      seq, id: jobIdFor(op, seq), op, node: nodeOf(op), attempts: attemptsOf(op), parent, priority: priorityOf(op),
      status: 'delayed', readySeq: 0, attempt: 0, childrenLeft: 0, result: undefined,
    };
    this.jobs.push(job);
    this.byId.set(job.id, job);
    this.unfinishedCount++;
    return job;
  }

  private deactivate(job: Job): void {
    if (job.status !== 'active') throw new Error(`job ${job.id} is ${job.status}, not active`);
    this.activeCount--;
    if (job.node !== undefined) this.busyNodes.delete(job.node);
  }

  private finish(job: Job, result: OperationResult): Settled {
    job.status = result.state === 'ok' ? 'completed' : 'failed';
    job.result = result;
    this.unfinishedCount--;
    if (job.op.idempotencyKey !== undefined) this.keys.release(job.op.idempotencyKey, job.seq, result);
    return this.afterFinish(job, result);
  }

  private afterFinish(job: Job, result: OperationResult): Settled {
    const parent = job.parent;
    if (parent === undefined || parent.status !== 'waiting-children') return { finished: [job], due: [] };
    if (result.state !== 'ok') {
      const more = this.finish(parent, childFailedResult(job.id, result));
      return { finished: [job, ...more.finished], due: more.due };
    }
    parent.childrenLeft--;
    if (parent.childrenLeft > 0) return { finished: [job], due: [] };
    parent.status = 'delayed';
    return { finished: [job], due: [parent] };
  }
}
