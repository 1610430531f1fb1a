// zos vmd's crash-loop rule (pkg/vm/monitor.go): a failure counter that lives 2 min from its first
// failure (go-cache, not sliding), and a machine that reaches 4 failures in it is decommissioned.

/** vmd checks every machine every 10 s; restarts happen only at those ticks. */
export const MONITOR_EVERY_S = 10;
export const FAILURES_BEFORE_DESTROY = 4;
/** The failure cache's default expiration, counted from the failure that created the entry. */
export const FAILURE_WINDOW_S = 120;
/** zos's decommission reason, word for word. */
export const CRASH_LOOP_REASON = 'deleting vm due to so many crashes';

/** The first monitor tick strictly after `nowS`: ticks sit at whole multiples of the period. */
export function nextMonitorTickS(nowS: number): number {
  return (Math.floor(nowS / MONITOR_EVERY_S) + 1) * MONITOR_EVERY_S;
}

export class CrashLoopCounter {
  private windowStartS = -Infinity;
  private count = 0;

  /**
   * Records a failure seen by the monitor at `nowS`; true when the machine must be decommissioned.
   * go-cache drops an entry only once now > expiration, so a failure exactly 120 s after the first counts.
   */
  recordFailure(nowS: number): boolean {
    if (nowS - this.windowStartS > FAILURE_WINDOW_S) {
      this.windowStartS = nowS;
      this.count = 0;
    }
    this.count++;
    return this.count >= FAILURES_BEFORE_DESTROY;
  }

  get failures(): number {
    return this.count;
  }
}
