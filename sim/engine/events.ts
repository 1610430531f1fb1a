// Events in the SimPy sense: something that happens once at a point of virtual time, with callbacks
// run when the engine processes it. Events are also thenables, so async code can `await` them.

import { SimulationError } from '../errors.js';
import type { Callback } from './event-heap.js';

/** Lower values run first among events at the same time; ties keep FIFO order. */
export const Priority = { urgent: -1, normal: 0 } as const;

/** What events and processes need from the engine; the Simulation implements it. */
export interface Scheduler {
  readonly nowS: number;
  schedule(delayS: number, fn: Callback, arg?: unknown, priority?: number): number;
  cancel(handle: number): void;
  /** Called when an async continuation was woken, so the run loop drains microtasks. */
  noteAsyncWake(): void;
  activeProcess: unknown;
}

export type EventCallback<T> = (event: SimEvent<T>) => void;

const pending = 0;
const triggered = 1;
const processed = 2;

/**
 * An event is triggered (succeed/fail: its outcome is fixed and it sits in the heap) and then
 * processed (its callbacks ran). A failed event that nobody handles stops the run loudly.
 */
export class SimEvent<T = unknown> implements PromiseLike<T> {
  // Typed loosely so that SimEvent<number> is a SimEvent<unknown> (a typed array would make it invariant).
  callbacks: EventCallback<any>[] = [];
  value: T | undefined = undefined;
  error: unknown = undefined;
  ok = true;
  /** Set when some waiter took responsibility for a failure, so the run does not stop on it. */
  defused = false;
  private stage = pending;

  constructor(readonly sim: Scheduler) {}

  get triggered(): boolean {
    return this.stage !== pending;
  }
  get processed(): boolean {
    return this.stage === processed;
  }

  succeed(value?: T, priority: number = Priority.normal): this {
    this.mustBePending();
    this.value = value;
    this.stage = triggered;
    this.sim.schedule(0, processEvent, this, priority);
    return this;
  }

  fail(error: unknown, priority: number = Priority.normal): this {
    this.mustBePending();
    this.ok = false;
    this.error = error;
    this.stage = triggered;
    this.sim.schedule(0, processEvent, this, priority);
    return this;
  }

  /** Triggers at a later time (used by timeouts); the outcome is fixed now. */
  succeedAfter(delayS: number, value?: T): this {
    this.mustBePending();
    this.value = value;
    this.stage = triggered;
    this.sim.schedule(delayS, processEvent, this, Priority.normal);
    return this;
  }

  /** Copies another processed event's outcome onto this one. */
  triggerFrom(other: SimEvent<T>): void {
    if (other.ok) this.succeed(other.value);
    else this.fail(other.error);
  }

  /** Runs `callback` when processed; at once (synchronously) if already processed. */
  onProcessed(callback: EventCallback<T>): void {
    if (this.stage === processed) callback(this);
    else this.callbacks.push(callback);
  }

  removeCallback(callback: EventCallback<T>): void {
    const at = this.callbacks.indexOf(callback);
    if (at >= 0) this.callbacks.splice(at, 1);
  }

  /** Internal: the engine calls this when the event's time comes. */
  process(): void {
    const callbacks = this.callbacks;
    this.stage = processed;
    this.callbacks = [];
    for (let i = 0; i < callbacks.length; i++) callbacks[i]!(this);
    if (!this.ok && !this.defused) throw this.error;
  }

  /**
   * Async code awaits events like promises. The continuation runs in a microtask; the run loop
   * (Simulation.runAsync) drains microtasks before it processes the next event, so async callers
   * interleave in the same order on every run.
   */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return new Promise<T>((resolve, reject) => {
      this.onProcessed((event) => {
        this.sim.noteAsyncWake();
        if (event.ok) resolve(event.value as T);
        else {
          event.defused = true;
          reject(event.error);
        }
      });
    }).then(onFulfilled, onRejected);
  }

  private mustBePending(): void {
    if (this.stage !== pending) throw new SimulationError('event triggered twice');
  }
}

function processEvent(event: SimEvent<unknown>): void {
  event.process();
}

/** The value of a condition: the values of the events that had fired, in the order given. */
export interface ConditionValue {
  readonly values: unknown[];
  /** For anyOf: the index of the first event that fired. */
  readonly firstIndex: number;
}

/**
 * allOf / anyOf. Fails as soon as one member fails (the failure is passed on, and the member
 * counts as handled). With no members, allOf and anyOf both succeed at once, as in SimPy.
 */
export class Condition extends SimEvent<ConditionValue> {
  private firedCount = 0;
  private firstIndex = -1;

  constructor(sim: Scheduler, private readonly members: SimEvent<unknown>[], private readonly needAll: boolean) {
    super(sim);
    if (members.length === 0) {
      this.succeed({ values: [], firstIndex: -1 });
      return;
    }
    members.forEach((member, index) => member.onProcessed((ev) => this.onMember(ev, index)));
  }

  private onMember(member: SimEvent<unknown>, index: number): void {
    // Every failed member counts as handled, also after the condition has already failed: the
    // condition reports the first failure, and a second must not stop the run as unhandled.
    if (!member.ok) member.defused = true;
    if (this.triggered) return;
    if (!member.ok) {
      this.fail(member.error);
      return;
    }
    this.firedCount++;
    if (this.firstIndex < 0) this.firstIndex = index;
    if (!this.needAll || this.firedCount === this.members.length) {
      const values = this.members.map((m) => (m.processed && m.ok ? m.value : undefined));
      this.succeed({ values, firstIndex: this.firstIndex });
    }
  }
}
