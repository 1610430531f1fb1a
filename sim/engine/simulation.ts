// The simulation kernel: a virtual clock and an event heap ordered by (time, priority, sequence).
// It runs callbacks, generator processes and async code; it has no notion of devices or grids.

import { SimulationError } from '../errors.js';
import type { Clock } from './clock.js';
import { EventHeap, type Callback } from './event-heap.js';
import { Condition, Priority, SimEvent, type ConditionValue, type Scheduler } from './events.js';
import { Process, type ProcessGenerator } from './process.js';

/** Keys are priority·2^42 + sequence: 4.4·10^12 events per run and |priority| ≤ 1000 stay exact. */
const sequenceSpan = 2 ** 42;
const maxPriority = 1000;

export interface RunOptions {
  /** Stop before processing events at or after this virtual time, and set the clock to it. */
  untilS?: number;
  /** Stop after this many events (a guard for tests and benchmarks). */
  maxEvents?: number;
  /**
   * runAsync only: called before each event; when it returns a promise, the clock waits for it.
   * A coordinator uses it to hold virtual time while jobs in other processes are mid-handler.
   */
  barrier?: () => Promise<void> | undefined;
}

export class Simulation implements Scheduler, Clock {
  nowS = 0;
  /** Events processed so far, cancelled ones not counted. */
  eventCount = 0;
  activeProcess: unknown = null;
  private readonly heap = new EventHeap();
  private readonly cancelled = new Set<number>();
  private sequence = 0;
  private stopRequested = false;
  private asyncWoken = false;

  /** Schedules `fn(arg)` after `delayS`; returns a handle for cancel(). */
  schedule(delayS: number, fn: Callback, arg?: unknown, priority: number = Priority.normal): number {
    if (!(delayS >= 0 && delayS < Infinity)) throw new SimulationError(`bad delay ${delayS} s`);
    let key = this.sequence++;
    if (priority !== 0) {
      if (!(Math.abs(priority) <= maxPriority)) throw new SimulationError(`bad priority ${priority}`);
      key += priority * sequenceSpan;
    }
    this.heap.push(this.nowS + delayS, key, fn, arg);
    return key;
  }

  scheduleAt(timeS: number, fn: Callback, arg?: unknown, priority: number = Priority.normal): number {
    if (!(timeS >= this.nowS)) throw new SimulationError(`time ${timeS} s is in the past (now ${this.nowS} s)`);
    return this.schedule(timeS - this.nowS, fn, arg, priority);
  }

  /** Cancels a scheduled callback; it is skipped when its time comes (lazy deletion). */
  cancel(handle: number): void {
    this.cancelled.add(handle);
  }

  /** Time of the next pending entry (cancelled ones included), or Infinity. */
  peekS(): number {
    return this.heap.peekTimeS();
  }

  get pendingCount(): number {
    return this.heap.size - this.cancelled.size;
  }

  /** Processes one event; false when nothing is left. */
  step(): boolean {
    const heap = this.heap;
    while (heap.size > 0) {
      heap.pop();
      if (this.cancelled.size !== 0 && this.cancelled.delete(heap.poppedKey)) continue;
      this.nowS = heap.poppedTimeS;
      const fn = heap.poppedFn!;
      const arg = heap.poppedArg;
      heap.poppedFn = undefined;
      heap.poppedArg = undefined;
      this.eventCount++;
      fn(arg);
      return true;
    }
    return false;
  }

  /**
   * Runs synchronously. Code that awaits events must use runAsync: its continuations would
   * otherwise run after this returns, out of virtual-time order, so that is an error here.
   */
  run(options: RunOptions = {}): void {
    const untilS = this.startRun(options);
    const lastEvent = this.eventCount + (options.maxEvents ?? Infinity);
    const heap = this.heap;
    // step() inlined: this loop is the engine's hot path.
    while (heap.size > 0 && heap.peekTimeS() < untilS && this.eventCount < lastEvent && !this.stopRequested) {
      heap.pop();
      if (this.cancelled.size !== 0 && this.cancelled.delete(heap.poppedKey)) continue;
      this.nowS = heap.poppedTimeS;
      this.eventCount++;
      heap.poppedFn!(heap.poppedArg);
      if (this.asyncWoken) throw new SimulationError('an async waiter woke inside run(); use runAsync()');
    }
    heap.poppedFn = undefined;
    heap.poppedArg = undefined;
    this.endRun(untilS);
  }

  /** Runs events, draining microtasks after any event that woke async code. */
  async runAsync(options: RunOptions = {}): Promise<void> {
    const untilS = this.startRun(options);
    const lastEvent = this.eventCount + (options.maxEvents ?? Infinity);
    await drainMicrotasks(); // let callers started before the run register their first waits
    this.asyncWoken = false;
    const barrier = options.barrier;
    let eventsSinceBreath = 0;
    for (;;) {
      // Asked again once it resolves, rather than followed by a fixed pause: the barrier knows when
      // the clock may move (its promise may resolve before the code it waits for has run), and a
      // pause per instant is a turn of the event loop, a good part of a lockstep instant's cost.
      for (let held = barrier?.(); held !== undefined; held = barrier!()) await held;
      if (this.stopRequested || !(this.heap.peekTimeS() < untilS) || this.eventCount >= lastEvent) break;
      if (!this.step()) break;
      if (this.asyncWoken || ++eventsSinceBreath >= eventsPerBreath) {
        // Also every few thousand plain events: a long stretch of them must not keep signal handlers
        // and I/O waiting. Nothing but this loop moves the clock, so the pause changes no event order.
        eventsSinceBreath = 0;
        this.asyncWoken = false;
        await drainMicrotasks();
      }
    }
    this.endRun(untilS);
  }

  /** Ends the current run after the event being processed. */
  stop(): void {
    this.stopRequested = true;
  }

  noteAsyncWake(): void {
    this.asyncWoken = true;
  }

  event<T = unknown>(): SimEvent<T> {
    return new SimEvent<T>(this);
  }

  timeout<T = undefined>(delayS: number, value?: T): SimEvent<T> {
    return new SimEvent<T>(this).succeedAfter(delayS, value);
  }

  /** For async code: resolves after `delayS` of virtual time. */
  sleep(delayS: number): SimEvent<undefined> {
    return this.timeout(delayS);
  }

  process<T>(generator: ProcessGenerator<T>, name?: string): Process<T> {
    return new Process(this, generator, name);
  }

  allOf(events: SimEvent<any>[]): SimEvent<ConditionValue> {
    return new Condition(this, events, true);
  }

  anyOf(events: SimEvent<any>[]): SimEvent<ConditionValue> {
    return new Condition(this, events, false);
  }

  private startRun(options: RunOptions): number {
    const untilS = options.untilS ?? Infinity;
    if (untilS < this.nowS) throw new SimulationError(`until ${untilS} s is before now ${this.nowS} s`);
    this.stopRequested = false;
    return untilS;
  }

  private endRun(untilS: number): void {
    if (!this.stopRequested && untilS !== Infinity && this.heap.peekTimeS() >= untilS) this.nowS = untilS;
    this.stopRequested = false;
  }
}

/** A macrotask runs only after the microtask queue is empty: every woken chain has run or waits again. */
/** Plain events runAsync processes between two pauses for the event loop (a few milliseconds). */
const eventsPerBreath = 20_000;

function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
