// Percentiles of a stream in bounded memory: exact nearest-rank while few samples were added, then
// Datadog's DDSketch (@datadog/sketches-js) with its relative-error guarantee. Leaves out negative values.

import { createRequire } from 'node:module';
import { SimulationError } from '../sim/errors.js';
import { percentile } from '../sim/engine/stats.js';

/** The part of the library's DDSketch we use. */
interface Sketch {
  accept(value: number): void;
  getValueAtQuantile(quantile: number): number;
}

// Loaded untyped on purpose: the package's .d.ts files import protobufjs, which it does not depend
// on, so with our strict library checks its own types fail to compile. Its runtime needs no protobufjs.
const { DDSketch } = createRequire(import.meta.url)('@datadog/sketches-js') as { DDSketch: new (options: { relativeAccuracy: number }) => Sketch };

/**
 * Up to `exactSamples` values are kept and a quantile is the exact nearest-rank one (the same
 * definition as sim/engine/stats.ts). Past that, values go into a DDSketch with relative accuracy α
 * (Masson, Rim and Lee, VLDB 2019): its answer is within a factor (1 ± α) of the exact value of the
 * rank it is asked for. The library ranks by q·(n − 1) rather than nearest rank, so we ask it for the
 * nearest-rank index ourselves (see `sketchQuantile`), which keeps one definition in both modes.
 * Both modes are order-independent: the sketch keeps only counts per bucket.
 */
export class QuantileDigest {
  private exact: number[] | undefined = [];
  /** Made when the exact samples overflow: a year of hourly buckets holds ~10^4 digests, and most never do. */
  private sketch: Sketch | undefined;
  private n = 0;
  private sum = 0;
  private maxValue = -Infinity;

  constructor(
    private readonly exactSamples: number,
    private readonly relativeAccuracy: number,
  ) {
    if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) throw new SimulationError(`relative accuracy must be in (0, 1), got ${relativeAccuracy}`);
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
    this.sketch!.accept(value);
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
    return qs.map((q) => this.sketchQuantile(q));
  }

  /**
   * The library returns the value at 0-based index floor(q'·(n − 1)). Asking for the middle of the
   * nearest-rank index k = ceil(q·n) − 1, q' = (k + ½)/(n − 1), lands on k without float ties.
   */
  private sketchQuantile(q: number): number {
    const k = Math.min(this.n, Math.max(1, Math.ceil(q * this.n))) - 1;
    const asked = this.n === 1 ? 0 : Math.min(1, (k + 0.5) / (this.n - 1));
    const value = this.sketch!.getValueAtQuantile(asked);
    if (Number.isNaN(value)) throw new SimulationError('digest counts do not add up');
    return value;
  }

  private toSketch(): void {
    const kept = this.exact!;
    this.exact = undefined;
    const sketch = (this.sketch = new DDSketch({ relativeAccuracy: this.relativeAccuracy }));
    for (const v of kept) sketch.accept(v);
  }
}
