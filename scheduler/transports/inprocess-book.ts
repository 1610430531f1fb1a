// The in-process transport's books: every job's status, the ready list, per-node FIFO, flows and
// idempotency keys. Pure bookkeeping with no clock or handlers, so its decisions are easy to test.

import { InputError } from '../../workers/errors.js';
import { nodeOf, type Operation, type OperationResult } from '../../workers/operations.js';
import { NewestKept } from './newest-kept.js';
import { attemptsOf, childFailedResult, IdempotencyBook, jobIdFor, priorityOf, type ReadyOrder } from './job-rules.js';

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
  /** Every job kept, in submission order (an id used again after its job was removed goes last, as it is newer). */
  private readonly byId = new Map<string, Job>();
  /** Jobs submitted so far: the next job's number is one more. */
  private created = 0;
  /**
   * With `keepFinished`, the finished jobs still kept, oldest first: once more than that many have
   * finished, the oldest is removed with its idempotency key's answer, as BullMQ's
   * `removeOnComplete: { count }` removes completed jobs (a long run's books stay bounded).
   */
  private readonly finishedKept: NewestKept<Job> | undefined;

  constructor(keepFinished = Infinity) {
    this.finishedKept = keepFinished === Infinity ? undefined : new NewestKept(keepFinished);
  }

  /** Every job kept, in submission order: all of them unless `keepFinished` is finite. */
  get jobs(): readonly Job[] {
    return [...this.byId.values()];
  }
  /**
   * Ready jobs in start order (priority, then readySeq), kept sorted as they arrive, from index
   * `readyHead` on. Jobs leave from the front: moving the head costs nothing, where a splice
   * near the front of a long array copies all of it (measured on Node 20: 0.25 µs per dispatch
   * at 3,000 ready jobs, 200 µs at 30,000, 450 µs at 100,000, which made a run's cost quadratic
   * in its size). The dead prefix is dropped once it is half the array.
   */
  private ready: Job[] = [];
  private readyHead = 0;
  /** Ready jobs with a node, and with an idempotency key: when none, take() skips their checks. */
  private readyWithNode = 0;
  private readyKeyed = 0;
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
      const id = jobIdFor(o, this.created + 1 + i);
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
    if (job.node !== undefined) this.readyWithNode++;
    if (job.op.idempotencyKey !== undefined) this.readyKeyed++;
    // Its readySeq is the largest: it goes after every ready job of its priority or a lower one.
    const ready = this.ready;
    let low = this.readyHead;
    let high = ready.length;
    if (high === low || ready[high - 1]!.priority <= job.priority) low = high;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (ready[mid]!.priority <= job.priority) low = mid + 1;
      else high = mid;
    }
    if (low === ready.length) ready.push(job);
    else ready.splice(low, 0, job);
  }

  /**
   * The jobs to start now, in start order: by priority, then by when they became ready; at most
   * `slots` of them, at most one per node and only the earliest ready of each node (zos's FIFO).
   */
  take(slots: number): Taken[] {
    const taken: Taken[] = [];
    let free = slots - this.activeCount;
    const ready = this.ready;
    const head = this.readyHead;
    // Once no slot is left, only jobs an idempotency key answers can still leave: with none keyed,
    // the rest of the list stays as it is (a wave of thousands is not scanned per dispatch).
    if (ready.length === head || (free <= 0 && this.readyKeyed === 0)) return taken;
    const heads = this.readyWithNode === 0 ? undefined : nodeHeads(ready, head);
    let kept = head;
    let i = head;
    for (; i < ready.length; i++) {
      if (free <= 0 && this.readyKeyed === 0) break;
      const job = ready[i]!;
      if (this.takeOne(job, free, heads, taken)) {
        if (!taken[taken.length - 1]!.answered) free--;
        this.leaveReady(job);
      } else ready[kept++] = job;
    }
    // The jobs that stayed (a busy node's, a held key's) sit packed at [head, kept), the gap the
    // others left at [kept, i): the stayers move up against the jobs not looked at, in order, and
    // the head moves past the gap. That costs one step per stayer, not one per job behind them.
    const gap = i - kept;
    if (gap > 0) {
      for (let from = kept - 1; from >= head; from--) ready[from + gap] = ready[from]!;
      this.readyHead = head + gap;
      this.compactReady();
    }
    return taken;
  }

  /** Whether `job` leaves the ready list now (pushed on `taken`): answered, or started in a free slot. */
  private takeOne(job: Job, free: number, heads: Map<number, Job> | undefined, taken: Taken[]): boolean {
    const key = job.op.idempotencyKey;
    if (key !== undefined && this.answerFor(job) !== undefined) {
      taken.push({ job, answered: true });
      return true;
    }
    if (free <= 0) return false;
    if (job.node !== undefined && (this.busyNodes.has(job.node) || heads!.get(job.node) !== job)) return false;
    // Another job holds the key: this one waits for its outcome (and, as a node's head, holds
    // that node's FIFO too, since running anything before it would reorder the node's work).
    if (key !== undefined && !this.keys.acquire(key, job.seq)) return false;
    job.status = 'active';
    job.attempt++;
    this.activeCount++;
    if (job.node !== undefined) this.busyNodes.add(job.node);
    taken.push({ job, answered: false });
    return true;
  }

  /** Drops the prefix of jobs that left, once it is half the array: amortised O(1) per job. */
  private compactReady(): void {
    const head = this.readyHead;
    if (head === this.ready.length) {
      this.ready = [];
      this.readyHead = 0;
    } else if (head >= 1024 && head * 2 >= this.ready.length) {
      this.ready = this.ready.slice(head);
      this.readyHead = 0;
    }
  }

  private leaveReady(job: Job): void {
    if (job.node !== undefined) this.readyWithNode--;
    if (job.op.idempotencyKey !== undefined) this.readyKeyed--;
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
    this.finished(job);
    return this.afterFinish(job, result);
  }

  private create(op: Operation, parent: Job | undefined): Job {
    const seq = ++this.created;
    const job: Job = {
      seq, id: jobIdFor(op, seq), op, node: nodeOf(op), attempts: attemptsOf(op), parent, priority: priorityOf(op),
      status: 'delayed', readySeq: 0, attempt: 0, childrenLeft: 0, result: undefined,
    };
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
    this.finished(job);
    return this.afterFinish(job, result);
  }

  /** Past `keepFinished` finished jobs, the oldest is removed (its id may then be used again). */
  private finished(job: Job): void {
    this.finishedKept?.push(job, (old) => {
      if (this.byId.get(old.id) === old) this.byId.delete(old.id);
      if (old.op.idempotencyKey !== undefined) this.keys.forget(old.op.idempotencyKey, old.result!);
    });
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

/** Each node's earliest ready job (smallest readySeq): the only one of that node that may start. */
function nodeHeads(ready: readonly Job[], from: number): Map<number, Job> {
  const heads = new Map<number, Job>();
  for (let i = from; i < ready.length; i++) {
    const job = ready[i]!;
    if (job.node === undefined) continue;
    const head = heads.get(job.node);
    if (head === undefined || job.readySeq < head.readySeq) heads.set(job.node, job);
  }
  return heads;
}
