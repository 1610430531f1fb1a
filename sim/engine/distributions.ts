// Continuous distributions sampled from an Rng, and their JSON specs as scenarios and profiles write them.
// Leaves out: truncation, mixtures and correlated draws; a model that needs them composes these.

import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { InputError } from '../errors.js';
import type { Rng } from './rng.js';

/*
 * JSON specs. Samples carry the unit of the field that holds the spec (a `repairDurationS` spec
 * samples seconds, a `sizeBytes` spec bytes), so parameters are unit-free, except exponential's,
 * which is nearly always a time between events here and so spells its unit as the brief did.
 *
 * | kind        | fields                                  | constraints                          | mean                   |
 * |-------------|-----------------------------------------|--------------------------------------|------------------------|
 * | exponential | meanS  — or —  ratePerS                 | exactly one; > 0                     | meanS = 1/ratePerS     |
 * | uniform     | min, max                                | finite; min <= max                   | (min+max)/2            |
 * | normal      | mean, sd                                | mean finite; sd >= 0 (may go < 0!)   | mean                   |
 * | lognormal   | mu, sigma (of the underlying normal)    | mu finite; sigma >= 0                | exp(mu + sigma²/2)     |
 * | lognormal   | mean, sd (of the lognormal itself)      | mean > 0; sd >= 0                    | mean                   |
 * | weibull     | shape (k), scale (λ)                    | both > 0                             | λ·Γ(1+1/k)             |
 * | gamma       | shape (k), scale (θ)                    | both > 0; k < 1 allowed              | k·θ                    |
 * | pareto      | shape (α), scale (x_m, the minimum)     | both > 0                             | α·x_m/(α−1), ∞ if α≤1  |
 * | constant    | value                                   | finite                               | value                  |
 * | empirical   | values: number[]  — or —  file: string  | exactly one; values non-empty finite | see empirical()        |
 * |             | interpolate?: boolean (default false)   |                                      |                        |
 *
 * Examples: {"kind":"exponential","meanS":5}, {"kind":"weibull","shape":1.2,"scale":100},
 * {"kind":"empirical","file":"traces/repair-s.txt","interpolate":true}. Unknown fields are rejected,
 * so a typo such as "meanSec" fails loudly instead of silently falling back to something else.
 */

export const DISTRIBUTION_KINDS = [
  'exponential',
  'uniform',
  'normal',
  'lognormal',
  'weibull',
  'gamma',
  'pareto',
  'constant',
  'empirical',
] as const;
export type DistributionKind = (typeof DISTRIBUTION_KINDS)[number];

export type DistributionSpec =
  | { readonly kind: 'exponential'; readonly meanS: number }
  | { readonly kind: 'exponential'; readonly ratePerS: number }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  | { readonly kind: 'normal'; readonly mean: number; readonly sd: number }
  | { readonly kind: 'lognormal'; readonly mu: number; readonly sigma: number }
  | { readonly kind: 'lognormal'; readonly mean: number; readonly sd: number }
  | { readonly kind: 'weibull'; readonly shape: number; readonly scale: number }
  | { readonly kind: 'gamma'; readonly shape: number; readonly scale: number }
  | { readonly kind: 'pareto'; readonly shape: number; readonly scale: number }
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'empirical'; readonly values: readonly number[]; readonly interpolate?: boolean }
  | { readonly kind: 'empirical'; readonly file: string; readonly interpolate?: boolean };

export interface Distribution {
  /** One draw. All state lives in `rng`, so replaying the rng replays the samples exactly. */
  sample(rng: Rng): number;
  /** The theoretical mean; Infinity where it does not exist (pareto with shape <= 1). */
  readonly mean: number;
  /** The validated spec this was built from; `parseDistribution` of it builds an equal distribution. */
  readonly spec: DistributionSpec;
}

export interface EmpiricalOptions {
  /** false (default): resample the listed values. true: inverse-CDF with linear interpolation. */
  readonly interpolate?: boolean;
}

export interface ParseDistributionOptions {
  /** Path of the spec inside its document, e.g. "faults.ssd.timeToFailure"; prefixes field names. */
  readonly fieldPrefix?: string;
  /** Directory that a relative empirical `file` is resolved against (default: the working directory). */
  readonly baseDir?: string;
}

// ---------------------------------------------------------------------------------------------
// Validation: raw JSON (or a spec built in code) becomes a DistributionSpec, or an InputError.

type NumberRule = 'finite' | 'positive' | 'nonNegative';

const RULE_TEXT: Record<NumberRule, string> = {
  finite: 'must be a finite number',
  positive: 'must be > 0',
  nonNegative: 'must be >= 0',
};

function meetsRule(value: number, rule: NumberRule): boolean {
  if (!Number.isFinite(value)) return false;
  if (rule === 'positive') return value > 0;
  if (rule === 'nonNegative') return value >= 0;
  return true;
}

/** Reads the fields of one spec object, remembering which it used so leftovers can be rejected. */
class SpecReader {
  private readonly used = new Set<string>(['kind']);

  constructor(
    private readonly where: string,
    private readonly prefix: string,
    private readonly raw: Readonly<Record<string, unknown>>,
    readonly kind: DistributionKind,
  ) {}

  fail(name: string, problem: string): never {
    throw new InputError(this.where, this.prefix ? `${this.prefix}.${name}` : name, problem);
  }

  has(name: string): boolean {
    return this.raw[name] !== undefined;
  }

  /** The one field of `names` that is present; several or none is an error naming them. */
  exactlyOne(names: readonly string[]): string {
    const present = names.filter((n) => this.has(n));
    if (present.length === 1) return present[0] as string;
    const problem = present.length === 0 ? 'is required' : `conflicts with ${present.slice(1).join(', ')}`;
    return this.fail(present[0] ?? names.join('|'), `${problem} (kind ${this.kind} takes exactly one of ${names.join(', ')})`);
  }

  number(name: string, rule: NumberRule): number {
    this.used.add(name);
    const value = this.raw[name];
    if (value === undefined) return this.fail(name, `is required for kind ${this.kind}`);
    if (typeof value !== 'number') return this.fail(name, `must be a number, got ${JSON.stringify(value)}`);
    if (!meetsRule(value, rule)) return this.fail(name, `${RULE_TEXT[rule]}, got ${value}`);
    return value;
  }

  optionalBoolean(name: string): boolean | undefined {
    this.used.add(name);
    const value = this.raw[name];
    if (value === undefined || typeof value === 'boolean') return value;
    return this.fail(name, `must be true or false, got ${JSON.stringify(value)}`);
  }

  string(name: string): string {
    this.used.add(name);
    const value = this.raw[name];
    if (typeof value === 'string' && value.length > 0) return value;
    return this.fail(name, `must be a non-empty string, got ${JSON.stringify(value)}`);
  }

  finiteNumbers(name: string): number[] {
    this.used.add(name);
    const value = this.raw[name];
    if (!Array.isArray(value) || value.length === 0) return this.fail(name, 'must be a non-empty array of numbers');
    value.forEach((v: unknown, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`${name}[${i}]`, `must be a finite number, got ${JSON.stringify(v)}`);
    });
    return [...(value as number[])];
  }

  rejectUnknown(): void {
    for (const name of Object.keys(this.raw)) {
      if (!this.used.has(name)) this.fail(name, `is not a field of kind ${this.kind} here (it uses ${[...this.used].join(', ')})`);
    }
  }
}

function readExponential(r: SpecReader): DistributionSpec {
  return r.exactlyOne(['meanS', 'ratePerS']) === 'meanS'
    ? { kind: 'exponential', meanS: r.number('meanS', 'positive') }
    : { kind: 'exponential', ratePerS: r.number('ratePerS', 'positive') };
}

function readUniform(r: SpecReader): DistributionSpec {
  const min = r.number('min', 'finite');
  const max = r.number('max', 'finite');
  if (max < min) r.fail('max', `must be >= min (${min}), got ${max}`);
  return { kind: 'uniform', min, max };
}

function readLognormal(r: SpecReader): DistributionSpec {
  return r.exactlyOne(['mu', 'mean']) === 'mu'
    ? { kind: 'lognormal', mu: r.number('mu', 'finite'), sigma: r.number('sigma', 'nonNegative') }
    : { kind: 'lognormal', mean: r.number('mean', 'positive'), sd: r.number('sd', 'nonNegative') };
}

function readShapeScale(kind: 'weibull' | 'gamma' | 'pareto') {
  return (r: SpecReader): DistributionSpec => ({
    kind,
    shape: r.number('shape', 'positive'),
    scale: r.number('scale', 'positive'),
  });
}

function readEmpirical(r: SpecReader): DistributionSpec {
  const source = r.exactlyOne(['values', 'file']);
  const interpolate = r.optionalBoolean('interpolate');
  const flag = interpolate === undefined ? {} : { interpolate };
  return source === 'values'
    ? { kind: 'empirical', values: r.finiteNumbers('values'), ...flag }
    : { kind: 'empirical', file: r.string('file'), ...flag };
}

const READERS: Record<DistributionKind, (r: SpecReader) => DistributionSpec> = {
  exponential: readExponential,
  uniform: readUniform,
  normal: (r) => ({ kind: 'normal', mean: r.number('mean', 'finite'), sd: r.number('sd', 'nonNegative') }),
  lognormal: readLognormal,
  weibull: readShapeScale('weibull'),
  gamma: readShapeScale('gamma'),
  pareto: readShapeScale('pareto'),
  constant: (r) => ({ kind: 'constant', value: r.number('value', 'finite') }),
  empirical: readEmpirical,
};

function isKind(kind: unknown): kind is DistributionKind {
  return typeof kind === 'string' && (DISTRIBUTION_KINDS as readonly string[]).includes(kind);
}

function readSpec(where: string, prefix: string, raw: unknown): DistributionSpec {
  const field = (name: string) => (prefix ? `${prefix}.${name}` : name);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InputError(where, prefix, 'must be an object such as {"kind":"exponential","meanS":5}');
  }
  const kind = (raw as Record<string, unknown>)['kind'];
  if (!isKind(kind)) {
    throw new InputError(where, field('kind'), `must be one of ${DISTRIBUTION_KINDS.join(', ')}; got ${JSON.stringify(kind)}`);
  }
  const reader = new SpecReader(where, prefix, raw as Record<string, unknown>, kind);
  const spec = READERS[kind](reader);
  reader.rejectUnknown();
  return Object.freeze(spec);
}

// ---------------------------------------------------------------------------------------------
// Samplers. Each draws only from the rng it is given and keeps no state between calls.

/**
 * A standard normal by Box–Muller from two fresh uniforms. The second normal of the pair is thrown
 * away on purpose: caching it would put state in the distribution, and then replaying the rng
 * alone would not replay the samples.
 */
function standardNormal(rng: Rng): number {
  const radius = Math.sqrt(-2 * Math.log(1 - rng.next())); // 1 - next() is in (0, 1]: log is finite
  return radius * Math.cos(2 * Math.PI * rng.next());
}

/** Marsaglia & Tsang (2000) for shape >= 1, given d = shape − 1/3 and c = 1/√(9d); scale 1. */
function marsagliaTsang(rng: Rng, d: number, c: number): number {
  for (;;) {
    const x = standardNormal(rng);
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = 1 - rng.next();
    const x2 = x * x;
    // The squeeze accepts about 98% of draws without a logarithm.
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** Γ(x) for x >= 0.5 by the Lanczos approximation (relative error ~1e-15); only Weibull's mean needs it. */
function gammaFunction(x: number): number {
  const z = x - 1;
  let series = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) series += (LANCZOS[i] as number) / (z + i);
  const t = z + LANCZOS_G + 0.5;
  // exp of the log form overflows only where Γ itself does, unlike t ** (z + 0.5).
  return Math.sqrt(2 * Math.PI) * Math.exp((z + 0.5) * Math.log(t) - t) * series;
}

function make(spec: DistributionSpec, mean: number, sample: (rng: Rng) => number): Distribution {
  return { spec, mean, sample };
}

function buildExponential(spec: Extract<DistributionSpec, { kind: 'exponential' }>): Distribution {
  const meanS = 'meanS' in spec ? spec.meanS : 1 / spec.ratePerS;
  return make(spec, meanS, (rng) => -meanS * Math.log(1 - rng.next()));
}

function buildLognormal(spec: Extract<DistributionSpec, { kind: 'lognormal' }>): Distribution {
  // From the lognormal's own mean m and sd s: σ² = ln(1 + s²/m²), μ = ln m − σ²/2.
  const sigma = 'sigma' in spec ? spec.sigma : Math.sqrt(Math.log1p((spec.sd / spec.mean) ** 2));
  const mu = 'mu' in spec ? spec.mu : Math.log(spec.mean) - (sigma * sigma) / 2;
  return make(spec, Math.exp(mu + (sigma * sigma) / 2), (rng) => Math.exp(mu + sigma * standardNormal(rng)));
}

function buildWeibull(spec: { kind: 'weibull'; shape: number; scale: number }): Distribution {
  const { scale } = spec;
  const invShape = 1 / spec.shape;
  return make(spec, scale * gammaFunction(1 + invShape), (rng) => scale * (-Math.log(1 - rng.next())) ** invShape);
}

function buildGamma(spec: { kind: 'gamma'; shape: number; scale: number }): Distribution {
  const { shape, scale } = spec;
  // Shape < 1 draws Gamma(shape + 1) and multiplies by U^(1/shape) (Marsaglia & Tsang, section 6).
  const boosted = shape < 1;
  const d = (boosted ? shape + 1 : shape) - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  const invShape = 1 / shape;
  const sample = boosted
    ? (rng: Rng) => scale * marsagliaTsang(rng, d, c) * (1 - rng.next()) ** invShape
    : (rng: Rng) => scale * marsagliaTsang(rng, d, c);
  return make(spec, shape * scale, sample);
}

function buildPareto(spec: { kind: 'pareto'; shape: number; scale: number }): Distribution {
  const { shape, scale } = spec;
  const mean = shape > 1 ? (shape * scale) / (shape - 1) : Infinity;
  const negInvShape = -1 / shape;
  return make(spec, mean, (rng) => scale * (1 - rng.next()) ** negInvShape);
}

/**
 * Resampling draws one of the listed values, each with probability 1/n: right for a trace whose
 * values are the only ones that occur. Interpolating inverts the piecewise-linear empirical CDF
 * through the sorted values (quantile "type 7"): mass 1/(n−1) spread evenly between neighbours,
 * support [min, max], right for a smooth quantity measured at a few points.
 */
function buildEmpirical(spec: DistributionSpec, values: readonly number[], interpolate: boolean): Distribution {
  const n = values.length;
  const total = values.reduce((a, b) => a + b, 0);
  if (!interpolate || n === 1) {
    const listed = Float64Array.from(values);
    return make(spec, total / n, (rng) => listed[Math.floor(rng.next() * n)] as number);
  }
  const sorted = Float64Array.from(values).sort();
  const ends = ((sorted[0] as number) + (sorted[n - 1] as number)) / 2;
  const last = n - 1;
  return make(spec, (total - ends) / last, (rng) => {
    const position = rng.next() * last;
    const i = Math.floor(position);
    const lo = sorted[i] as number;
    return lo + (position - i) * ((sorted[i + 1] as number) - lo);
  });
}

function build(spec: DistributionSpec, baseDir: string | undefined): Distribution {
  switch (spec.kind) {
    case 'exponential':
      return buildExponential(spec);
    case 'uniform': {
      const { min, max } = spec;
      return make(spec, (min + max) / 2, (rng) => min + (max - min) * rng.next());
    }
    case 'normal': {
      const { mean, sd } = spec;
      return make(spec, mean, (rng) => mean + sd * standardNormal(rng));
    }
    case 'lognormal':
      return buildLognormal(spec);
    case 'weibull':
      return buildWeibull(spec);
    case 'gamma':
      return buildGamma(spec);
    case 'pareto':
      return buildPareto(spec);
    case 'constant':
      return make(spec, spec.value, () => spec.value);
    case 'empirical': {
      const values = 'values' in spec ? spec.values : readTraceValues(resolvePath(baseDir ?? '.', spec.file));
      return buildEmpirical(spec, values, spec.interpolate ?? false);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Trace files.

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The number in `text`, or undefined; stricter than Number(), which takes "", "0x1f" and "Infinity". */
function parseDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * The numbers of a trace file: one per line, or the first column of a CSV. `#` starts a comment
 * (whole line or trailing); blank lines are skipped. The first data line of a CSV may be a header
 * (our own CSV reports have one, naming the unit): a non-numeric first field on a line with a comma.
 * Any other non-numeric line is an InputError at "file:line".
 */
export function readTraceValues(path: string): number[] {
  const values: number[] = [];
  let headerAllowed = true;
  readTraceText(path).split(/\r?\n/).forEach((line, index) => {
    const content = (line.split('#')[0] as string).trim();
    if (content === '') return;
    const first = (content.split(',')[0] as string).trim();
    const value = parseDecimal(first);
    const isHeader = value === undefined && headerAllowed && content.includes(',');
    headerAllowed = false;
    if (value !== undefined) values.push(value);
    else if (!isHeader) throw new InputError(`${path}:${index + 1}`, '', `not a finite number: ${JSON.stringify(first)}`);
  });
  if (values.length === 0) throw new InputError(path, '', 'trace file holds no numbers');
  return values;
}

function readTraceText(path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    throw new InputError(path, '', `cannot read trace file: ${(err as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Public constructors. Each goes through the same validation as JSON, so code and files agree.

function compile(name: string, raw: DistributionSpec): Distribution {
  return build(readSpec(`distributions.${name}()`, '', raw), undefined);
}

export const exponentialFromMean = (meanS: number): Distribution => compile('exponentialFromMean', { kind: 'exponential', meanS });
export const exponentialFromRate = (ratePerS: number): Distribution => compile('exponentialFromRate', { kind: 'exponential', ratePerS });
export const uniform = (min: number, max: number): Distribution => compile('uniform', { kind: 'uniform', min, max });
/** Unbounded: it can return negative values. Use lognormal or gamma for a positive quantity. */
export const normal = (mean: number, sd: number): Distribution => compile('normal', { kind: 'normal', mean, sd });
/** By the mean `mu` and sd `sigma` of the underlying normal (ln X ~ N(mu, sigma²)). */
export const lognormal = (mu: number, sigma: number): Distribution => compile('lognormal', { kind: 'lognormal', mu, sigma });
/** By the mean and sd of the lognormal values themselves, as measurements are usually quoted. */
export const lognormalFromMeanSd = (mean: number, sd: number): Distribution => compile('lognormalFromMeanSd', { kind: 'lognormal', mean, sd });
export const weibull = (shape: number, scale: number): Distribution => compile('weibull', { kind: 'weibull', shape, scale });
export const gamma = (shape: number, scale: number): Distribution => compile('gamma', { kind: 'gamma', shape, scale });
/** Shape α and scale x_m (the smallest value); the mean is infinite for α <= 1, the variance for α <= 2. */
export const pareto = (shape: number, scale: number): Distribution => compile('pareto', { kind: 'pareto', shape, scale });
export const constant = (value: number): Distribution => compile('constant', { kind: 'constant', value });

/** See buildEmpirical for what `interpolate` means. */
export function empirical(values: readonly number[], options: EmpiricalOptions = {}): Distribution {
  const flag = options.interpolate === undefined ? {} : { interpolate: options.interpolate };
  return compile('empirical', { kind: 'empirical', values, ...flag });
}

/** An empirical distribution over the numbers of a trace file (format: readTraceValues). */
export function empiricalFromTraceFile(path: string, options: EmpiricalOptions = {}): Distribution {
  const flag = options.interpolate === undefined ? {} : { interpolate: options.interpolate };
  return compile('empiricalFromTraceFile', { kind: 'empirical', file: path, ...flag });
}

/**
 * Validates a JSON spec (see the table at the top) and builds its distribution. Every problem is an
 * InputError naming `where` and the field, e.g. `scenario.json: field arrivals.meanS: must be > 0, got 0`.
 */
export function parseDistribution(where: string, spec: unknown, options: ParseDistributionOptions = {}): Distribution {
  return build(readSpec(where, options.fieldPrefix ?? '', spec), options.baseDir);
}
