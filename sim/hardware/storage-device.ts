// What every storage device model shares: the read/write API, in-flight IO tracking, and failure
// (AFR-sampled, worn out, or injected). Leaves out what a device computes; subclasses supply `serve`.

import type { SimEvent } from '../engine/events.js';
import { Interrupt, type Process, type ProcessGenerator } from '../engine/process.js';
import type { Rng } from '../engine/rng.js';
import type { Simulation } from '../engine/simulation.js';
import { ErrorCode, SimulationError, ZosError } from '../errors.js';
import { exponentialFromAfr } from './failures.js';


export type IoKind = 'read' | 'write';
export type FailureReason = 'afr' | 'wear' | 'injected';

export interface Io {
  readonly kind: IoKind;
  readonly offsetBytes: number;
  readonly sizeBytes: number;
  readonly submittedAtS: number;
}

/**
 * The error every IO of a failed device ends with. Its code is not (yet) in sim/errors.ts's
 * ErrorCode table, which only holds user, check and programmer errors.
 */
export class DeviceFailedError extends ZosError {
  constructor(
    readonly device: string,
    readonly reason: FailureReason,
    readonly atS: number,
  ) {
    super(ErrorCode.deviceFailed, `device ${device} failed (${reason}) at ${atS} s`);
  }
}

export interface StorageDeviceOptions {
  readonly sim: Simulation;
  /** The device's own stream; sub-streams are forked from it by purpose ("failure", ...). */
  readonly rng: Rng;
  /** A label for traces and errors; defaults to the profile name. */
  readonly name?: string;
  /** Overrides the profile's AFR, e.g. to accelerate failures in a scenario. */
  readonly afr?: number;
  /**
   * Schedule the AFR failure as one event at the sampled time (default true). Off, the time is
   * still sampled (failureTimeS) for an owner that schedules failures itself.
   */
  readonly armFailure?: boolean;
  /** Called once when the device fails, after its IOs were failed (an owner that tracks capacity). */
  readonly onFailed?: () => void;
}

export abstract class StorageDevice {
  readonly sim: Simulation;
  failure: DeviceFailedError | null = null;
  /**
   * Made on first IO, and the failure time drawn on first ask unless armed: a grid holds many device
   * models that never see an IO, and the draw comes from a stream of its own, so its value is the
   * same whenever it is made.
   */
  private live: Set<Process<void>> | undefined;
  private results: Map<Process<void>, SimEvent<number>> | undefined;
  private failureAtS: number | undefined;
  private readonly createdS: number;
  private readonly rate: number;
  private readonly options: StorageDeviceOptions;
  private readonly profileName: string;

  constructor(
    options: StorageDeviceOptions,
    profileName: string,
    readonly capacityBytes: number,
    afr: number,
  ) {
    this.sim = options.sim;
    this.options = options;
    this.profileName = profileName;
    this.createdS = this.sim.nowS;
    this.rate = options.afr ?? afr;
    if (!(this.rate >= 0 && this.rate < 1)) throw new SimulationError(`${this.name}: afr ${this.rate} outside [0, 1)`);
    if (options.armFailure !== false && this.failureTimeS !== Infinity) {
      this.sim.schedule(this.failureTimeS - this.sim.nowS, () => this.fail('afr'));
    }
  }

  /** A label for traces and errors. */
  get name(): string {
    return this.options.name ?? this.profileName;
  }

  /** Virtual time at which the AFR process fails the device: one exponential draw, no ticks. */
  get failureTimeS(): number {
    // P(failure within a year) = afr exactly: λ = −ln(1 − afr) / year.
    this.failureAtS ??= this.rate === 0 ? Infinity : this.createdS + exponentialFromAfr(this.rate).sample(this.options.rng.fork('failure'));
    return this.failureAtS;
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  /** Succeeds with the IO's latency in seconds, or fails with DeviceFailedError. */
  read(offsetBytes: number, sizeBytes: number): SimEvent<number> {
    return this.submit('read', offsetBytes, sizeBytes);
  }

  write(offsetBytes: number, sizeBytes: number): SimEvent<number> {
    return this.submit('write', offsetBytes, sizeBytes);
  }

  /** Fails the device: every in-flight IO fails with DeviceFailedError and so does every later one. */
  fail(reason: FailureReason = 'injected'): void {
    if (this.failure !== null) return;
    this.failure = new DeviceFailedError(this.name, reason, this.sim.nowS);
    for (const [, result] of this.results ?? []) if (!result.triggered) result.fail(this.failure);
    for (const process of this.live ?? []) {
      // A device process may itself cause the failure (wear-out); it ends on its own.
      if (process.isAlive && this.sim.activeProcess !== process) process.interrupt(this.failure);
    }
    this.onFailed();
    this.options.onFailed?.();
  }

  /** The stages of one IO; it returns when the IO is complete. */
  protected abstract serve(io: Io): ProcessGenerator<void>;

  /** Drops per-device queues after a failure. */
  protected onFailed(): void {}

  /** Runs background work (a flush, a child stage) so that fail() also stops it. */
  protected spawn(work: ProcessGenerator<void>, name: string): Process<void> {
    const process = this.sim.process(this.guarded(work), name);
    const live = (this.live ??= new Set());
    live.add(process);
    process.onProcessed(() => live.delete(process));
    return process;
  }

  private submit(kind: IoKind, offsetBytes: number, sizeBytes: number): SimEvent<number> {
    // Callers validate user input; a bad IO here is a programmer error.
    if (!(Number.isSafeInteger(offsetBytes) && Number.isSafeInteger(sizeBytes) && offsetBytes >= 0 && sizeBytes > 0 && offsetBytes + sizeBytes <= this.capacityBytes)) {
      throw new SimulationError(`${this.name}: ${kind} of ${sizeBytes} bytes at ${offsetBytes} outside [0, ${this.capacityBytes})`);
    }
    const result = this.sim.event<number>();
    if (this.failure !== null) return result.fail(this.failure);
    const io: Io = { kind, offsetBytes, sizeBytes, submittedAtS: this.sim.nowS };
    const process = this.spawn(this.serve(io), `${this.name}:${kind}`);
    const results = (this.results ??= new Map());
    results.set(process, result);
    process.onProcessed(() => {
      results.delete(process);
      // A process that failed on a bug stops the run by itself; only a clean end completes the IO.
      if (!result.triggered && process.ok) result.succeed(this.sim.nowS - io.submittedAtS);
    });
    return result;
  }

  /** An interrupt from fail() ends device work quietly: fail() has already failed the results. */
  private *guarded(work: ProcessGenerator<void>): ProcessGenerator<void> {
    try {
      yield* work;
    } catch (error) {
      if (error instanceof Interrupt && error.cause instanceof DeviceFailedError) return;
      throw error;
    }
  }
}
