// Deployment availability as an operator sees it: a deployment is available when its node runs, its
// contract is active and every workload is ok; a workload on a down node is unavailable whatever its
// last state says. Kept exactly, on every change (power, workload state, re-placement), not sampled:
// the minimum, the time-weighted mean, deployment-hours lost and each outage's time to heal.
// Leaves out network reachability: a node cut off by a link fault (not crashed) still counts as up.

import type { Instance, RunContext } from './run-context.js';

export interface AvailabilityFigures {
  /** Available share at the worst instant (1 when nothing was ever deployed), and that instant. */
  readonly minFraction: number;
  readonly minAtS: number | null;
  /** The last instant at which every counted deployment was available again after an outage (null: never, or none). */
  readonly restoredAtS: number | null;
  /** Time-weighted available share over the deployment-seconds counted. */
  readonly meanFraction: number;
  readonly hoursLost: number;
  /** Deployments counted (those that came up once) and those unavailable now. */
  readonly counted: number;
  readonly unavailable: number;
  /** Seconds from a deployment becoming unavailable to its being available again, per outage that ended. */
  readonly healedOutagesS: readonly number[];
}

/** Told the available share after every change that may have moved it (reports' time series). */
export type AvailabilityListener = (fraction: number) => void;

/** Each run's tracker by its context, so an observer attached later reads the same figures. */
const byContext = new WeakMap<RunContext, DeploymentAvailability>();

/** The run's DeploymentAvailability, if one was made for `ctx`. */
export function availabilityOf(ctx: RunContext): DeploymentAvailability | undefined {
  return byContext.get(ctx);
}

export class DeploymentAvailability {
  private readonly listeners: AvailabilityListener[] = [];
  /** Instances that came up at least once: only they can be lost (a deployment still booting is not an outage). */
  private readonly counted = new Set<Instance>();
  /** Counted instances unavailable now, with the instant each became so. */
  private readonly downSinceS = new Map<Instance, number>();
  private readonly byNode = new Map<number, Set<Instance>>();
  private readonly healed: number[] = [];
  private lastS = 0;
  private lostS = 0;
  private countedS = 0;
  private minFraction = 1;
  private minAtS: number | null = null;
  private restoredAtS: number | null = null;

  constructor(private readonly ctx: RunContext) {
    byContext.set(ctx, this);
    const { world } = ctx;
    ctx.placed.push((inst) => {
      if (inst.tampered) return;
      this.index(inst, inst.node);
      this.update(inst);
    });
    ctx.moved.push((inst, _from, fromNode) => {
      this.byNode.get(fromNode)?.delete(inst);
      this.index(inst, inst.node);
      this.update(inst);
    });
    world.grid.onPower((node) => {
      const on = this.byNode.get(node);
      if (on !== undefined) for (const inst of on) this.update(inst);
    });
    world.provision.onChange((_node, contractId) => {
      const inst = ctx.byContractId(contractId);
      if (inst !== undefined && !inst.tampered) this.update(inst);
    });
  }

  /** The figures up to now. */
  figures(): AvailabilityFigures {
    this.advance();
    const meanFraction = this.countedS === 0 ? 1 : 1 - this.lostS / this.countedS;
    return {
      minFraction: this.minFraction,
      minAtS: this.minAtS,
      restoredAtS: this.restoredAtS,
      meanFraction,
      hoursLost: this.lostS / 3600,
      counted: this.counted.size,
      unavailable: this.downSinceS.size,
      healedOutagesS: this.healed,
    };
  }

  /** Calls `listener` with the available share whenever its inputs (counted, unavailable) change. */
  onChange(listener: AvailabilityListener): void {
    this.listeners.push(listener);
  }

  /** Available share now, for gauges (1 when nothing is counted). */
  fractionNow(): number {
    return this.counted.size === 0 ? 1 : 1 - this.downSinceS.size / this.counted.size;
  }

  private index(inst: Instance, node: number): void {
    let set = this.byNode.get(node);
    if (set === undefined) this.byNode.set(node, (set = new Set()));
    set.add(inst);
  }

  private available(inst: Instance): boolean {
    const { world } = this.ctx;
    if (!world.grid.isOn(inst.node) || !world.chain.isActive(inst.contractId)) return false;
    // Read in place, not through a copy of the deployment: this runs at every workload result.
    const stored = world.provision.storedWorkloads(inst.node, inst.contractId);
    if (stored === undefined) return false;
    for (const { result } of stored) if (result.state !== 'ok') return false;
    return true;
  }

  private update(inst: Instance): void {
    const counted = this.counted.size;
    const unavailable = this.downSinceS.size;
    this.change(inst);
    if (this.listeners.length > 0 && (counted !== this.counted.size || unavailable !== this.downSinceS.size)) {
      const fraction = this.fractionNow();
      for (const listener of this.listeners) listener(fraction);
    }
  }

  private change(inst: Instance): void {
    this.advance();
    // A cancelled deployment is gone on purpose: no longer counted, and not an outage.
    if (inst.cancelled) {
      this.counted.delete(inst);
      this.downSinceS.delete(inst);
      return;
    }
    const up = this.available(inst);
    if (!this.counted.has(inst)) {
      if (up) this.counted.add(inst);
      return;
    }
    const since = this.downSinceS.get(inst);
    if (up && since !== undefined) {
      this.downSinceS.delete(inst);
      const outageS = this.ctx.world.sim.nowS - since;
      // A change and its undoing at one instant (a reboot re-running workloads) is no outage.
      if (outageS > 0) this.healed.push(outageS);
      if (this.downSinceS.size === 0) this.restoredAtS = this.ctx.world.sim.nowS;
    } else if (!up && since === undefined) {
      this.downSinceS.set(inst, this.ctx.world.sim.nowS);
      if (this.fractionNow() < this.minFraction) {
        this.minFraction = this.fractionNow();
        this.minAtS = this.ctx.world.sim.nowS;
      }
    }
  }

  /** Integrates the counts up to now: they are constant between two changes. */
  private advance(): void {
    const nowS = this.ctx.world.sim.nowS;
    const dtS = nowS - this.lastS;
    if (dtS <= 0) return;
    this.lostS += this.downSinceS.size * dtS;
    this.countedS += this.counted.size * dtS;
    this.lastS = nowS;
  }
}

/** The p-quantile (0..1) of `values` by the nearest-rank rule; null when there are none. */
export function quantileS(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
