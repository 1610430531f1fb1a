// The per-job rules both transports keep (scheduler/transport.ts): ids, attempts and backoff, what
// an attempt's outcome means, ready order and idempotency. Plain functions: no queue, clock or I/O.

import { operationError } from '../../workers/errors.js';
import type { Operation, OperationResult } from '../../workers/operations.js';

export const defaultAttempts = 3;
const backoffBaseS = 1;

/** Codes the transport itself reports; as stable as the workers' codes. */
export const TransportErrorCode = {
  /** A flow's parent never ran because one of its children failed for good. */
  childFailed: 'E_CHILD_FAILED',
} as const;

/** The id a job goes by: the operation's own, else one from its submission number (1-based). */
export function jobIdFor(op: Operation, seq: number): string {
  return op.id ?? `op-${seq}`;
}

export function attemptsOf(op: Operation): number {
  return Math.max(1, op.attempts ?? defaultAttempts);
}

/** Lower runs first; no priority is 0, ahead of every prioritised job, as in BullMQ. */
export function priorityOf(op: Operation): number {
  return op.priority ?? 0;
}

export function delayOf(op: Operation): number {
  return op.delayS ?? 0;
}

/** The wait before attempt `failedAttempt + 1`: 1 s · 2^(failedAttempt − 1). */
export function backoffS(failedAttempt: number): number {
  return backoffBaseS * 2 ** (failedAttempt - 1);
}

/** How one attempt ended: the handler returned a result, or threw. */
export type AttemptOutcome = { readonly result: OperationResult } | { readonly thrown: unknown };

/** What to do after an attempt. `fatal` is a programmer error: the run must stop loudly. */
export type Verdict =
  | { readonly kind: 'completed'; readonly result: OperationResult }
  | { readonly kind: 'retry'; readonly result: OperationResult; readonly delayS: number }
  | { readonly kind: 'failed'; readonly result: OperationResult }
  | { readonly kind: 'fatal'; readonly error: unknown };

/**
 * Judges attempt number `attempt` (1-based). A failure is retried only when its error says
 * `retryable: true` (workers/errors.ts decides that, in one place) and attempts are left.
 */
export function judgeAttempt(outcome: AttemptOutcome, attempt: number, attempts: number): Verdict {
  let result: OperationResult;
  let retryable: boolean;
  if ('thrown' in outcome) {
    const error = operationError(outcome.thrown);
    if (error === undefined) return { kind: 'fatal', error: outcome.thrown };
    result = { state: 'failed', error: { code: error.code, message: error.message } };
    retryable = error.retryable;
  } else {
    result = outcome.result;
    if (result.state === 'ok') return { kind: 'completed', result };
    retryable = (result.error as { retryable?: unknown } | undefined)?.retryable === true;
  }
  if (retryable && attempt < attempts) return { kind: 'retry', result, delayS: backoffS(attempt) };
  return { kind: 'failed', result };
}

export function childFailedResult(childId: string, child: OperationResult): OperationResult {
  const why = child.error === undefined ? 'failed' : `${child.error.code}: ${child.error.message}`;
  return { state: 'failed', error: { code: TransportErrorCode.childFailed, message: `child ${childId} failed (${why})` } };
}

/** A job waiting for a worker, as far as ordering is concerned. */
export interface ReadyOrder {
  readonly priority: number;
  /** Counts up each time any job becomes ready: FIFO among equal priorities, and per node. */
  readonly readySeq: number;
}

export function compareReady(a: ReadyOrder, b: ReadyOrder): number {
  return a.priority - b.priority || a.readySeq - b.readySeq;
}

/**
 * Idempotency keys: a key's first successful result is kept, and while one job holds a key no
 * other job with that key may start, so a retried or resubmitted operation applies once.
 */
export class IdempotencyBook {
  private readonly results = new Map<string, OperationResult>();
  private readonly holders = new Map<string, number>();

  completed(key: string): OperationResult | undefined {
    return this.results.get(key);
  }

  /** True when job `seq` may start now (it holds the key afterwards), false when another holds it. */
  acquire(key: string, seq: number): boolean {
    const holder = this.holders.get(key);
    if (holder !== undefined && holder !== seq) return false;
    this.holders.set(key, seq);
    return true;
  }

  /** Job `seq` finished for good; a success answers every later job with the key. */
  release(key: string, seq: number, result: OperationResult): void {
    if (this.holders.get(key) === seq) this.holders.delete(key);
    if (result.state === 'ok' && !this.results.has(key)) this.results.set(key, result);
  }

  /** The job that answered with `result` was removed: its key answers no more (BullMQ's removeOnComplete). */
  forget(key: string, result: OperationResult): void {
    if (this.results.get(key) === result) this.results.delete(key);
  }
}
