// Exact MTTDL of one stripe (n = k + m devices, tolerating m losses) as a birth–death CTMC, its
// closed-form approximations (ANCHORS 4.3), and Cidon et al.'s copyset loss probability. Leaves out
// correlated failures within a stripe, non-exponential lifetimes and latent sector errors.

import { InputError } from '../errors.js';

export type RepairPolicy = 'serial' | 'parallel';

export interface StripeRates {
  /** Devices in the stripe, n = k + m. */
  readonly devices: number;
  /** Losses the stripe survives, m; the (m+1)-th concurrent failure loses data. */
  readonly tolerated: number;
  readonly mttfH: number;
  readonly mttrH: number;
  readonly repair: RepairPolicy;
}

/** Failure rate out of state i (i devices down): every surviving device can fail. */
function failureRatePerH(s: StripeRates, failed: number): number {
  return (s.devices - failed) / s.mttfH;
}

/** Repair rate out of state i: one crew (serial) or one repair per failed device (parallel). */
function repairRatePerH(s: StripeRates, failed: number): number {
  if (failed === 0) return 0;
  return (s.repair === 'serial' ? 1 : failed) / s.mttrH;
}

function checkRates(s: StripeRates): void {
  if (!(Number.isInteger(s.tolerated) && s.tolerated >= 0)) throw new InputError('mttdl', 'tolerated', `must be a whole number >= 0, got ${s.tolerated}`);
  if (!(Number.isInteger(s.devices) && s.devices > s.tolerated)) throw new InputError('mttdl', 'devices', `must be a whole number > tolerated, got ${s.devices}`);
  if (!(s.mttfH > 0 && s.mttfH < Infinity)) throw new InputError('mttdl', 'mttfH', `must be > 0, got ${s.mttfH}`);
  if (!(s.mttrH > 0 && s.mttrH < Infinity)) throw new InputError('mttdl', 'mttrH', `must be > 0, got ${s.mttrH}`);
}

/**
 * Expected time to absorption from state 0 by the birth–death recursion: T_i, the mean time to first
 * reach i+1 from i, is T_0 = 1/λ_0 and T_i = (1 + μ_i·T_{i−1}) / λ_i; MTTDL = Σ T_i. Every term is
 * positive, so there is no cancellation, which matters when μ/λ is 10^4 or more.
 */
export function mttdlExactH(s: StripeRates): number {
  checkRates(s);
  let stepH = 0;
  let totalH = 0;
  for (let i = 0; i <= s.tolerated; i++) {
    stepH = (1 + repairRatePerH(s, i) * stepH) / failureRatePerH(s, i);
    totalH += stepH;
  }
  return totalH;
}

/**
 * The same figure the general way: build −Q over the transient states 0..m and solve −Q·t = 1 by
 * Gaussian elimination with partial pivoting; t[0] is the MTTDL. Kept as an independent check of
 * the recursion, and as the starting point for chains that are not birth–death. Not the reference:
 * −Q's rows sum to ~0, so it loses digits like (μ/λ)^m (≈1 % for RS(10,4) at MTTF 584 400 h, MTTR 24 h).
 */
export function mttdlByLinearSolveH(s: StripeRates): number {
  checkRates(s);
  const size = s.tolerated + 1;
  const a: number[][] = [];
  for (let i = 0; i < size; i++) {
    const row = new Array<number>(size).fill(0);
    const up = failureRatePerH(s, i);
    const down = repairRatePerH(s, i);
    row[i] = up + down;
    if (i + 1 < size) row[i + 1] = -up; // the step into m+1 leaves the transient set: absorbed
    if (i > 0) row[i - 1] = -down;
    a.push(row);
  }
  return solveLinear(a, new Array<number>(size).fill(1))[0]!;
}

/** Dense Gaussian elimination with partial pivoting; modifies its arguments. */
export function solveLinear(a: number[][], b: number[]): number[] {
  const n = b.length;
  for (let col = 0; col < n; col++) {
    const pivot = pivotRow(a, col);
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    [b[col], b[pivot]] = [b[pivot]!, b[col]!];
    for (let row = col + 1; row < n; row++) {
      const factor = a[row]![col]! / a[col]![col]!;
      if (factor === 0) continue;
      for (let k = col; k < n; k++) a[row]![k]! -= factor * a[col]![k]!;
      b[row]! -= factor * b[col]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let sum = b[row]!;
    for (let k = row + 1; k < n; k++) sum -= a[row]![k]! * x[k]!;
    x[row] = sum / a[row]![row]!;
  }
  return x;
}

function pivotRow(a: number[][], col: number): number {
  let best = col;
  for (let row = col + 1; row < a.length; row++) if (Math.abs(a[row]![col]!) > Math.abs(a[best]![col]!)) best = row;
  if (a[best]![col] === 0) throw new Error(`solveLinear: singular matrix at column ${col}`);
  return best;
}

/** General μ ≫ λ approximation: ∏_{i=1..m} μ_i / ∏_{i=0..m} (n−i)λ (ANCHORS 4.3). */
export function mttdlApproxH(s: StripeRates): number {
  checkRates(s);
  let value = 1 / failureRatePerH(s, 0);
  for (let i = 1; i <= s.tolerated; i++) value *= repairRatePerH(s, i) / failureRatePerH(s, i);
  return value;
}

/** Canonical single-fault-tolerant formula (RAID-5, mirror): ((2n−1)λ + μ) / (n(n−1)λ²); exact for m = 1. */
export function mttdlSingleFaultH(devices: number, mttfH: number, mttrH: number): number {
  const lambda = 1 / mttfH;
  const mu = 1 / mttrH;
  return ((2 * devices - 1) * lambda + mu) / (devices * (devices - 1) * lambda * lambda);
}

/** ln C(n, k) as a sum of k logarithms: exact enough for the small k (replicas) it is used with. */
export function logBinomial(n: number, k: number): number {
  if (!(Number.isInteger(n) && Number.isInteger(k) && k >= 0 && n >= 0)) throw new InputError('logBinomial', 'n, k', `need whole numbers, got ${n}, ${k}`);
  if (k > n) return -Infinity;
  const j = Math.min(k, n - k);
  let sum = 0;
  for (let i = 0; i < j; i++) sum += Math.log(n - i) - Math.log(i + 1);
  return sum;
}

/**
 * Cidon et al. (ATC'13): P(loss | F of N nodes down) ≈ 1 − (1 − C(F,R)/C(N,R))^copysets. In log space,
 * since C(5000, 3) ≈ 2·10^10 and the power is ~10^7: 1 − (1−p)^S = −expm1(S·log1p(−p)).
 */
export function copysetLossProbability(nodes: number, failedNodes: number, replicas: number, copysets: number): number {
  const p = Math.exp(logBinomial(failedNodes, replicas) - logBinomial(nodes, replicas));
  return -Math.expm1(copysets * Math.log1p(-p));
}
