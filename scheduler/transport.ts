// The Transport port: how operations travel from whoever submits them to the handlers that run
// them. Two implementations with the same semantics: in-process (virtual time) and BullMQ (Redis).

import type { Operation, OperationResult } from '../workers/operations.js';

export interface JobHandle {
  readonly id: string;
}

export type JobEventKind = 'queued' | 'active' | 'retrying' | 'completed' | 'failed';

/** What the typed event stream reports; `atS` is on the backend's clock. */
export interface JobEvent {
  readonly kind: JobEventKind;
  readonly id: string;
  readonly op: Operation['kind'];
  readonly atS: number;
  readonly attempt: number;
  readonly result?: OperationResult;
}

/**
 * Semantics both implementations keep (DESIGN "One Transport port"):
 * - submit validates the operation (InputError naming the field) before anything is queued;
 * - attempts with exponential backoff (1 s · 2^(attempt−1)) on failures marked retryable;
 * - priorities (lower first) and delays (delayS) among jobs due at the same time;
 * - per-node FIFO: jobs for one node run one at a time in submission order, as zos's provisiond;
 * - flows: a parent runs after all its children have completed (a deployment and its steps);
 * - idempotency: a job whose idempotencyKey already completed returns the stored result at once;
 * - backend calls go through the LockstepGate, so a run ends in the same state on both.
 */
export interface Transport {
  submit(op: Operation): Promise<JobHandle>;
  /** Children first (concurrently, each in its node's FIFO), then the parent. */
  submitFlow(parent: Operation, children: readonly Operation[]): Promise<JobHandle>;
  wait(handle: JobHandle): Promise<OperationResult>;
  /** Returns a function that unsubscribes. */
  onEvent(listener: (event: JobEvent) => void): () => void;
  /** Runs until no job is queued, delayed or active. */
  drain(): Promise<void>;
  close(): Promise<void>;
}
