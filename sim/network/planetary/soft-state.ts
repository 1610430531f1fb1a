// When the Planetary Network's soft state turns over: root records expiring and periodic parent refresh.
// Leaves out per-node timer jitter (ironwood adds up to 1 s): all records share one refresh phase per run.

import type { Scheduler } from '../../engine/events.js';
import type { PlanetaryTimers } from './timers.js';

/** Anything waiting on a regrow; the overlay's Reconvergence records. */
export interface Waiting {
  convergedAtS: number;
}

/**
 * Schedules at most one expiry and one refresh at a time, as events, only when some change waits on
 * them; a node-by-node refresh tick would cost n events every four minutes for nothing.
 */
export class SoftStateClock<W extends Waiting> {
  private expiryPending = false;
  private refreshPending = false;
  private readonly expiryQueue: W[] = [];
  private readonly refreshQueue: W[] = [];

  constructor(
    private readonly sim: Scheduler & { scheduleAt(timeS: number, fn: () => void): number },
    private readonly timers: PlanetaryTimers,
    /** The phase of the refresh period, drawn once per run so that expiry times vary with the seed. */
    readonly refreshPhaseS: number,
    private readonly regrow: (waiting: W[]) => void,
    /** What runs when a record expires (the stranded nodes re-elect); `regrow` when absent. */
    private readonly onExpiry: (waiting: W[]) => void = regrow,
  ) {}

  /**
   * Nodes cut off from their root keep its record until it expires: its last refresh before now plus
   * the router timeout. One expiry at a time: nodes cut off while one is pending re-elect with it,
   * although their record might live up to one refresh period longer (a simplification).
   */
  expire(record: W): void {
    record.convergedAtS = NaN;
    this.expiryQueue.push(record);
    if (this.expiryPending) return;
    this.expiryPending = true;
    const now = this.sim.nowS;
    const R = this.timers.routerRefreshS;
    const lastRefreshS = this.refreshPhaseS + Math.floor((now - this.refreshPhaseS) / R) * R;
    this.sim.scheduleAt(Math.max(now, lastRefreshS + this.timers.routerTimeoutS), () => {
      this.expiryPending = false;
      this.onExpiry(this.expiryQueue.splice(0));
    });
  }

  /** At the next refresh every node re-evaluates its parent. */
  refresh(record: W): void {
    this.refreshQueue.push(record);
    if (this.refreshPending) return;
    this.refreshPending = true;
    const R = this.timers.routerRefreshS;
    const nextS = this.refreshPhaseS + Math.ceil((this.sim.nowS - this.refreshPhaseS) / R) * R;
    this.sim.scheduleAt(Math.max(this.sim.nowS, nextS), () => {
      this.refreshPending = false;
      this.regrow(this.refreshQueue.splice(0));
    });
  }
}
