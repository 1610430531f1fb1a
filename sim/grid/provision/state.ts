// The node-side state machine of one workload (DOMAIN.md 2.4 table) and the stored record with its
// result history. Leaves out the chain-driven states (contract validation errors, grace periods as such).

import { SimulationError } from '../../errors.js';
import type { Deployment, Workload, WorkloadResult } from '../deployment.js';

export type WorkloadState = WorkloadResult['state'];

/**
 * Every transition the engine may make. `error` and `deleted` are terminal: nothing leaves them,
 * which is how zos behaves today (zos#2659 proposes a retried `failed` state; not modelled).
 * Same-state entries are re-runs (reboot, a replayed job) and updates that keep a state.
 */
const allowed: Readonly<Record<WorkloadState, readonly WorkloadState[]>> = {
  init: ['ok', 'error', 'deleted'],
  ok: ['ok', 'unchanged', 'paused', 'deleted', 'error'],
  unchanged: ['ok', 'unchanged', 'paused', 'deleted', 'error'],
  paused: ['ok', 'paused', 'deleted', 'error'],
  error: [],
  deleted: [],
};

export function canTransition(from: WorkloadState, to: WorkloadState): boolean {
  return allowed[from].includes(to);
}

/** Terminal states are skipped by every later job, reboot re-runs included. */
export function isTerminal(state: WorkloadState): boolean {
  return state === 'error' || state === 'deleted';
}

/** States in which a workload's capacity stays reserved (the previous config runs while `unchanged`). */
export function holdsCapacity(state: WorkloadState): boolean {
  return state === 'ok' || state === 'paused' || state === 'unchanged';
}

/** One workload as the node stores it: the config that runs, its current result and every earlier one. */
export interface StoredWorkload {
  /** The config in effect: a failed update keeps the previous one here. */
  workload: Workload;
  result: WorkloadResult;
  /** Oldest first; the last entry equals `result`. zos's `changes` call returns this. */
  readonly history: WorkloadResult[];
  /** Memory admitted for this workload on this boot; 0 when none is held. */
  memoryBytes: number;
}

export function newStoredWorkload(workload: Workload, createdS: number): StoredWorkload {
  const result: WorkloadResult = { created: createdS, state: 'init', message: '', data: null };
  return { workload, result, history: [result], memoryBytes: 0 };
}

/**
 * Sets a new result, appending it to the history. A result equal to the current one is zos's "no
 * action needed" (an idempotent re-run) and leaves no trace; returns whether anything was recorded.
 */
export function setResult(stored: StoredWorkload, next: WorkloadResult): boolean {
  const current = stored.result;
  if (!canTransition(current.state, next.state)) {
    throw new SimulationError(`workload ${stored.workload.name}: ${current.state} → ${next.state} is not a zos transition`);
  }
  if (current.state === next.state && current.message === next.message && sameData(current.data, next.data)) return false;
  stored.result = next;
  stored.history.push(next);
  return true;
}

function sameData(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

export interface StoredDeployment {
  /** The last document admission accepted; the next update is checked against it. */
  accepted: Deployment;
  /** The document the worker has applied; managers see this one. */
  applied: Deployment;
  /** Every workload ever stored for the contract, removed ones (`deleted`) included, by name. */
  readonly workloads: Map<string, StoredWorkload>;
}

export type ChangeListener = (node: number, contractId: number, workloadName: string, result: WorkloadResult) => void;
