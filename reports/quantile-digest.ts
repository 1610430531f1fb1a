// Percentiles of a stream in bounded memory: exact nearest-rank while few samples were added, then a
// DDSketch-style log-bucketed histogram with a relative-error guarantee. Leaves out negative values.

import { SimulationError } from '../sim/errors.js';
import { percentile } from '../sim/engine/stats.js';

/**
 * Up to `exactSamples` values are kept and a quantile is the exact nearest-rank one (the same
 * definition as sim/engine/stats.ts). Past that, every value goes to the bucket
 * i = ceil(log_γ x) with γ = (1 + α) / (1 − α), and a quantile is answered by the nearest-rank
 * bucket's representative 2γ^i / (γ + 1): it is within a factor (1 ± α) of the exact nearest-rank
 * value (Masson, Rim and Lee, "DDSketch", VLDB 2019). Zero gets its own exact bucket. Both modes
 * are order-independent, so the same multiset of values gives the same answers however it arrived.
 */
export class QuantileDigest {
  private exact: number[] | undefined = [];
  private readonly bins = new Map<number, number>();
  private zeros = 0;
  private readonly logGamma: number;
  private readonly gamma: number;
  private n = 0;
  private sum = 0;
  private maxValue = -Infinity;

  constructor(
    private readonly exactSamples: number,
    relativeAccuracy: number,
  ) {
    if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) throw new SimulationError(`relative accuracy must be in (0, 1), got ${relativeAccuracy}`);
    this.gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
    this.logGamma = Math.log(this.gamma);
  }

  add(value: number): void {
    // A negative or NaN latency is a bug in whoever computed it; a report must not hide it.
    if (!(value >= 0) || value === Infinity) throw new SimulationError(`digest value must be finite and ≥ 0, got ${value}`);
    this.n += 1;
    this.sum += value;
    if (value > this.maxValue) this.maxValue = value;
    if (this.exact !== undefined) {
      this.exact.push(value);
      if (this.exact.length > this.exactSamples) this.toSketch();
      return;
    }
    this.addToSketch(value);
  }

  get count(): number {
    return this.n;
  }

  get mean(): number {
    return this.n === 0 ? NaN : this.sum / this.n;
  }

  get max(): number {
    return this.n === 0 ? NaN : this.maxValue;
  }

  /** True while answers are exact, false once the sketch took over. */
  get isExact(): boolean {
    return this.exact !== undefined;
  }

  /** Nearest-rank quantiles, q in [0, 1]; NaN when empty. */
  quantiles(qs: readonly number[]): number[] {
    if (this.n === 0) return qs.map(() => NaN);
    if (this.exact !== undefined) {
      const sorted = Float64Array.from(this.exact).sort();
      return qs.map((q) => percentile(sorted, q));
    }
    const indices = [...this.bins.keys()].sort((a, b) => a - b);
    return qs.map((q) => this.sketchQuantile(indices, q));
  }

  private sketchQuantile(indices: readonly number[], q: number): number {
    const rank = Math.min(this.n, Math.max(1, Math.ceil(q * this.n)));
    if (rank <= this.zeros) return 0;
    let seen = this.zeros;
    for (const i of indices) {
      seen += this.bins.get(i)!;
      if (seen >= rank) return (2 * Math.pow(this.gamma, i)) / (this.gamma + 1);
    }
    throw new SimulationError('digest counts do not add up');
  }

  private toSketch(): void {
    const kept = this.exact!;
    this.exact = undefined;
    for (const v of kept) this.addToSketch(v);
  }

  private addToSketch(value: number): void {
    if (value === 0) {
      this.zeros += 1;
      return;
    }
    const i = Math.ceil(Math.log(value) / this.logGamma);
    this.bins.set(i, (this.bins.get(i) ?? 0) + 1);
  }
}
