// The clock the in-process transport runs on, as a port (the simulation satisfies it; scheduler/
// never imports sim/), and the one loop that drives it until what callers wait for has happened.

import { ErrorCode, ZosError } from '../../workers/errors.js';
import type { LockstepGate } from '../lockstep-gate.js';

/** What the transport needs of a virtual clock; sim/engine's Simulation has exactly this shape. */
export interface VirtualClock {
  readonly nowS: number;
  schedule(delayS: number, fn: () => void): unknown;
  /** Runs events until none is left or stop() is called; `barrier` may hold the clock before each. */
  runAsync(options?: { readonly barrier?: () => Promise<void> | undefined }): Promise<void>;
  /** Ends the current run after the event being processed. */
  stop(): void;
  /**
   * True when backend calls finish in real time, not at this clock's events (real hosts on a
   * WallPacedClock): with no event left, a call still running is waited for, not called a stall.
   */
  readonly realTime?: boolean;
}

interface Goal {
  readonly done: () => boolean;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Runs the clock for every caller at once: one runAsync loop, however many waits are pending,
 * because two loops over one simulation would interleave its events. The grid may hold periodic
 * events forever, so the loop stops the clock as soon as some goal is met rather than at the end.
 */
export class ClockDriver {
  private goals: Goal[] = [];
  private looping = false;
  private stopAsked = false;
  private failure: { readonly error: unknown } | undefined;

  constructor(
    private readonly clock: VirtualClock,
    private readonly gate: LockstepGate,
    /** Names what is unfinished, for the message when nothing can move any more. */
    private readonly describeStall: () => string,
  ) {}

  /** Resolves once `done()` holds, running the clock as long as needed. */
  until(done: () => boolean): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure.error);
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.goals.push({ done, resolve, reject });
      if (!this.looping) void this.loop();
    });
  }

  /** Something finished: if a goal is now met, stop the clock so that its waiter runs next. */
  progress(): void {
    if (this.stopAsked || !this.goals.some((goal) => goal.done())) return;
    this.stopAsked = true;
    this.clock.stop();
  }

  /** A programmer error: every wait, now and later, rejects with it (the run stops loudly). */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.clock.stop();
  }

  private async loop(): Promise<void> {
    this.looping = true;
    const barrier = (): Promise<void> | undefined => (this.gate.quiet ? undefined : this.quietSettled());
    try {
      while (this.goals.length > 0) {
        this.stopAsked = false;
        await this.clock.runAsync({ barrier });
        if (this.failure !== undefined) {
          this.rejectAll(this.failure.error);
          break;
        }
        if (this.settleGoals() || this.stopAsked) continue;
        // Jobs whose code runs elsewhere may still call the backend and schedule more events.
        if (!this.gate.quiet) {
          await this.gate.whenQuiet();
          continue;
        }
        if (this.clock.realTime === true && this.gate.runningCalls > 0) {
          await this.gate.whenACallSettles();
          continue;
        }
        // No event left and no job running: what is awaited can never happen.
        this.rejectAll(new ZosError(ErrorCode.simulation, `the run stalled with nothing left to do: ${this.describeStall()}`));
      }
    } catch (error) {
      this.rejectAll(error);
    } finally {
      this.looping = false;
    }
  }

  /**
   * Resolves once the gate is quiet and stays so after every pending microtask has run. A call
   * that settles at once (no virtual time) makes its job run again right after the gate went
   * quiet; a job whose code runs in another process then needs real time before its next call,
   * and the clock must not move meanwhile.
   */
  private async quietSettled(): Promise<void> {
    do {
      await this.gate.whenQuiet();
      await new Promise<void>((resolve) => setImmediate(resolve));
    } while (!this.gate.quiet);
  }

  private settleGoals(): boolean {
    const met = this.goals.filter((goal) => goal.done());
    if (met.length === 0) return false;
    this.goals = this.goals.filter((goal) => !met.includes(goal));
    for (const goal of met) goal.resolve();
    return true;
  }

  private rejectAll(error: unknown): void {
    const goals = this.goals;
    this.goals = [];
    for (const goal of goals) goal.reject(error);
  }
}
