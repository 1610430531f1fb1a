// Deployment availability and healing per bucket: the available share held between samples (time-
// weighted mean, and the minimum present), increases of the cumulative healing counters. Leaves out
// what makes a deployment available: the runner decides that and samples on every change.

import { SimulationError } from '../sim/errors.js';
import type { DeploymentCell, DeploymentSample, DeploymentTotals } from './types.js';

const zero: DeploymentSample = { availableFraction: 1, replacements: 0, repairs: 0, reapplies: 0 };

/** 99.9 % and 99.99 %: the availability targets an operator quotes. */
export const threeNines = 0.999;
export const fourNines = 0.9999;

export class DeploymentSeries {
  /** Counters as they stood when the open bucket began. */
  private base: DeploymentSample = zero;
  private held: DeploymentSample = zero;
  private integral = 0;
  private coveredS = 0;
  private min = NaN;
  private readonly run = { integral: 0, coveredS: 0, min: 1, minAtS: NaN, belowThreeS: 0, belowFourS: 0 };

  observe(nowS: number, s: DeploymentSample): void {
    const f = s.availableFraction;
    // A bad figure would poison every mean after it; the runner's bug is named instead.
    if (!(f >= 0 && f <= 1)) throw new SimulationError(`sample: deployments.availableFraction must be in [0, 1], got ${f}`);
    for (const k of ['replacements', 'repairs', 'reapplies'] as const) {
      if (!(s[k] >= this.held[k] && s[k] < Infinity)) throw new SimulationError(`sample: deployments.${k} is a cumulative count, got ${s[k]} after ${this.held[k]}`);
    }
    this.held = s;
    if (!(this.min <= f)) this.min = f;
    if (Number.isNaN(this.run.minAtS) || f < this.run.min) {
      this.run.min = f;
      this.run.minAtS = nowS;
    }
  }

  /** The held fraction lasted `seconds` more. */
  hold(seconds: number): void {
    if (seconds <= 0) return;
    const f = this.held.availableFraction;
    this.integral += f * seconds;
    this.coveredS += seconds;
    this.run.integral += f * seconds;
    this.run.coveredS += seconds;
    if (f < threeNines) this.run.belowThreeS += seconds;
    if (f < fourNines) this.run.belowFourS += seconds;
  }

  /** Closes the open bucket; the held value is present at the next one's first instant. */
  close(): DeploymentCell {
    const now = this.held;
    const cell: DeploymentCell = {
      availableFractionMean: this.coveredS > 0 ? this.integral / this.coveredS : NaN,
      availableFractionMin: this.min,
      replacements: now.replacements - this.base.replacements,
      repairs: now.repairs - this.base.repairs,
      reapplies: now.reapplies - this.base.reapplies,
    };
    this.base = now;
    this.integral = 0;
    this.coveredS = 0;
    this.min = now.availableFraction;
    return cell;
  }

  totals(): DeploymentTotals {
    const { run, held } = this;
    return {
      availableFractionMin: run.min,
      availableFractionMinAtS: run.minAtS,
      availableFractionMean: run.coveredS > 0 ? run.integral / run.coveredS : NaN,
      belowThreeNinesS: run.belowThreeS,
      belowFourNinesS: run.belowFourS,
      replacements: held.replacements,
      repairs: held.repairs,
      reapplies: held.reapplies,
    };
  }
}
