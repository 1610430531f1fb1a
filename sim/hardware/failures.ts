// Host (or device) failure processes without ticks: independent renewal failures sampled lazily per
// host, and correlated events that take down a sampled fraction of a host set for a sampled duration.
// Leaves out: what a host is (callers get indices), ageing before t = 0, and repair-crew limits.

import { InputError, SimulationError } from '../errors.js';
import { exponentialFromMean, type Distribution } from '../engine/distributions.js';
import type { Scheduler } from '../engine/events.js';
import type { Rng } from '../engine/rng.js';

/** Backblaze and the reliability literature use a 365.25-day year for AFR. */
export const HOURS_PER_YEAR = 8766;
export const SECONDS_PER_YEAR = HOURS_PER_YEAR * 3600;

/** AFR = 1 − e^(−year/MTTF), so MTTF = −year / ln(1 − AFR); AFR ≈ year/MTTF only when small. */
export function afrToMttfS(afr: number): number {
  if (!(afr > 0 && afr < 1)) throw new InputError('afrToMttfS', 'afr', `must be in (0, 1), got ${afr}`);
  return -SECONDS_PER_YEAR / Math.log1p(-afr);
}

export function mttfSToAfr(mttfS: number): number {
  if (!(mttfS > 0)) throw new InputError('mttfSToAfr', 'mttfS', `must be > 0, got ${mttfS}`);
  return -Math.expm1(-SECONDS_PER_YEAR / mttfS);
}

/** Exponential time to failure, in seconds, for an annualised failure rate. */
export function exponentialFromAfr(afr: number): Distribution {
  return exponentialFromMean(afrToMttfS(afr));
}

export interface IndependentFailures {
  /** Up time from new (or from the last repair) to failure, in seconds. */
  readonly timeToFailureS: Distribution;
  readonly timeToRepairS: Distribution;
  /** The cause passed to onFail; default "independent". */
  readonly label?: string;
}

/** OpenDC's failure model: events at random intervals, each taking down a fraction of hosts for a while. */
export interface CorrelatedFailures {
  readonly intervalS: Distribution;
  /** One draw per event: every host it takes down comes back together. */
  readonly durationS: Distribution;
  /** Share of the host set hit per event, clamped to [0, 1]; round(fraction × set size) hosts go down. */
  readonly fraction: Distribution;
  /** The hosts this process can hit (a farm, a rack); default all of them. */
  readonly hostIndices?: readonly number[];
  /** The cause passed to onFail; default "correlated-<index>". */
  readonly label?: string;
}

export interface CorrelatedEventRecord {
  readonly label: string;
  readonly timeS: number;
  readonly fraction: number;
  readonly durationS: number;
  /** Hosts chosen, in the order they were chosen; those already down stay down until the later repair. */
  readonly hostIndices: readonly number[];
  readonly newlyFailedCount: number;
}

export interface FailureCallbacks {
  onFail(hostIndex: number, causeLabel: string): void;
  onRepair(hostIndex: number): void;
  onCorrelatedEvent?(record: CorrelatedEventRecord): void;
}

export interface FailureModelOptions {
  readonly hostCount: number;
  /**
   * A stream for this model alone. It is forked per purpose (time to failure, repair, each correlated
   * process), so a change in one does not shift the draws of the others.
   */
  readonly rng: Rng;
  readonly independent?: IndependentFailures;
  readonly correlated?: readonly CorrelatedFailures[];
}

export interface FailureStats {
  readonly failureCount: number;
  readonly repairCount: number;
  readonly downCount: number;
  /** ∫ (hosts down) dt since start, up to now. */
  readonly downHostS: number;
  readonly failuresByCause: ReadonlyMap<string, number>;
}

const noHandle = -1;

/**
 * Every host has exactly one pending transition: its failure time while up, its repair time while down.
 * They live in a Float64Array with an indexed binary min-heap of host indices over it, and only the
 * earliest is scheduled with the engine. Why not the alternatives:
 * - one engine event per host puts 100 000 entries in the shared heap, so every other event of the run
 *   pays log(100 000), and each correlated reschedule leaves a cancelled entry behind;
 * - a linear scan for the earliest time costs O(N) per transition, 10^8 operations a year at 10^5 hosts;
 * - superposing exponential clocks (one Poisson stream of rate N·λ) is exact only for exponential,
 *   identical hosts, and Weibull ageing needs each host's own clock.
 * Memory: 8 (time) + 4 (heap slot) + 4 (heap position) + 1 (up flag) = 17 bytes per host, plus 4 per
 * host in each correlated set (its shuffle array). Measured with process.memoryUsage() after gc():
 * 17.0 B/host of array buffers, 21.0 with one correlated process over all hosts, at both 10^5 and 10^6
 * hosts, and under 1 B/host of JS heap; a year at AFR 1.5 % then runs in 17 ms (10^5) / 48 ms (10^6) CPU.
 */
export class FailureModel {
  readonly hostCount: number;
  private readonly nextS: Float64Array;
  private readonly up: Uint8Array;
  private readonly heap: Int32Array;
  private readonly position: Int32Array;
  private readonly ttfRng: Rng;
  private readonly repairRng: Rng;
  private readonly independent: IndependentFailures | undefined;
  private readonly independentLabel: string;
  private readonly correlated: CorrelatedProcess[];
  private armedHandle = noHandle;
  private armedAtS = Infinity;
  private started = false;
  private failures = 0;
  private repairs = 0;
  private down = 0;
  private downHostSSoFar = 0;
  private lastChangeS = 0;
  private readonly byCause = new Map<string, number>();
  private readonly onArmed = (): void => this.fireDue();

  constructor(private readonly sim: Scheduler, options: FailureModelOptions, private readonly callbacks: FailureCallbacks) {
    const n = options.hostCount;
    if (!(Number.isInteger(n) && n >= 1 && n <= 2 ** 31 - 1)) throw new InputError('failures', 'hostCount', `must be a whole number >= 1, got ${n}`);
    this.hostCount = n;
    this.nextS = new Float64Array(n).fill(Infinity);
    this.up = new Uint8Array(n).fill(1);
    this.heap = new Int32Array(n);
    this.position = new Int32Array(n);
    for (let i = 0; i < n; i++) this.heap[i] = this.position[i] = i;
    this.independent = options.independent;
    this.independentLabel = options.independent?.label ?? 'independent';
    this.ttfRng = options.rng.fork('independent.time-to-failure');
    this.repairRng = options.rng.fork('independent.time-to-repair');
    const report = (record: CorrelatedEventRecord): void => callbacks.onCorrelatedEvent?.(record);
    this.correlated = (options.correlated ?? []).map(
      (spec, i) => new CorrelatedProcess(sim, this, spec, options.rng.fork(`correlated.${i}`), i, report),
    );
  }

  /** Samples every host's first failure (all hosts start new and up now) and arms the processes. */
  start(): void {
    if (this.started) throw new SimulationError('failure model started twice');
    this.started = true;
    this.lastChangeS = this.sim.nowS;
    if (this.independent !== undefined) {
      for (let i = 0; i < this.hostCount; i++) this.nextS[i] = this.sim.nowS + this.sampleTtfS();
      this.heapify();
    }
    for (const process of this.correlated) process.arm();
    this.rearm();
  }

  /** Cancels everything pending, so a run can drain; hosts keep their state. */
  stop(): void {
    this.cancelArmed();
    for (const process of this.correlated) process.cancel();
  }

  isUp(hostIndex: number): boolean {
    return this.up[this.checkIndex(hostIndex)] === 1;
  }

  get stats(): FailureStats {
    this.accountDowntime();
    return {
      failureCount: this.failures,
      repairCount: this.repairs,
      downCount: this.down,
      downHostS: this.downHostSSoFar,
      failuresByCause: new Map(this.byCause),
    };
  }

  /**
   * Takes a host down now until at least now + repairAfterS (fault injection). A host already down
   * is not failed again, but stays down until the later of the two repairs. Returns whether it was up.
   */
  failHost(hostIndex: number, repairAfterS: number, causeLabel: string): boolean {
    return this.failHosts([hostIndex], repairAfterS, causeLabel) === 1;
  }

  /** failHost for a burst (a correlated event): one re-arm for all. Returns how many were up. */
  failHosts(hostIndices: readonly number[], repairAfterS: number, causeLabel: string): number {
    const repairAtS = this.sim.nowS + Math.max(0, repairAfterS);
    let newlyFailed = 0;
    for (const host of hostIndices) if (this.takeDown(this.checkIndex(host), repairAtS, causeLabel)) newlyFailed++;
    this.rearm();
    return newlyFailed;
  }

  private takeDown(host: number, repairAtS: number, causeLabel: string): boolean {
    if (this.up[host] === 0) {
      if (repairAtS > this.nextS[host]!) this.update(host, repairAtS);
      return false;
    }
    this.accountDowntime();
    this.up[host] = 0;
    this.down++;
    this.failures++;
    this.byCause.set(causeLabel, (this.byCause.get(causeLabel) ?? 0) + 1);
    this.update(host, repairAtS);
    this.callbacks.onFail(host, causeLabel);
    return true;
  }

  /** Schedules the earliest transition with the engine, unless that one is armed already. */
  private rearm(): void {
    const earliestS = this.nextS[this.heap[0]!]!;
    if (this.armedHandle !== noHandle && this.armedAtS === earliestS) return;
    this.cancelArmed();
    if (earliestS === Infinity) return;
    this.armedAtS = earliestS;
    this.armedHandle = this.sim.schedule(Math.max(0, earliestS - this.sim.nowS), this.onArmed);
  }

  /**
   * Runs the armed transition and any others due by now. The armed host goes first whatever the
   * clock says, since now + (t − now) can land an ulp short of t in floating point.
   */
  private fireDue(): void {
    this.armedHandle = noHandle;
    this.armedAtS = Infinity;
    this.transition(this.heap[0]!);
    while (this.nextS[this.heap[0]!]! <= this.sim.nowS) this.transition(this.heap[0]!);
    this.rearm();
  }

  private transition(host: number): void {
    if (this.up[host] === 1) {
      this.takeDown(host, this.sim.nowS + this.sampleRepairS(), this.independentLabel);
      return;
    }
    this.accountDowntime();
    this.up[host] = 1;
    this.down--;
    this.repairs++;
    // A repair renews the host: its next failure is drawn afresh from the time-to-failure distribution.
    this.update(host, this.independent === undefined ? Infinity : this.sim.nowS + this.sampleTtfS());
    this.callbacks.onRepair(host);
  }

  /** Negative draws (a normal spec, say) would schedule into the past; they count as "at once". */
  private sampleTtfS(): number {
    return Math.max(0, this.independent!.timeToFailureS.sample(this.ttfRng));
  }

  private sampleRepairS(): number {
    if (this.independent === undefined) throw new SimulationError('independent failure of a host with no independent model');
    return Math.max(0, this.independent.timeToRepairS.sample(this.repairRng));
  }

  private accountDowntime(): void {
    this.downHostSSoFar += this.down * (this.sim.nowS - this.lastChangeS);
    this.lastChangeS = this.sim.nowS;
  }

  private cancelArmed(): void {
    if (this.armedHandle !== noHandle) this.sim.cancel(this.armedHandle);
    this.armedHandle = noHandle;
    this.armedAtS = Infinity;
  }

  private checkIndex(hostIndex: number): number {
    if (!(Number.isInteger(hostIndex) && hostIndex >= 0 && hostIndex < this.hostCount)) {
      throw new SimulationError(`host index ${hostIndex} outside 0..${this.hostCount - 1}`);
    }
    return hostIndex;
  }

  // The indexed heap, ordered by (next time, host index) so that ties resolve the same way every run.

  private less(a: number, b: number): boolean {
    const ta = this.nextS[a]!;
    const tb = this.nextS[b]!;
    return ta < tb || (ta === tb && a < b);
  }

  private update(host: number, timeS: number): void {
    const old = this.nextS[host]!;
    this.nextS[host] = timeS;
    if (timeS < old) this.siftUp(this.position[host]!);
    else this.siftDown(this.position[host]!);
  }

  private heapify(): void {
    for (let slot = (this.hostCount >> 1) - 1; slot >= 0; slot--) this.siftDown(slot);
  }

  private place(slot: number, host: number): void {
    this.heap[slot] = host;
    this.position[host] = slot;
  }

  private siftUp(slot: number): void {
    const host = this.heap[slot]!;
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      const above = this.heap[parent]!;
      if (!this.less(host, above)) break;
      this.place(slot, above);
      slot = parent;
    }
    this.place(slot, host);
  }

  private siftDown(slot: number): void {
    const host = this.heap[slot]!;
    const n = this.hostCount;
    for (;;) {
      let child = 2 * slot + 1;
      if (child >= n) break;
      if (child + 1 < n && this.less(this.heap[child + 1]!, this.heap[child]!)) child++;
      const below = this.heap[child]!;
      if (!this.less(below, host)) break;
      this.place(slot, below);
      slot = child;
    }
    this.place(slot, host);
  }
}

/** One correlated process: a single pending engine event, and a shuffle array over its host set. */
class CorrelatedProcess {
  private readonly hosts: Int32Array;
  private readonly label: string;
  private handle = noHandle;
  private readonly onEvent = (): void => this.fire();

  constructor(
    private readonly sim: Scheduler,
    private readonly model: FailureModel,
    private readonly spec: CorrelatedFailures,
    private readonly rng: Rng,
    index: number,
    private readonly report: (record: CorrelatedEventRecord) => void,
  ) {
    this.label = spec.label ?? `correlated-${index}`;
    this.hosts = hostSet(`failures.correlated[${index}]`, spec.hostIndices, model.hostCount);
  }

  arm(): void {
    this.handle = this.sim.schedule(Math.max(0, this.spec.intervalS.sample(this.rng)), this.onEvent);
  }

  cancel(): void {
    if (this.handle !== noHandle) this.sim.cancel(this.handle);
    this.handle = noHandle;
  }

  /** One duration per event, drawn after the fraction; the hosts hit all come back together. */
  private fire(): void {
    this.handle = noHandle;
    const fraction = Math.min(1, Math.max(0, this.spec.fraction.sample(this.rng)));
    const durationS = Math.max(0, this.spec.durationS.sample(this.rng));
    const chosen = this.choose(Math.round(fraction * this.hosts.length));
    const newlyFailedCount = this.model.failHosts(chosen, durationS, this.label);
    this.report({ label: this.label, timeS: this.sim.nowS, fraction, durationS, hostIndices: chosen, newlyFailedCount });
    this.arm();
  }

  /**
   * A partial Fisher–Yates shuffle: the first k slots become a uniform sample without replacement in
   * O(k). The array is not reset between events: any permutation is as good a start as the identity.
   */
  private choose(k: number): number[] {
    const hosts = this.hosts;
    const chosen: number[] = new Array(k);
    for (let i = 0; i < k; i++) {
      const j = this.rng.int(i, hosts.length);
      const picked = hosts[j]!;
      hosts[j] = hosts[i]!;
      hosts[i] = picked;
      chosen[i] = picked;
    }
    return chosen;
  }
}

/** The host set of a correlated process as a fresh array it may shuffle; default every host. */
function hostSet(where: string, indices: readonly number[] | undefined, hostCount: number): Int32Array {
  if (indices === undefined) {
    const all = new Int32Array(hostCount);
    for (let i = 0; i < hostCount; i++) all[i] = i;
    return all;
  }
  const seen = new Set<number>();
  indices.forEach((h, i) => {
    if (!(Number.isInteger(h) && h >= 0 && h < hostCount) || seen.has(h)) {
      throw new InputError(where, `hostIndices[${i}]`, `must be a distinct host index in 0..${hostCount - 1}, got ${h}`);
    }
    seen.add(h);
  });
  return Int32Array.from(indices);
}
