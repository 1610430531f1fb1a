// Distributions: sample moments against theory, Kolmogorov–Smirnov against exact CDFs, trace files,
// and spec validation. Seeds are fixed, so every statistical check is deterministic, not flaky.

import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../sim/errors.js';
import { RngStreams } from '../../sim/engine/rng.js';
import {
  DISTRIBUTION_KINDS,
  constant,
  empirical,
  empiricalFromTraceFile,
  exponentialFromMean,
  exponentialFromRate,
  gamma,
  lognormal,
  lognormalFromMeanSd,
  normal,
  parseDistribution,
  pareto,
  uniform,
  weibull,
  type Distribution,
} from '../../sim/engine/distributions.js';

const N = 200_000;
/** Mean tolerance: 5 standard errors of the mean, σ/√n with the theoretical σ. */
const MEAN_SE = 5;
/**
 * Variance tolerance: 6 standard errors of the sample variance, √((m4 − s⁴)/n) with the sample's
 * own fourth central moment; looser than the mean's because m4 is itself estimated.
 */
const VAR_SE = 6;
/** KS critical value at α ≈ 0.001 for large n: D must stay below 1.95/√n. */
const KS_C = 1.95;

function samples(d: Distribution, name: string, n = N): Float64Array {
  const rng = new RngStreams('distributions').stream(name);
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = d.sample(rng);
  return xs;
}

function moments(xs: Float64Array): { mean: number; variance: number; m4: number } {
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / xs.length;
  let m2 = 0;
  let m4 = 0;
  for (const x of xs) {
    const dev2 = (x - mean) ** 2;
    m2 += dev2;
    m4 += dev2 * dev2;
  }
  return { mean, variance: m2 / (xs.length - 1), m4: m4 / xs.length };
}

interface Case {
  readonly label: string;
  readonly d: Distribution;
  readonly mean: number;
  readonly variance: number;
}

function checkMoments(c: Case): string[] {
  const problems: string[] = [];
  if (Math.abs(c.d.mean - c.mean) > 1e-9 * Math.abs(c.mean)) problems.push(`d.mean ${c.d.mean} != ${c.mean}`);
  const xs = samples(c.d, c.label);
  const m = moments(xs);
  const meanTol = MEAN_SE * Math.sqrt(c.variance / xs.length);
  if (!(Math.abs(m.mean - c.mean) <= meanTol)) problems.push(`sample mean ${m.mean} vs ${c.mean} ± ${meanTol}`);
  const varTol = VAR_SE * Math.sqrt((m.m4 - m.variance ** 2) / xs.length);
  if (!(Math.abs(m.variance - c.variance) <= varTol)) problems.push(`sample variance ${m.variance} vs ${c.variance} ± ${varTol}`);
  return problems;
}

/** The Kolmogorov–Smirnov statistic D of samples against a CDF. */
function ksStatistic(xs: Float64Array, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(xs).sort();
  const n = sorted.length;
  let d = 0;
  sorted.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  });
  return d;
}

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7, far below the KS threshold of ~4e-3). */
function erf(x: number): number {
  const sign = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-a * a));
}
const normalCdf = (mean: number, sd: number) => (x: number) => 0.5 * (1 + erf((x - mean) / (sd * Math.SQRT2)));

const LN_MU = 0.5;
const LN_SIGMA = 0.75;
const GAMMA_1_PLUS_1_OVER_1_2 = 0.9406558582567718; // Γ(1 + 1/1.2), from Python's math.gamma
const GAMMA_1_PLUS_2_OVER_1_2 = 1.5045754882515563; // Γ(1 + 2/1.2)

const CASES: readonly Case[] = [
  { label: 'exponential mean 5', d: exponentialFromMean(5), mean: 5, variance: 25 },
  { label: 'exponential rate 0.5', d: exponentialFromRate(0.5), mean: 2, variance: 4 },
  { label: 'uniform 2..10', d: uniform(2, 10), mean: 6, variance: 64 / 12 },
  { label: 'normal 10, 3', d: normal(10, 3), mean: 10, variance: 9 },
  {
    label: 'lognormal mu 0.5 sigma 0.75',
    d: lognormal(LN_MU, LN_SIGMA),
    mean: Math.exp(LN_MU + LN_SIGMA ** 2 / 2),
    variance: (Math.exp(LN_SIGMA ** 2) - 1) * Math.exp(2 * LN_MU + LN_SIGMA ** 2),
  },
  { label: 'lognormal mean 100 sd 50', d: lognormalFromMeanSd(100, 50), mean: 100, variance: 2500 },
  { label: 'weibull 2, 100', d: weibull(2, 100), mean: 50 * Math.sqrt(Math.PI), variance: 1e4 * (1 - Math.PI / 4) },
  { label: 'weibull 0.5, 10', d: weibull(0.5, 10), mean: 20, variance: 100 * (24 - 4) },
  {
    label: 'weibull 1.2, 100',
    d: weibull(1.2, 100),
    mean: 100 * GAMMA_1_PLUS_1_OVER_1_2,
    variance: 1e4 * (GAMMA_1_PLUS_2_OVER_1_2 - GAMMA_1_PLUS_1_OVER_1_2 ** 2),
  },
  { label: 'gamma 0.5, 2', d: gamma(0.5, 2), mean: 1, variance: 2 },
  { label: 'gamma 3, 1.5', d: gamma(3, 1.5), mean: 4.5, variance: 6.75 },
  { label: 'gamma 1, 2', d: gamma(1, 2), mean: 2, variance: 4 },
  { label: 'pareto 5, 2', d: pareto(5, 2), mean: 2.5, variance: (4 * 5) / (16 * 3) },
  { label: 'empirical resample', d: empirical([1, 2, 2, 10]), mean: 3.75, variance: 27.25 - 3.75 ** 2 },
  // Interpolated: uniform mixtures on [0,10], [10,20], [20,40], each with weight 1/3.
  { label: 'empirical interpolated', d: empirical([20, 0, 40, 10], { interpolate: true }), mean: 50 / 3, variance: 400 - (50 / 3) ** 2 },
];

for (const c of CASES) {
  test(`moments: ${c.label} (mean within ${MEAN_SE} SE, variance within ${VAR_SE} SE, n = ${N})`, (t) => {
    t.deepEqual(checkMoments(c), []);
  });
}

test('the moment check has power: a 2% error in the mean of gamma(3, 1.5) is caught', (t) => {
  t.notDeepEqual(checkMoments({ label: 'gamma 3, 1.5', d: gamma(3, 1.5), mean: 4.5 * 1.02, variance: 6.75 }), []);
});

const KS_CASES: ReadonlyArray<{ label: string; d: Distribution; cdf: (x: number) => number }> = [
  { label: 'exponential mean 5', d: exponentialFromMean(5), cdf: (x) => 1 - Math.exp(-x / 5) },
  { label: 'weibull 2, 100', d: weibull(2, 100), cdf: (x) => 1 - Math.exp(-((x / 100) ** 2)) },
  { label: 'weibull 0.5, 10', d: weibull(0.5, 10), cdf: (x) => 1 - Math.exp(-Math.sqrt(x / 10)) },
  { label: 'pareto 1.5, 1 (infinite variance)', d: pareto(1.5, 1), cdf: (x) => 1 - x ** -1.5 },
  { label: 'pareto 5, 2', d: pareto(5, 2), cdf: (x) => 1 - (2 / x) ** 5 },
  // Gamma(1/2, scale 2) is chi-square with 1 degree of freedom: F(x) = erf(√(x/2)).
  { label: 'gamma 0.5, 2', d: gamma(0.5, 2), cdf: (x) => erf(Math.sqrt(x / 2)) },
  { label: 'gamma 3, 1.5', d: gamma(3, 1.5), cdf: (x) => 1 - Math.exp(-x / 1.5) * (1 + x / 1.5 + (x / 1.5) ** 2 / 2) },
  { label: 'normal 10, 3', d: normal(10, 3), cdf: normalCdf(10, 3) },
  { label: 'lognormal 0.5, 0.75', d: lognormal(LN_MU, LN_SIGMA), cdf: (x) => normalCdf(LN_MU, LN_SIGMA)(Math.log(x)) },
  {
    label: 'empirical interpolated',
    d: empirical([0, 10, 20, 40], { interpolate: true }),
    cdf: (x) => (x <= 20 ? x / 30 : 2 / 3 + (x - 20) / 60),
  },
];

for (const c of KS_CASES) {
  test(`Kolmogorov–Smirnov: ${c.label} (D < ${KS_C}/√n)`, (t) => {
    const d = ksStatistic(samples(c.d, `ks ${c.label}`), c.cdf);
    t.true(d < KS_C / Math.sqrt(N), `D = ${d}`);
  });
}

test('the KS check has power: exponential mean 5 is rejected against a mean of 5.1', (t) => {
  const d = ksStatistic(samples(exponentialFromMean(5), 'ks power'), (x) => 1 - Math.exp(-x / 5.1));
  t.true(d > KS_C / Math.sqrt(N), `D = ${d}`);
});

test('constant always returns its value; pareto with shape <= 1 has an infinite mean', (t) => {
  const xs = samples(constant(7), 'constant', 100);
  t.true(xs.every((x) => x === 7));
  t.is(constant(7).mean, 7);
  t.is(pareto(1, 3).mean, Infinity);
  t.true(samples(pareto(1, 3), 'pareto min', 10_000).every((x) => x >= 3));
});

test('empirical resampling returns only listed values, in proportion to how often they are listed', (t) => {
  const xs = samples(empirical([1, 2, 2, 10]), 'empirical freq', 40_000);
  t.true(xs.every((x) => x === 1 || x === 2 || x === 10));
  const twos = xs.filter((x) => x === 2).length / xs.length;
  // Binomial SE at p = 1/2, n = 40,000 is 0.0025; allow 5 SE.
  t.true(Math.abs(twos - 0.5) < 0.0125, `share of 2s ${twos}`);
});

test('empirical interpolation stays within [min, max] and fills the gaps', (t) => {
  const xs = samples(empirical([5, 1, 3], { interpolate: true }), 'empirical interp', 10_000);
  t.true(xs.every((x) => x >= 1 && x <= 5));
  t.true(xs.some((x) => x !== 1 && x !== 3 && x !== 5));
  t.is(empirical([4], { interpolate: true }).mean, 4);
});

test('no hidden state: two copies of a distribution sharing one rng replay a single copy exactly', (t) => {
  // A cached second Box–Muller value (or any per-object state) would make these sequences differ.
  for (const make of [() => normal(0, 1), () => lognormal(0, 1), () => gamma(0.5, 1), () => gamma(3, 1)]) {
    const [a, b, single] = [make(), make(), make()];
    const shared = new RngStreams(11).stream('replay');
    const alone = new RngStreams(11).stream('replay');
    for (let i = 0; i < 1000; i++) {
      const d = i % 2 === 0 ? a : b;
      t.is(d.sample(shared), single.sample(alone));
    }
  }
});

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'zos-distributions-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('empiricalFromTraceFile reads one number a line with comments, blank lines and CRLF', (t) => {
  const path = join(tempDir(t), 'repair-s.txt');
  writeFileSync(path, '# repair durations, seconds\r\n\r\n10\r\n20 # slow one\r\n  30  \r\n\r\n-1.5e1\r\n');
  const d = empiricalFromTraceFile(path);
  t.is(d.mean, (10 + 20 + 30 - 15) / 4);
  t.deepEqual(d.spec, { kind: 'empirical', file: path });
  const xs = samples(d, 'trace', 1000);
  t.true(xs.every((x) => [10, 20, 30, -15].includes(x)));
  // Segment means -2.5, 15 and 25, each with weight 1/3.
  t.is(empiricalFromTraceFile(path, { interpolate: true }).mean, 12.5);
});

test('empiricalFromTraceFile takes the first column of a CSV and skips its header', (t) => {
  const path = join(tempDir(t), 'trace.csv');
  writeFileSync(path, 'durationS,nodeId\n1.5,n1\n2.5,n2\n');
  t.is(empiricalFromTraceFile(path).mean, 2);
});

test('a bad trace line is an InputError naming the file and the line', (t) => {
  const dir = tempDir(t);
  const bad = join(dir, 'bad.txt');
  writeFileSync(bad, '# header comment\n1\n2\nabc\n4\n');
  const err = t.throws(() => empiricalFromTraceFile(bad), { instanceOf: InputError });
  t.is(err?.where, `${bad}:4`);
  t.regex(err?.message ?? '', /bad\.txt:4: .*"abc"/);
  // A second header-like line is data, and so an error; so are Infinity and hex.
  for (const [name, text, line] of [
    ['two-headers.csv', 'a,b\nc,d\n1,2\n', 2],
    ['infinity.txt', '1\nInfinity\n', 2],
    ['hex.txt', '0x10\n', 1],
  ] as const) {
    const path = join(dir, name);
    writeFileSync(path, text);
    t.is(t.throws(() => empiricalFromTraceFile(path), { instanceOf: InputError })?.where, `${path}:${line}`);
  }
  const empty = join(dir, 'empty.txt');
  writeFileSync(empty, '# nothing\n\n');
  t.is(t.throws(() => empiricalFromTraceFile(empty), { instanceOf: InputError })?.where, empty);
  t.is(t.throws(() => empiricalFromTraceFile(join(dir, 'missing.txt')), { instanceOf: InputError })?.where, join(dir, 'missing.txt'));
});

test('parseDistribution builds every kind of the spec table', (t) => {
  const specs: ReadonlyArray<[unknown, number]> = [
    [{ kind: 'exponential', meanS: 5 }, 5],
    [{ kind: 'exponential', ratePerS: 0.25 }, 4],
    [{ kind: 'uniform', min: 1, max: 3 }, 2],
    [{ kind: 'normal', mean: -2, sd: 0 }, -2],
    [{ kind: 'lognormal', mu: 0, sigma: 0 }, 1],
    [{ kind: 'lognormal', mean: 8, sd: 2 }, 8],
    [{ kind: 'weibull', shape: 1, scale: 100 }, 100],
    [{ kind: 'gamma', shape: 2, scale: 3 }, 6],
    [{ kind: 'pareto', shape: 2, scale: 1 }, 2],
    [{ kind: 'constant', value: 0 }, 0],
    [{ kind: 'empirical', values: [1, 3], interpolate: true }, 2],
  ];
  const kinds = new Set<string>();
  for (const [spec, mean] of specs) {
    const d = parseDistribution('test', spec);
    t.true(Math.abs(d.mean - mean) < 1e-12, JSON.stringify(spec));
    t.deepEqual(d.spec, spec);
    kinds.add(d.spec.kind);
  }
  t.deepEqual([...kinds].sort(), [...DISTRIBUTION_KINDS].sort());
});

test('parseDistribution of a spec round-trips to the same samples', (t) => {
  for (const c of CASES) {
    const again = parseDistribution('round-trip', c.d.spec);
    const a = new RngStreams(1).stream('rt');
    const b = new RngStreams(1).stream('rt');
    t.deepEqual(Array.from({ length: 100 }, () => again.sample(a)), Array.from({ length: 100 }, () => c.d.sample(b)), c.label);
  }
});

test('parseDistribution resolves a relative trace file against baseDir', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'sizes.txt'), '100\n300\n');
  t.is(parseDistribution('scenario.json', { kind: 'empirical', file: 'sizes.txt' }, { baseDir: dir }).mean, 200);
});

function fieldOf(t: { throws: (fn: () => unknown, e: object) => unknown }, spec: unknown, prefix?: string): string {
  const opts = prefix === undefined ? {} : { fieldPrefix: prefix };
  const err = t.throws(() => parseDistribution('scenario.json', spec, opts), { instanceOf: InputError }) as InputError | undefined;
  return `${err?.field} | ${err?.message}`;
}

test('parseDistribution errors name the field and the problem', (t) => {
  const cases: ReadonlyArray<[unknown, RegExp]> = [
    [{ kind: 'exponential', meanS: 0 }, /^meanS \| scenario\.json: field meanS: must be > 0, got 0$/],
    [{ kind: 'exponential', meanS: -1 }, /^meanS \| .*must be > 0, got -1/],
    [{ kind: 'exponential', meanS: Number.NaN }, /^meanS \| .*must be > 0, got NaN/],
    [{ kind: 'exponential', meanS: '5' }, /^meanS \| .*must be a number, got "5"/],
    [{ kind: 'exponential', meanS: 5, ratePerS: 0.2 }, /^meanS \| .*conflicts with ratePerS/],
    [{ kind: 'exponential' }, /^meanS\|ratePerS \| .*is required/],
    [{ kind: 'exponential', meanS: 5, meanSec: 5 }, /^meanSec \| .*is not a field of kind exponential/],
    [{ kind: 'weibull', shape: 1.2 }, /^scale \| .*is required for kind weibull/],
    [{ kind: 'weibull', shape: 0, scale: 100 }, /^shape \| .*must be > 0/],
    [{ kind: 'gamma', shape: 2, scale: Infinity }, /^scale \| .*must be > 0, got Infinity/],
    [{ kind: 'pareto', shape: -2, scale: 1 }, /^shape \| /],
    [{ kind: 'uniform', min: 5, max: 1 }, /^max \| .*must be >= min \(5\)/],
    [{ kind: 'normal', mean: 0, sd: -1 }, /^sd \| .*must be >= 0/],
    [{ kind: 'lognormal', mean: 0, sd: 1 }, /^mean \| .*must be > 0/],
    [{ kind: 'lognormal', mu: 0, sigma: 1, sd: 2 }, /^sd \| .*not a field/],
    [{ kind: 'constant', value: null }, /^value \| .*must be a number, got null/],
    [{ kind: 'empirical', values: [] }, /^values \| .*non-empty array/],
    [{ kind: 'empirical', values: [1, 2, 'x'] }, /^values\[2\] \| .*must be a finite number, got "x"/],
    [{ kind: 'empirical', values: [1], interpolate: 'yes' }, /^interpolate \| .*true or false/],
    [{ kind: 'empirical', file: '' }, /^file \| .*non-empty string/],
    [{ kind: 'poisson', mean: 3 }, /^kind \| .*must be one of exponential, uniform, normal, lognormal, weibull, gamma, pareto, constant, empirical; got "poisson"/],
    [{ meanS: 3 }, /^kind \| .*got undefined/],
    [[1, 2], /^ \| scenario\.json: must be an object/],
    [null, /^ \| .*must be an object/],
  ];
  for (const [spec, expected] of cases) t.regex(fieldOf(t, spec), expected, JSON.stringify(spec));
});

test('parseDistribution prefixes field names with the spec path inside its document', (t) => {
  t.regex(fieldOf(t, { kind: 'exponential', meanS: 0 }, 'faults.ssd.timeToFailure'), /^faults\.ssd\.timeToFailure\.meanS \| /);
  t.regex(fieldOf(t, { kind: 'nope' }, 'arrivals'), /^arrivals\.kind \| /);
  t.regex(fieldOf(t, 'exp', 'arrivals'), /^arrivals \| /);
});

test('constructors validate like JSON specs', (t) => {
  const err = t.throws(() => weibull(-1, 10), { instanceOf: InputError });
  t.is(err?.field, 'shape');
  t.is(err?.where, 'distributions.weibull()');
  t.throws(() => exponentialFromMean(0), { instanceOf: InputError });
  t.throws(() => empirical([]), { instanceOf: InputError });
  t.throws(() => uniform(2, 1), { instanceOf: InputError });
});
