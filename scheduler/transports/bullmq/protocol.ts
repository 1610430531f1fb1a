// The wire format between the owner of the simulated state and worker processes: job payloads on
// the BullMQ queue, backend calls and completions on a Redis list, replies on per-call lists.

import type { OperationResult } from '../../../workers/operations.js';
import { InternalError, isErrorCode, operationError, WorkerError, type OperationError } from '../../../workers/errors.js';

/** Names shared by the owner and every worker serving one queue. */
export interface Channel {
  /** The BullMQ queue carrying one job per operation attempt. */
  readonly queue: string;
  /** The list the owner pops backend calls and completions from. */
  readonly requests: string;
  /** The list a worker process's replies go to (one per process, however many jobs it runs). */
  replyKey(clientId: string): string;
}

import { defaultQueueName } from './queue-name.js';

export function channelFor(queue: string = defaultQueueName): Channel {
  // The hash tag keeps every key of one queue in one cluster slot, as BullMQ's own keys are.
  const base = `zt:{${queue}}`;
  return { queue, requests: `${base}:rpc`, replyKey: (clientId) => `${base}:reply:${clientId}` };
}

/** What the owner puts on the queue. `nowS` is the owner's clock when it dispatched the job. */
export interface JobPayload {
  /** The owner's run: a stale job of an earlier run must not be taken for this run's job `seq`. */
  readonly run: string;
  readonly seq: number;
  readonly attempt: number;
  readonly nowS: number;
  readonly op: unknown;
  /**
   * A continuation of a job whose worker let go of it (parked): the encoded replies to its calls so
   * far, which the handler replays without asking the owner again before it makes its next call.
   */
  readonly replies?: readonly string[];
}

/** One backend call, or the job's completion (`method: '$done'`, no reply expected). */
export interface CallRequest {
  readonly run: string;
  readonly seq: number;
  readonly attempt: number;
  readonly index: number;
  readonly method: string;
  readonly args: readonly unknown[];
  /** Where the reply goes; absent for '$done'. */
  readonly replyTo?: string;
  /** Comes back with the reply: names the delivery and call it answers (no '|' inside). */
  readonly tag?: string;
  /** The worker (one per startJobWorker) and its concurrency: the owner counts its slots waiting. */
  readonly worker?: string;
  readonly slots?: number;
}

/** A reply on the wire: the request's tag, '|', the encoded CallReply. */
export function encodeReply(tag: string, reply: string): string {
  return `${tag}|${reply}`;
}

export const doneMethod = '$done';

export type CallReply =
  | { readonly ok: true; readonly value?: unknown; readonly nowS: number }
  | { readonly ok: false; readonly error: WireError; readonly nowS: number }
  | ParkedReply;

/**
 * "Let go of this job": the call waits on jobs still queued behind a worker slot, so the slot must
 * be free first. The worker completes the BullMQ job without reporting an outcome; once the call
 * settles, the owner queues a continuation carrying every reply so far (JobPayload.replies).
 */
export interface ParkedReply {
  readonly parked: true;
}

export const parkedReply = '{"parked":true}';

/** A failure as the owner classified it, so a handler in a worker maps it exactly as in-process. */
export interface WireError {
  readonly message: string;
  /** operationError()'s view; absent for a programmer error, which must stop the run loudly. */
  readonly operation?: OperationError;
}

/** How long a reply list lives if nobody reads it (its worker died): Redis memory stays flat. */
export const replyTtlS = 60;

/** A worker re-sends a call it got no reply to after this long; the owner answers duplicates once. */
export const callResendMs = 2_000;

export function toWireError(error: unknown): WireError {
  const operation = operationError(error);
  const message = error instanceof Error ? error.message : String(error);
  return operation === undefined ? { message } : { message, operation };
}

/**
 * The error the other side reported, rebuilt on this side: a WorkerError carrying its code, message
 * and retry advice, so operationError() gives here what it gave there. `from` names the other side
 * ('owner' in a worker, 'worker' in the owner). What no operation error is behind (a programmer
 * error there) and anything that does not parse (it came through Redis) become an InternalError,
 * E_INTERNAL, which stops the run loudly as the programmer error would have in-process.
 */
export function fromWireError(wire: WireError, from: 'owner' | 'worker'): Error {
  const message = typeof wire?.message === 'string' ? wire.message : 'no message';
  const op = wire?.operation as Partial<OperationError> | null | undefined;
  if (typeof op !== 'object' || op === null) return new InternalError(`${from}: ${message}`);
  if (!isErrorCode(op.code)) return new InternalError(`${from}: unknown error code ${JSON.stringify(op.code)}: ${message}`);
  return new WorkerError(op.code, typeof op.message === 'string' ? op.message : message, op.retryable === true);
}

/** What a completion report carries: the handler's result, or what it threw. */
export type WireOutcome = { readonly result: OperationResult } | { readonly thrown: WireError };
