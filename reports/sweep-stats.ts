// Mean and 95 % confidence interval half-width of a metric across a sweep point's seeds (Student t).
// Leaves out other confidence levels and unequal-variance comparisons between points.

/** Two-sided 95 % quantiles t(0.975, df) for df = 1…30, from the standard tables. */
const t975Small = [
  12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622, 2.2281, 2.201, 2.1788, 2.1604, 2.1448, 2.1314,
  2.1199, 2.1098, 2.1009, 2.093, 2.086, 2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
];
/** Beyond 30: the table's next rows; between rows we take the smaller df, which widens the interval. */
const t975Large: readonly (readonly [df: number, t: number])[] = [
  [120, 1.9799],
  [60, 2.0003],
  [40, 2.0211],
  [30, 2.0423],
];

export function tQuantile975(df: number): number {
  if (!(df >= 1) || !Number.isInteger(df)) return NaN;
  if (df <= 30) return t975Small[df - 1]!;
  return t975Large.find(([d]) => df >= d)![1];
}

export interface MeanCi {
  readonly mean: number;
  /** NaN with fewer than two samples: one seed says nothing about the spread. */
  readonly ci95HalfWidth: number;
}

/** Mean and t(0.975, n − 1) · s / √n, s the sample standard deviation; NaN if any sample is NaN. */
export function meanCi95(samples: readonly number[]): MeanCi {
  const n = samples.length;
  if (n === 0 || samples.some(Number.isNaN)) return { mean: NaN, ci95HalfWidth: NaN };
  const mean = samples.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, ci95HalfWidth: NaN };
  const variance = samples.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return { mean, ci95HalfWidth: (tQuantile975(n - 1) * Math.sqrt(variance)) / Math.sqrt(n) };
}
