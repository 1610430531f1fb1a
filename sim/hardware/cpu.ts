// A CPU as cores × speed shared max-min fairly among tasks, each capped at its vCPUs, with vCPU
// admission under an overcommit ratio, busy-time and energy accounting, and OpenDC's power curves.
// Leaves out: SMT throughput gain, caches, NUMA, DVFS and frequency boost, and scheduling latency.

import { ErrorCode, InputError, SimulationError, ZosError } from '../errors.js';
import { SimEvent, type Scheduler } from '../engine/events.js';
import type { CpuProfile } from './profiles.js';

/**
 * Work is measured in reference-core-seconds: the seconds one core clocked at this speed needs.
 * 3 GHz is a typical server core, so a 3.0 GHz profile runs at speed 1 unless a caller says otherwise.
 */
export const REFERENCE_CLOCK_MHZ = 3000;

/** The shapes f of P(u) = P_idle + (P_max − P_idle)·f(u) that OpenDC ships; linear is its default. */
export const POWER_CURVES = ['linear', 'sqrt', 'square', 'cubic'] as const;
export type PowerCurve = (typeof POWER_CURVES)[number];

const CURVES: Record<PowerCurve, (u: number) => number> = {
  linear: (u) => u,
  sqrt: (u) => Math.sqrt(u),
  square: (u) => u * u,
  cubic: (u) => u * u * u,
};

/** Power draw at utilisation u in [0, 1]. */
export function cpuPowerW(idlePowerW: number, maxPowerW: number, utilisation: number, curve: PowerCurve = 'linear'): number {
  return idlePowerW + (maxPowerW - idlePowerW) * CURVES[curve](utilisation);
}

/** OpenDC and most clouds cap vCPU overcommit at a small multiple; beyond 4× latency is unusable. */
const MIN_OVERCOMMIT = 1;
const MAX_OVERCOMMIT = 4;

export interface CpuOptions {
  /** Admitted vCPUs ≤ cores × threadsPerCore × this ratio; 1 to 4, default 1 (no overcommit). */
  readonly overcommitRatio?: number;
  /** The clock at which one core does one unit of work per second; default REFERENCE_CLOCK_MHZ. */
  readonly referenceClockMHz?: number;
  readonly powerCurve?: PowerCurve;
  /** Names the CPU in errors, e.g. "node-17.cpu"; default the profile name. */
  readonly name?: string;
}

export interface CpuTaskRequest {
  /** Work in reference-core-seconds (see REFERENCE_CLOCK_MHZ); 0 completes at once. */
  readonly workCoreS: number;
  /** Maximum parallelism: the task never runs faster than vcpus cores. A whole number ≥ 1. */
  readonly vcpus: number;
}

export interface CpuTaskResult {
  readonly durationS: number;
}

/** Refused admission: the CPU has no room for that many more vCPUs under its overcommit ratio. */
export class CpuAdmissionError extends ZosError {
  constructor(
    readonly cpuName: string,
    readonly requestedVcpus: number,
    readonly admittedVcpus: number,
    readonly vcpuLimit: number,
  ) {
    super(ErrorCode.capacity, `${cpuName}: cannot admit ${requestedVcpus} vCPUs: ${admittedVcpus} of ${vcpuLimit} already admitted`);
  }
}

/** A running task; an event that succeeds with its duration when its work is done. */
export class CpuTask extends SimEvent<CpuTaskResult> {
  /** Current share in reference-core-seconds per second; changes only when a task starts or ends. */
  rateCoreSPerS = 0;
  /** Work left as of the CPU's last update (it is brought up to date at every start and end). */
  remainingCoreS: number;

  constructor(
    sim: Scheduler,
    readonly workCoreS: number,
    readonly vcpus: number,
    /** The fastest this task can run: vcpus × core speed. */
    readonly capCoreSPerS: number,
    readonly startS: number,
  ) {
    super(sim);
    this.remainingCoreS = workCoreS;
  }
}

const noHandle = -1;

export class Cpu {
  readonly name: string;
  readonly cores: number;
  readonly threadsPerCore: number;
  /** One core's work per second relative to the reference clock. */
  readonly speed: number;
  readonly capacityCoreSPerS: number;
  readonly overcommitRatio: number;
  readonly vcpuLimit: number;
  readonly powerCurve: PowerCurve;
  readonly idlePowerW: number;
  readonly maxPowerW: number;

  /** Running tasks, sorted by cap ascending (FIFO among equal caps), which is water-filling order. */
  private readonly running: CpuTask[] = [];
  private admitted = 0;
  private totalRateCoreSPerS = 0;
  private lastUpdateS: number;
  private busyCoreSSoFar = 0;
  private energyJSoFar = 0;
  private nextHandle = noHandle;
  private nextTask: CpuTask | null = null;
  private readonly onCompletion = (): void => this.complete();

  constructor(private readonly sim: Scheduler, profile: CpuProfile, options: CpuOptions = {}) {
    this.name = options.name ?? profile.name;
    checkProfile(this.name, profile);
    this.overcommitRatio = options.overcommitRatio ?? MIN_OVERCOMMIT;
    if (!(this.overcommitRatio >= MIN_OVERCOMMIT && this.overcommitRatio <= MAX_OVERCOMMIT)) {
      throw new InputError(this.name, 'overcommitRatio', `must be between ${MIN_OVERCOMMIT} and ${MAX_OVERCOMMIT}, got ${this.overcommitRatio}`);
    }
    const referenceMHz = options.referenceClockMHz ?? REFERENCE_CLOCK_MHZ;
    if (!(referenceMHz > 0 && Number.isFinite(referenceMHz))) {
      throw new InputError(this.name, 'referenceClockMHz', `must be > 0, got ${referenceMHz}`);
    }
    this.powerCurve = options.powerCurve ?? 'linear';
    if (!(POWER_CURVES as readonly string[]).includes(this.powerCurve)) {
      throw new InputError(this.name, 'powerCurve', `must be one of ${POWER_CURVES.join(', ')}, got ${String(this.powerCurve)}`);
    }
    this.cores = profile.cores;
    this.threadsPerCore = profile.threadsPerCore;
    this.speed = profile.clockMHz / referenceMHz;
    this.capacityCoreSPerS = this.cores * this.speed;
    this.vcpuLimit = Math.floor(this.cores * this.threadsPerCore * this.overcommitRatio);
    this.idlePowerW = profile.idlePowerW;
    this.maxPowerW = profile.maxPowerW;
    this.lastUpdateS = sim.nowS;
  }

  get admittedVcpus(): number {
    return this.admitted;
  }

  get runningTasks(): readonly CpuTask[] {
    return this.running;
  }

  canAdmit(vcpus: number): boolean {
    return this.admitted + vcpus <= this.vcpuLimit;
  }

  /** Starts a task now; throws CpuAdmissionError when its vCPUs do not fit. */
  run(request: CpuTaskRequest): CpuTask {
    const { workCoreS, vcpus } = request;
    if (!(Number.isInteger(vcpus) && vcpus >= 1)) throw new InputError(this.name, 'vcpus', `must be a whole number >= 1, got ${vcpus}`);
    if (!(workCoreS >= 0 && Number.isFinite(workCoreS))) {
      throw new InputError(this.name, 'workCoreS', `must be a finite number >= 0, got ${workCoreS}`);
    }
    if (!this.canAdmit(vcpus)) throw new CpuAdmissionError(this.name, vcpus, this.admitted, this.vcpuLimit);
    const task = new CpuTask(this.sim, workCoreS, vcpus, vcpus * this.speed, this.sim.nowS);
    if (workCoreS === 0) return task.succeed({ durationS: 0 });
    this.advance();
    this.insertByCap(task);
    this.admitted += vcpus;
    this.reshare();
    return task;
  }

  /** Fails every running task with `error` (the host went down); the callers must handle it. */
  failAll(error: unknown): void {
    this.advance();
    const tasks = this.running.splice(0);
    this.admitted = 0;
    this.reshare();
    for (const task of tasks) task.fail(error);
  }

  /** Instantaneous share of capacity in use, in [0, 1]. */
  get utilisation(): number {
    return this.totalRateCoreSPerS / this.capacityCoreSPerS;
  }

  get powerW(): number {
    return cpuPowerW(this.idlePowerW, this.maxPowerW, this.utilisation, this.powerCurve);
  }

  /** Physical core-seconds spent busy since creation, up to now. */
  get busyCoreS(): number {
    this.advance();
    return this.busyCoreSSoFar;
  }

  /** Energy drawn since creation, up to now (the CPU counts as powered on throughout). */
  get energyJ(): number {
    this.advance();
    return this.energyJSoFar;
  }

  /** Brings remaining work, busy time and energy up to now at the rates that held since the last change. */
  private advance(): void {
    const elapsedS = this.sim.nowS - this.lastUpdateS;
    if (elapsedS <= 0) return;
    for (const task of this.running) task.remainingCoreS -= task.rateCoreSPerS * elapsedS;
    this.busyCoreSSoFar += (this.totalRateCoreSPerS / this.speed) * elapsedS;
    this.energyJSoFar += this.powerW * elapsedS;
    this.lastUpdateS = this.sim.nowS;
  }

  /** Binary search keeps the array sorted by cap; a new task goes after equal caps (FIFO). */
  private insertByCap(task: CpuTask): void {
    let lo = 0;
    let hi = this.running.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.running[mid]!.capCoreSPerS <= task.capCoreSPerS) lo = mid + 1;
      else hi = mid;
    }
    this.running.splice(lo, 0, task);
  }

  /**
   * Max-min fair shares by water-filling: visiting tasks from the smallest cap up, each takes its cap
   * if that is below an equal split of what is left, and otherwise all the rest split it equally.
   */
  private reshare(): void {
    let leftCoreSPerS = this.capacityCoreSPerS;
    let total = 0;
    const n = this.running.length;
    for (let i = 0; i < n; i++) {
      const task = this.running[i]!;
      const rate = Math.min(task.capCoreSPerS, leftCoreSPerS / (n - i));
      task.rateCoreSPerS = rate;
      leftCoreSPerS -= rate;
      total += rate;
    }
    this.totalRateCoreSPerS = total;
    this.armNextCompletion();
  }

  /** Only the earliest completion is ever scheduled; any start or end cancels and replaces it. */
  private armNextCompletion(): void {
    if (this.nextHandle !== noHandle) this.sim.cancel(this.nextHandle);
    this.nextHandle = noHandle;
    this.nextTask = null;
    let soonestS = Infinity;
    for (const task of this.running) {
      const leftS = Math.max(0, task.remainingCoreS) / task.rateCoreSPerS;
      if (leftS < soonestS) {
        soonestS = leftS;
        this.nextTask = task;
      }
    }
    if (this.nextTask !== null) this.nextHandle = this.sim.schedule(soonestS, this.onCompletion);
  }

  /**
   * Ends the task the completion was armed for, and any other whose remaining time rounds to zero:
   * float time at a year's scale has a resolution of a few nanoseconds, so exact zeros are rare.
   */
  private complete(): void {
    this.nextHandle = noHandle;
    const armed = this.nextTask;
    if (armed === null) throw new SimulationError(`${this.name}: completion fired with no task armed`);
    this.advance();
    const toleranceS = 1e-9 + this.sim.nowS * 1e-13;
    const done = this.running.filter((task) => task === armed || task.remainingCoreS <= task.rateCoreSPerS * toleranceS);
    for (const task of done) {
      this.running.splice(this.running.indexOf(task), 1);
      this.admitted -= task.vcpus;
      task.remainingCoreS = 0;
      task.rateCoreSPerS = 0;
    }
    this.reshare();
    for (const task of done) task.succeed({ durationS: this.sim.nowS - task.startS });
  }
}

function checkProfile(name: string, profile: CpuProfile): void {
  const wholes = ['cores', 'threadsPerCore'] as const;
  for (const field of wholes) {
    const v = profile[field];
    if (!(Number.isInteger(v) && v >= 1)) throw new InputError(name, field, `must be a whole number >= 1, got ${v}`);
  }
  if (!(profile.clockMHz > 0 && Number.isFinite(profile.clockMHz))) throw new InputError(name, 'clockMHz', `must be > 0, got ${profile.clockMHz}`);
  if (!(profile.idlePowerW >= 0 && profile.maxPowerW >= profile.idlePowerW && Number.isFinite(profile.maxPowerW))) {
    throw new InputError(name, 'maxPowerW', `need 0 <= idlePowerW <= maxPowerW, got ${profile.idlePowerW} and ${profile.maxPowerW}`);
  }
}
