// The owner's foresight of a job's first backend call: the handler run up to its first call against a
// backend that only records. Leaves out everything after that call: its reply is the worker's to use.

import type { Backend } from '../../../workers/backend.js';
import type { Operation, OperationResult } from '../../../workers/operations.js';
import { backendCalls, type BackendCall } from '../gated-backend.js';

/** A call as it travels: its method, and its arguments as JSON text (what a worker's request parses from). */
export interface ForeseenCall {
  readonly method: BackendCall;
  readonly argsText: string;
}

/** Stands in for the backend while a handler runs up to its first call; nothing it is asked reaches anything. */
class Recorder {
  method: BackendCall | undefined;
  args: unknown[] | undefined;
  calls = 0;

  constructor(private readonly clockS: number) {}

  nowS(): number {
    return this.clockS;
  }
}

for (const method of backendCalls) {
  Object.defineProperty(Recorder.prototype, method, {
    value(this: Recorder, ...args: unknown[]) {
      if (this.calls++ === 0) {
        this.method = method;
        this.args = args;
      }
      // A promise of its own that never settles: once the handler's frame is dropped, nothing holds
      // it (one promise shared by every job would keep each job's continuation alive for ever).
      return new Promise(() => {});
    },
  });
}

/**
 * The call `run(op, backend)` makes first, when it makes it before its first await, as every handler
 * here does; undefined when it returns, throws or awaits something else first (the owner then waits
 * for the worker's call, as without foresight). Handlers are functions of the operation, the clock
 * (`nowS`, which is the payload's `nowS` on the worker) and the replies, so the worker's first call is
 * this one; the owner checks that it is (BullmqCoordinator.claim).
 */
export function foreseeFirstCall(run: (op: Operation, backend: Backend) => Promise<OperationResult>, op: Operation, nowS: number): ForeseenCall | undefined {
  const recorder = new Recorder(nowS);
  try {
    // A handler that fails before its first call fails again on the worker, which reports it.
    run(op, recorder as unknown as Backend).catch(() => {});
  } catch {
    return undefined;
  }
  if (recorder.calls !== 1) return undefined;
  return { method: recorder.method!, argsText: JSON.stringify(recorder.args) };
}
