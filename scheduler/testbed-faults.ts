// Fault operations submitted to a Testbed (an `apply` file's node.crash, hub.down, link.cut …): not
// jobs, but the harness's faults, injected on the owner's side through the FaultInjector at their
// instant. They still report the events a job would (queued, active, completed or failed), so a run's
// state and digest read the same. Leaves out what only jobs have: per-node FIFO, priority, idempotency.

import type { FaultInjector } from '../workers/backend.js';
import { WorkerError, WorkerErrorCode } from '../workers/errors.js';
import { guarded, ok } from '../workers/handlers/handler.js';
import type { FaultOperation, OperationResult } from '../workers/operations.js';
import type { JobEvent } from './transport.js';
import type { VirtualClock } from './transports/inprocess-clock.js';
import { attemptsOf, delayOf, judgeAttempt } from './transports/job-rules.js';

/** One fault operation's call on the injector: the operation kinds are the port's vocabulary. */
export function injectOperation(op: FaultOperation, faults: FaultInjector): Promise<void> {
  switch (op.kind) {
    case 'node.powerOff': return faults.powerOff(op.node);
    case 'node.powerOn': return faults.powerOn(op.node);
    case 'node.crash': return faults.crash(op.node);
    case 'node.repair': return faults.repair(op.node);
    case 'disk.fail': return faults.failDisk(op.node, op.device, op.index);
    case 'hub.down': return faults.setHub(false);
    case 'hub.up': return faults.setHub(true);
    case 'link.cut': return faults.cutLink(op.a, op.b);
    case 'link.heal': return faults.healLink(op.a, op.b);
  }
}

/** For a Testbed whose backend brings no injector: every fault says so, naming what is missing. */
export const noFaults: FaultInjector = new Proxy({} as FaultInjector, {
  // Not `then`: the object must not pass for a promise when an async function returns it.
  get: (_target, method) => method === 'then' ? undefined : () =>
    Promise.reject(new WorkerError(WorkerErrorCode.notSupported, `${String(method)}: this testbed has no FaultInjector (pass \`faults\` to Testbed.open)`)),
});

export interface FaultOpsContext {
  readonly faults: FaultInjector;
  readonly clock: VirtualClock;
  /** Runs `body` as the owner in the lockstep gate, so a fault starts in a fixed order among the jobs' calls. */
  readonly owner: (body: () => Promise<void>) => Promise<void>;
  /** Every event, as the transport's are told. */
  readonly deliver: (event: JobEvent) => void;
  /** A programmer error (not a domain error): the run stops loudly. */
  readonly fail: (error: unknown) => void;
}

/**
 * The fault operations of one Testbed. Each is queued at once and injected `delayS` later; a failure
 * marked retryable is tried again after the same backoff as a job's, within its attempts.
 */
export class FaultOps {
  private readonly results = new Map<string, OperationResult>();
  private pendingCount = 0;

  constructor(private readonly context: FaultOpsContext) {}

  /** Faults queued and not finished yet. */
  get pending(): number {
    return this.pendingCount;
  }

  /** The result of fault `id` once it has finished; undefined before, or for an id that is not a fault's. */
  result(id: string): OperationResult | undefined {
    return this.results.get(id);
  }

  submit(op: FaultOperation, id: string): void {
    this.pendingCount++;
    this.emit('queued', id, op, 0);
    this.attemptAfter(delayOf(op), op, id, 1);
  }

  private attemptAfter(delayS: number, op: FaultOperation, id: string, attempt: number): void {
    const { clock, owner, fail } = this.context;
    clock.schedule(delayS, () => {
      owner(() => this.attempt(op, id, attempt)).catch(fail);
    });
  }

  private async attempt(op: FaultOperation, id: string, attempt: number): Promise<void> {
    this.emit('active', id, op, attempt);
    const outcome = await guarded(async () => (await injectOperation(op, this.context.faults), ok())).then(
      (result) => ({ result }),
      (thrown: unknown) => ({ thrown }),
    );
    const verdict = judgeAttempt(outcome, attempt, attemptsOf(op));
    if (verdict.kind === 'fatal') throw verdict.error;
    if (verdict.kind === 'retry') {
      this.emit('retrying', id, op, attempt, verdict.result);
      this.attemptAfter(verdict.delayS, op, id, attempt + 1);
      return;
    }
    this.results.set(id, verdict.result);
    this.pendingCount--;
    this.emit(verdict.kind, id, op, attempt, verdict.result);
  }

  private emit(kind: JobEvent['kind'], id: string, op: FaultOperation, attempt: number, result?: OperationResult): void {
    const base = { kind, id, op: op.kind, atS: this.context.clock.nowS, attempt };
    this.context.deliver(result === undefined ? base : { ...base, result });
  }
}
