// Active health checks as simulation processes (our addition; zos gateways have none): probe every
// interval, a probe without an answer within the timeout fails, N failures in a row mark the target
// unhealthy and M successes in a row mark it healthy again. Leaves out passive (traffic-based) checks.

import { InputError } from '../../errors.js';
import { Interrupt, type Process, type ProcessGenerator } from '../../engine/process.js';
import type { Simulation } from '../../engine/simulation.js';

export interface HealthCheckPolicy {
  /** Time between the starts of two probes. */
  readonly intervalS: number;
  /** A probe with no answer after this long counts as failed; must not exceed intervalS. */
  readonly timeoutS: number;
  /** Consecutive failed probes that mark a healthy target unhealthy (N). */
  readonly unhealthyAfter: number;
  /** Consecutive successful probes that mark an unhealthy target healthy again (M). */
  readonly healthyAfter: number;
}

/** HAProxy-like defaults: 2 s interval, 1 s timeout, fall 3, rise 2. */
export const defaultHealthCheck: HealthCheckPolicy = { intervalS: 2, timeoutS: 1, unhealthyAfter: 3, healthyAfter: 2 };

/** Validated once; checkers never check the policy again. */
export function compileHealthCheck(where: string, overrides: Partial<HealthCheckPolicy> = {}): HealthCheckPolicy {
  const policy = { ...defaultHealthCheck, ...overrides };
  for (const field of ['intervalS', 'timeoutS'] as const) {
    if (!(policy[field] > 0 && policy[field] < Infinity)) throw new InputError(where, field, `must be finite and > 0, got ${policy[field]}`);
  }
  for (const field of ['unhealthyAfter', 'healthyAfter'] as const) {
    if (!(Number.isInteger(policy[field]) && policy[field] >= 1)) throw new InputError(where, field, `must be an integer >= 1, got ${policy[field]}`);
  }
  // With the timeout inside the interval probes never overlap, so "consecutive" has one meaning.
  if (policy.timeoutS > policy.intervalS) throw new InputError(where, 'timeoutS', `must not exceed intervalS (${policy.intervalS} s), got ${policy.timeoutS}`);
  return policy;
}

/**
 * The longest time from a target failing to it being marked unhealthy: the next probe starts within
 * one interval, N-1 more follow, and the last one's timeout runs out: interval × N + timeout.
 */
export function detectionBoundS(policy: HealthCheckPolicy): number {
  return policy.intervalS * policy.unhealthyAfter + policy.timeoutS;
}

/** The shortest such time: the failure lands just before a probe starts, so (N-1) × interval + timeout. */
export function earliestDetectionS(policy: HealthCheckPolicy): number {
  return policy.intervalS * (policy.unhealthyAfter - 1) + policy.timeoutS;
}

/** Sends one probe now: the round trip in seconds, or undefined when nothing will answer. */
export type Probe = () => number | undefined;
export type HealthListener = (healthy: boolean, atS: number) => void;

export interface HealthTransition {
  readonly atS: number;
  readonly healthy: boolean;
}

/**
 * The rise/fall count both checkers keep (this one on the virtual clock, the real gateway's on the
 * wall): N failed probes in a row mark a healthy target unhealthy, M successes in a row healthy again.
 */
export class RiseFall {
  consecutiveFailures = 0;
  consecutiveSuccesses = 0;

  constructor(
    private readonly policy: HealthCheckPolicy,
    public healthy: boolean,
  ) {}

  /** Counts one probe; true when it flipped `healthy`. */
  record(success: boolean): boolean {
    if (success) {
      this.consecutiveSuccesses++;
      this.consecutiveFailures = 0;
      if (this.healthy || this.consecutiveSuccesses < this.policy.healthyAfter) return false;
    } else {
      this.consecutiveFailures++;
      this.consecutiveSuccesses = 0;
      if (!this.healthy || this.consecutiveFailures < this.policy.unhealthyAfter) return false;
    }
    this.healthy = !this.healthy;
    return true;
  }
}

export class HealthChecker {
  private readonly count: RiseFall;
  probes = 0;
  readonly transitions: HealthTransition[] = [];
  private readonly process: Process<void>;
  private readonly startS: number;

  /** The first probe goes out at now + startOffsetS, then one every intervalS on a fixed grid. */
  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    private readonly probe: Probe,
    readonly policy: HealthCheckPolicy,
    private readonly onChange?: HealthListener,
    options: { initiallyHealthy?: boolean; startOffsetS?: number } = {},
  ) {
    this.count = new RiseFall(policy, options.initiallyHealthy ?? true);
    this.startS = sim.nowS + (options.startOffsetS ?? 0);
    this.process = sim.process(this.run(), `health check ${name}`);
  }

  /** Ends the probing process (checkers run forever otherwise, so a run needs untilS or stop()). */
  stop(): void {
    if (this.process.isAlive) this.process.interrupt({ reason: 'stopped' });
  }

  private *run(): ProcessGenerator<void> {
    try {
      yield this.startS - this.sim.nowS;
      // Probe times are computed from the start, not summed, so they do not drift.
      for (let tick = 1; ; tick++) {
        this.probes++;
        const rttS = this.probe();
        const answered = rttS !== undefined && rttS <= this.policy.timeoutS;
        yield answered ? rttS : this.policy.timeoutS;
        this.record(answered);
        yield Math.max(0, this.startS + tick * this.policy.intervalS - this.sim.nowS);
      }
    } catch (error) {
      if (!(error instanceof Interrupt)) throw error;
    }
  }

  get healthy(): boolean {
    return this.count.healthy;
  }

  private record(success: boolean): void {
    if (!this.count.record(success)) return;
    this.transitions.push({ atS: this.sim.nowS, healthy: this.healthy });
    this.onChange?.(this.healthy, this.sim.nowS);
  }
}
