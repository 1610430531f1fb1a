// Processes written as generator functions (SimPy style): `yield event` waits for an event,
// `yield delayS` waits for a span of virtual time. The process is itself an event that fires on return.

import { SimulationError } from '../errors.js';
import { Priority, SimEvent, type Scheduler } from './events.js';

/** What a process may yield: an event to wait for, or a delay in seconds. */
export type Yieldable = SimEvent<any> | number;
export type ProcessGenerator<T = unknown> = Generator<Yieldable, T, any>;

/** Thrown into a process that was interrupted (a failure, a preemption, a cancellation). */
export class Interrupt extends Error {
  constructor(override readonly cause: unknown) {
    super(`interrupted: ${describe(cause)}`);
    this.name = 'Interrupt';
  }
}

/** Causes are often objects that reference the whole simulation, so never serialise them. */
function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  if (typeof cause === 'object' && cause !== null) {
    const reason = (cause as { reason?: unknown }).reason;
    return typeof reason === 'string' ? reason : (cause.constructor?.name ?? 'object');
  }
  return String(cause);
}

const noHandle = -1;

export class Process<T = unknown> extends SimEvent<T> {
  /** The event the process waits for, or null while it sleeps on a plain delay or runs. */
  private target: SimEvent<any> | null = null;
  private delayHandle = noHandle;
  private readonly onTarget = (event: SimEvent<any>): void => this.resumeWith(event);

  constructor(sim: Scheduler, private readonly generator: ProcessGenerator<T>, readonly name = 'process') {
    super(sim);
    // Tracked like a delay, so an interrupt before the first step cancels the start.
    this.delayHandle = sim.schedule(0, wakeProcess, this, Priority.urgent);
  }

  get isAlive(): boolean {
    return !this.triggered;
  }

  /** Throws Interrupt(cause) into the process at its current wait, urgently, at the current time. */
  interrupt(cause: unknown): void {
    if (!this.isAlive) throw new SimulationError(`${this.name} has terminated and cannot be interrupted`);
    if (this.sim.activeProcess === this) throw new SimulationError(`${this.name} cannot interrupt itself`);
    this.sim.schedule(0, deliverInterrupt, { process: this, cause }, Priority.urgent);
  }

  /** Internal: called by the engine. */
  deliver(cause: unknown): void {
    if (!this.isAlive) return; // it ended between the interrupt and its delivery
    this.detach();
    this.step(new Interrupt(cause), true);
  }

  /** Internal: start, or wake after a plain delay. */
  wake(): void {
    this.delayHandle = noHandle;
    if (!this.isAlive) return;
    this.step(undefined, false);
  }

  private resumeWith(event: SimEvent<any>): void {
    this.target = null;
    if (event.ok) this.step(event.value, false);
    else {
      event.defused = true;
      this.step(event.error, true);
    }
  }

  private detach(): void {
    if (this.target !== null) this.target.removeCallback(this.onTarget);
    this.target = null;
    if (this.delayHandle !== noHandle) this.sim.cancel(this.delayHandle);
    this.delayHandle = noHandle;
  }

  /** Runs the generator until it waits on something not yet processed, or ends. */
  private step(input: unknown, isError: boolean): void {
    const previous = this.sim.activeProcess;
    this.sim.activeProcess = this;
    try {
      for (;;) {
        let result: IteratorResult<Yieldable, T>;
        try {
          result = isError ? this.generator.throw(input) : this.generator.next(input);
        } catch (error) {
          this.fail(error);
          return;
        }
        if (result.done) {
          this.succeed(result.value);
          return;
        }
        const yielded = result.value;
        if (typeof yielded === 'number') {
          this.delayHandle = this.sim.schedule(yielded, wakeProcess, this);
          return;
        }
        if (!(yielded instanceof SimEvent)) {
          input = new SimulationError(`${this.name} yielded ${String(yielded)}, not an event or a delay`);
          isError = true;
          continue;
        }
        if (!yielded.processed) {
          this.target = yielded;
          yielded.callbacks.push(this.onTarget);
          return;
        }
        // Already processed: continue at once with its outcome, as SimPy does.
        isError = !yielded.ok;
        input = yielded.ok ? yielded.value : yielded.error;
        if (isError) yielded.defused = true;
      }
    } finally {
      this.sim.activeProcess = previous;
    }
  }
}

function wakeProcess(process: Process<unknown>): void {
  process.wake();
}
function deliverInterrupt(arg: { process: Process<unknown>; cause: unknown }): void {
  arg.process.deliver(arg.cause);
}
