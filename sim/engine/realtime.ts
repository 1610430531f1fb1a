// Real-time-scaled running (as SimPy's RealtimeEnvironment and ns-3's real-time scheduler do):
// virtual time follows wall time × factor. The one place in sim/ that reads the wall clock.

import { SimulationError } from '../errors.js';
import type { Clock } from './clock.js';
import type { Callback } from './event-heap.js';
import type { Simulation } from './simulation.js';

/** Where wall time comes from; tests inject a fake one. */
export interface WallSource {
  nowMs(): number;
  /** Waits up to `ms`, or less if `wake` is called. */
  sleepMs(ms: number, wake: AbortSignal): Promise<void>;
}

export const systemWall: WallSource = {
  nowMs: () => performance.now(),
  sleepMs: (ms, wake) =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wake.removeEventListener('abort', done);
        resolve();
      }
      wake.addEventListener('abort', done);
    }),
};

/** A Clock on the wall, for host runs: seconds since it was made. */
export class WallClock implements Clock {
  private readonly startMs: number;
  constructor(private readonly wall: WallSource = systemWall) {
    this.startMs = wall.nowMs();
  }
  get nowS(): number {
    return (this.wall.nowMs() - this.startMs) / 1000;
  }
  sleep(delayS: number): Promise<void> {
    return this.wall.sleepMs(delayS * 1000, new AbortController().signal);
  }
}

/** The smallest float above x (x ≥ 0), by stepping its bit pattern. */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const bits = new Float64Array([x]);
  new BigInt64Array(bits.buffer)[0]! += 1n;
  return bits[0]!;
}

/** Never sleep longer than this, so stop() and injections are noticed promptly. */
const maxSleepMs = 250;

/**
 * Runs a Simulation so that an event at virtual time t is processed no earlier than wall time
 * start + (t − t0)/factor. Work arriving from outside is injected at the wall-derived "now".
 */
export class RealtimeRunner implements Clock {
  private wallStartMs = 0;
  private simStartS = 0;
  private running = false;
  private stopped = false;
  private wakeup = new AbortController();

  constructor(readonly sim: Simulation, readonly factor: number, private readonly wall: WallSource = systemWall) {
    if (!(factor > 0 && factor < Infinity)) throw new SimulationError(`real-time factor ${factor} must be > 0`);
  }

  /** Virtual time now, from the wall while running (never behind the simulation's own clock). */
  get nowS(): number {
    if (!this.running) return this.sim.nowS;
    const fromWall = this.simStartS + ((this.wall.nowMs() - this.wallStartMs) / 1000) * this.factor;
    return Math.max(this.sim.nowS, fromWall);
  }

  sleep(delayS: number): PromiseLike<unknown> {
    return this.sim.timeout(delayS);
  }

  /** Schedules `fn(arg)` at the current wall-derived virtual time and wakes the loop. */
  inject(fn: Callback, arg?: unknown): void {
    this.sim.scheduleAt(this.nowS, fn, arg);
    this.wakeup.abort();
  }

  stop(): void {
    this.stopped = true;
    this.wakeup.abort();
  }

  /** Runs until virtual time `untilS` (or stop()); events never run ahead of the scaled wall clock. */
  async run(untilS = Infinity): Promise<void> {
    this.wallStartMs = this.wall.nowMs();
    this.simStartS = this.sim.nowS;
    this.running = true;
    this.stopped = false;
    try {
      while (!this.stopped) {
        const horizonS = Math.min(this.nowS, untilS);
        if (horizonS >= untilS) {
          await this.sim.runAsync({ untilS });
          return;
        }
        // Events at exactly the horizon are due too: run up to the next float above it.
        await this.sim.runAsync({ untilS: nextUp(horizonS) });
        await this.waitForNextEvent(untilS);
      }
    } finally {
      this.running = false;
    }
  }

  private async waitForNextEvent(untilS: number): Promise<void> {
    const nextS = Math.min(this.sim.peekS(), untilS);
    const dueMs = this.wallStartMs + ((nextS - this.simStartS) / this.factor) * 1000;
    const waitMs = Math.min(maxSleepMs, Math.max(0, dueMs - this.wall.nowMs()));
    if (this.wakeup.signal.aborted) this.wakeup = new AbortController();
    if (waitMs > 0) await this.wall.sleepMs(waitMs, this.wakeup.signal);
  }
}

/**
 * The clock a transport runs on when real hosts do the work: a Simulation whose events wait for the
 * wall (virtual second t is due t seconds after construction), so delays and retry backoffs take
 * real time. Virtual time still holds whenever the transport's barrier holds it (jobs running).
 */
export class WallPacedClock {
  readonly sim: Simulation;
  /** Backend calls on real hosts end in wall time: a transport waits for them rather than calling a stall. */
  readonly realTime = true;
  private readonly startMs: number;
  private wake = new AbortController();
  private stopped = false;

  constructor(sim: Simulation, private readonly wall: WallSource = systemWall) {
    this.sim = sim;
    this.startMs = wall.nowMs();
  }

  get nowS(): number {
    return this.sim.nowS;
  }

  schedule(delayS: number, fn: () => void): number {
    const id = this.sim.schedule(delayS, fn);
    this.wake.abort(); // an event sooner than the one being waited for may now be due
    return id;
  }

  stop(): void {
    this.stopped = true;
    this.sim.stop();
    this.wake.abort();
  }

  runAsync(options: { readonly barrier?: () => Promise<void> | undefined } = {}): Promise<void> {
    this.stopped = false;
    const inner = options.barrier;
    return this.sim.runAsync({
      barrier: () => {
        const held = inner?.();
        if (held !== undefined) return held.then(() => this.untilDue());
        return this.dueNow() ? undefined : this.untilDue();
      },
    });
  }

  private dueNow(): boolean {
    return this.stopped || this.waitMs() <= 0;
  }

  /** Milliseconds until the next event is due on the wall (≤ 0: due; Infinity: none). */
  private waitMs(): number {
    const nextS = this.sim.peekS();
    return Number.isFinite(nextS) ? this.startMs + nextS * 1000 - this.wall.nowMs() : -1;
  }

  /** Sleeps until the earliest event is due, re-reading it whenever something is scheduled. */
  private async untilDue(): Promise<void> {
    while (!this.dueNow()) {
      if (this.wake.signal.aborted) this.wake = new AbortController();
      await this.wall.sleepMs(Math.min(this.waitMs(), maxSleepMs), this.wake.signal);
    }
  }
}
