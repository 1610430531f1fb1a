// Small order statistics shared by validations, demos and reports: nearest-rank percentiles over
// recorded samples. Leaves out streaming sketches; callers keep the samples they need.

/** Nearest-rank percentile of ascending `sorted` values, q in [0, 1]; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Collects samples and reports count, mean and percentiles. */
export class SampleSet {
  private values: number[] = [];
  private sum = 0;

  add(value: number): void {
    this.values.push(value);
    this.sum += value;
  }

  get count(): number {
    return this.values.length;
  }

  get mean(): number {
    return this.values.length === 0 ? NaN : this.sum / this.values.length;
  }

  /** Percentiles at the given quantiles, sorted once. */
  percentiles(qs: readonly number[]): number[] {
    const sorted = Float64Array.from(this.values).sort();
    return qs.map((q) => percentile(sorted, q));
  }
}
