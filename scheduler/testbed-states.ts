// Each operation's latest state, kept from the transport's event stream so that Testbed.state()
// reads the same from either transport, and the run digest built from it. Leaves out history.

import { createHash } from 'node:crypto';
import type { OperationResult } from '../workers/operations.js';
import type { JobEvent, JobEventKind } from './transport.js';
import { NewestKept } from './transports/newest-kept.js';

export interface OpState {
  readonly id: string;
  readonly kind: JobEvent['op'];
  /** `completed` and `failed` are final; the others mean the run has not finished it yet. */
  readonly state: JobEventKind;
  /** Attempts started; 0 when an earlier job with its idempotency key answered it. */
  readonly attempt: number;
  /** Virtual time of the latest event: for a finished operation, when it finished. */
  readonly atS: number;
  readonly error: { readonly code: string; readonly message: string } | null;
}

interface Entry {
  readonly state: OpState;
  readonly result: OperationResult | undefined;
}

export class OpStates {
  /** Insertion order is submission order: every job is queued before anything else happens to it. */
  private readonly byId = new Map<string, Entry>();
  /** With `keepFinished`, the finished entries kept: the oldest is forgotten past that many. */
  private readonly finished: NewestKept<Entry> | undefined;

  /** Finished operations kept beyond which the oldest are forgotten; all by default. */
  constructor(keepFinished = Infinity) {
    this.finished = keepFinished === Infinity ? undefined : new NewestKept(keepFinished);
  }

  record(event: JobEvent): void {
    const error = event.result?.error;
    const failing = event.kind === 'failed' || event.kind === 'retrying';
    const state: OpState = {
      id: event.id,
      kind: event.op,
      state: event.kind,
      attempt: event.attempt,
      atS: event.atS,
      error: failing && error !== undefined ? { code: error.code, message: error.message } : null,
    };
    const entry: Entry = { state, result: event.result };
    this.byId.set(event.id, entry);
    if (this.finished !== undefined && (event.kind === 'completed' || event.kind === 'failed')) {
      // An id used again since is not forgotten with its old entry.
      this.finished.push(entry, (old) => {
        if (this.byId.get(old.state.id) === old) this.byId.delete(old.state.id);
      });
    }
  }


  has(id: string): boolean {
    return this.byId.has(id);
  }

  list(): OpState[] {
    return [...this.byId.values()].map((entry) => entry.state);
  }

  /**
   * SHA-256 over the grid's digest and every operation's outcome: its final state, attempts, result
   * and the virtual instant it finished. The grid digest leaves time out; the run digest keeps it,
   * because under the lockstep gate both transports finish every operation at the same instant,
   * and the seed shows in those instants (device service times are drawn from it).
   */
  digest(gridHash: string): string {
    const ops = [...this.byId.values()].map(({ state, result }) => [state.id, state.state, state.attempt, state.atS, result ?? null]);
    return createHash('sha256').update(JSON.stringify({ grid: gridHash, ops }, withoutPorts)).digest('hex');
  }
}

/**
 * Leaves a result's `Port` out (a zdb's, as zos returns it): on real hosts it is the port the OS gave
 * the node's 0-db, different between equal runs, as the hosts' grid digest leaves ports out too; in
 * simulation it is always 9900, so leaving it out loses nothing.
 */
function withoutPorts(key: string, value: unknown): unknown {
  return key === 'Port' ? undefined : value;
}
