// The scheduler's queue as an operator watches it: how many jobs wait, run, wait to retry, finished
// or failed, and the reconciler's own actions (why each was taken, whether its job is queued, running
// or done). Fed only by the Testbed's job events and audit log, as a dashboard over the queue would be.

import type { AuditEntry } from '../scheduler/reconciler/reconciler-types.js';
import type { JobEvent, Testbed } from '../scheduler/testbed.js';

export interface QueueCounts {
  /** Due and waiting for a worker slot (or for their node's FIFO). */
  readonly waiting: number;
  readonly active: number;
  /** Waiting out a retry's backoff: not due yet (BullMQ's "delayed" list). */
  readonly delayed: number;
  /** Jobs on their second or later attempt, whatever their state now (delayed, waiting or active). */
  readonly retrying: number;
  readonly completed: number;
  readonly failed: number;
}

export type HealingState = 'queued' | 'running' | 'done' | 'failed';

export interface HealingAction {
  readonly id: string;
  readonly atS: number;
  /** The audit reason that made the job: replace, zstor-repair, znet-reapply, cleanup… */
  readonly reason: string;
  readonly detail: string;
  state: HealingState;
}

/** Healing actions kept for the panel: the newest ones (the counts cover all). */
const keptActions = 50;

export class JobTally {
  private readonly state = new Map<string, 'waiting' | 'active' | 'delayed'>();
  /** Unfinished jobs that failed an attempt and will run again. */
  private readonly retried = new Set<string>();
  private completed = 0;
  private failed = 0;
  /** The reconciler's jobs not finished yet, and the newest actions whatever their state. */
  private readonly healingOpen = new Map<string, HealingAction>();
  private readonly healingRecent: HealingAction[] = [];
  private healingDone = 0;
  private healingFailed = 0;

  /** Only the Testbed's two feeds are read (a dashboard needs no more). */
  constructor(testbed: Pick<Testbed, 'on' | 'onAudit'>) {
    testbed.onAudit((entry) => this.onAudit(entry));
    testbed.on((event) => this.onEvent(event));
  }

  queue(): QueueCounts {
    let waiting = 0;
    let active = 0;
    let delayed = 0;
    for (const s of this.state.values()) {
      if (s === 'waiting') waiting++;
      else if (s === 'active') active++;
      else delayed++;
    }
    return { waiting, active, delayed, retrying: this.retried.size, completed: this.completed, failed: this.failed };
  }

  /** The reconciler's actions by state, and the newest ones, newest first. */
  healingView(): { readonly counts: Readonly<Record<HealingState, number>>; readonly recent: readonly HealingAction[] } {
    let queued = 0;
    let running = 0;
    for (const a of this.healingOpen.values()) {
      if (a.state === 'running') running++;
      else queued++;
    }
    return { counts: { queued, running, done: this.healingDone, failed: this.healingFailed }, recent: [...this.healingRecent].reverse() };
  }

  private onAudit(entry: AuditEntry): void {
    for (const op of entry.ops) {
      if (op.id === undefined) continue;
      // Its job may have started (or even ended) before the entry was told: it is the job's state that counts.
      const action: HealingAction = { id: op.id, atS: entry.atS, reason: entry.reason, detail: entry.detail, state: this.state.get(op.id) === 'active' ? 'running' : 'queued' };
      this.healingOpen.set(op.id, action);
      this.healingRecent.push(action);
      if (this.healingRecent.length > keptActions) this.healingRecent.shift();
    }
  }

  private onEvent(event: JobEvent): void {
    switch (event.kind) {
      case 'queued':
        this.state.set(event.id, 'waiting');
        break;
      case 'active':
        this.state.set(event.id, 'active');
        break;
      case 'retrying':
        // The transport holds the job back for its backoff, then runs it again (no new 'queued').
        this.state.set(event.id, 'delayed');
        this.retried.add(event.id);
        break;
      case 'completed':
      case 'failed':
        this.state.delete(event.id);
        this.retried.delete(event.id);
        if (event.kind === 'completed') this.completed++;
        else this.failed++;
        break;
    }
    this.moveHealing(event);
  }

  private moveHealing(event: JobEvent): void {
    const action = this.healingOpen.get(event.id);
    if (action === undefined) return;
    if (event.kind === 'active') action.state = 'running';
    else if (event.kind === 'retrying') action.state = 'queued';
    else if (event.kind === 'completed' || event.kind === 'failed') {
      action.state = event.kind === 'completed' ? 'done' : 'failed';
      this.healingOpen.delete(event.id);
      if (event.kind === 'completed') this.healingDone++;
      else this.healingFailed++;
    }
  }
}
