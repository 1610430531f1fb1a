// Max speed: how much virtual time a tick covers when the TUI runs "as fast as it can", so that the
// screen still refreshes a few times a second. Chunks only pause the simulation between events, they
// never reorder them. Leaves out the wall-clock timer (controller.ts).

import type { LiveRun } from '../../scenarios/live.js';

/**
 * At max speed, wall milliseconds simulated per tick. Reading the state and drawing a frame cost about
 * 10–20 ms at 10,000 nodes, so four frames a second keep them under a tenth of the time, and a key
 * still answers within a quarter of a second.
 */
export const maxSpeedTickMs = 250;
/**
 * At most this much virtual time per max-speed tick: an idle grid (no events left) would otherwise
 * cover years per tick and flood the report recorder with empty buckets.
 */
const maxTickS = 30 * 86_400;
/** Wall milliseconds between looks at the clock (the chunk of virtual time adapts to hit it). */
const chunkTargetMs = 5;

export class MaxSpeedPacer {
  /** Virtual seconds per chunk, adapted to the grid's pace. */
  private chunkS = 600;

  /** Simulates in chunks until `budgetMs` of wall time from `t0` is spent, the month is covered or the scenario ends. */
  async advance(run: LiveRun, t0: number, budgetMs: number): Promise<void> {
    const untilS = run.nowS + maxTickS;
    const finishedBefore = run.finished;
    for (;;) {
      const c0 = performance.now();
      await run.advance(Math.min(this.chunkS, untilS - run.nowS));
      const now = performance.now();
      const tookMs = Math.max(now - c0, 0.01);
      this.chunkS = Math.min(maxTickS, Math.max(60, this.chunkS * Math.min(4, chunkTargetMs / tookMs)));
      if (now - t0 >= budgetMs || run.nowS >= untilS || run.finished !== finishedBefore || run.stopped) return;
    }
  }
}
