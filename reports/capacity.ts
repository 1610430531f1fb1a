// Capacity-planning figures from a finished run: headroom per resource, node availability with a
// Wilson interval, and durability as losses per TB-year (NOMDL-style). Leaves out cost models.

import type { NodeRow, ResourceName, RunRecord, RunTotals } from './types.js';
import { resourceNames } from './types.js';

/** A Julian year: the unit of "per TB-year", as in MTTDL and NOMDL literature. */
export const yearS = 365.25 * 86400;
/** Two-sided 95 % normal quantile. */
export const z95 = 1.959963984540054;
/** One-sided 95 % normal quantile, for upper bounds on rare-loss rates. */
export const z95OneSided = 1.6448536269514722;

export interface Interval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
}

/**
 * Wilson score interval for a binomial proportion. Unlike the normal (Wald) interval it stays
 * inside [0, 1] and is not degenerate when every trial succeeded — the usual case for uptime.
 */
export function wilsonInterval(successes: number, trials: number, z = z95): Interval {
  if (!(trials > 0)) return { estimate: NaN, low: NaN, high: NaN };
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At p = 0 or 1 one bound is exactly 0 or 1; rounding would otherwise give 0.9999999999999999.
  const low = successes <= 0 ? 0 : Math.max(0, centre - half);
  const high = successes >= trials ? 1 : Math.min(1, centre + half);
  return { estimate: p, low, high };
}

/**
 * One-sided upper confidence bound on a Poisson mean after observing `k` events, by the
 * Wilson–Hilferty approximation of the chi-square quantile: (k+1)(1 − 1/(9(k+1)) + z/(3√(k+1)))³.
 * At k = 0 and 95 % it gives 2.97, against the exact 3.00 ("rule of three"); closer for larger k.
 */
export function poissonUpperBound(k: number, z = z95OneSided): number {
  const a = k + 1;
  return a * Math.pow(1 - 1 / (9 * a) + z / (3 * Math.sqrt(a)), 3);
}

export type Thresholds = Readonly<Record<ResourceName, number>>;

/**
 * Default ceilings on the used fraction. MRU stops at 0.9 because zos keeps max(10 %, 2 GiB) of
 * memory in reserve; disks at 0.95 to leave room for the cache and repairs; CRU at 1.0 (one vCPU
 * per core — a scheduler that overcommits CPU should pass its ratio instead).
 */
export const defaultThresholds: Thresholds = { cru: 1, mru: 0.9, sru: 0.95, hru: 0.95 };

export interface ResourceHeadroom {
  readonly resource: ResourceName;
  readonly peakUsedFraction: number;
  readonly thresholdFraction: number;
  /** Factor by which the load may grow before the peak reaches the threshold: threshold / peak. */
  readonly loadMultiplier: number;
  /** Fraction of the up capacity that may be lost (nodes down) before the peak reaches it: 1 − peak / threshold. */
  readonly capacityLossFraction: number;
}

export interface Headroom {
  readonly resources: readonly ResourceHeadroom[];
  /** The resource that reaches its threshold first: the smallest load multiplier. */
  readonly binding: ResourceName | undefined;
}

/**
 * Headroom from the run's peak used fractions, assuming reservations scale linearly with offered
 * load and stay spread as the placement spread them. Peaks, not means, because admission fails at
 * the peak. A resource never used has infinite multiplier and is never binding.
 */
export function headroom(totals: Pick<RunTotals, 'usedFractionPeak'>, thresholds: Thresholds = defaultThresholds): Headroom {
  const resources = resourceNames.map((resource) => {
    const peak = totals.usedFractionPeak[resource];
    const threshold = thresholds[resource];
    const used = Number.isFinite(peak) && peak > 0;
    return {
      resource,
      peakUsedFraction: peak,
      thresholdFraction: threshold,
      loadMultiplier: used ? threshold / peak : Number.isNaN(peak) ? NaN : Infinity,
      capacityLossFraction: used ? 1 - peak / threshold : Number.isNaN(peak) ? NaN : 1,
    };
  });
  let binding: ResourceName | undefined;
  let best = Infinity;
  for (const r of resources) {
    if (r.loadMultiplier < best) {
      best = r.loadMultiplier;
      binding = r.resource;
    }
  }
  return { resources, binding };
}

export interface Availability extends Interval {
  readonly upNodeS: number;
  readonly observedNodeS: number;
  readonly downEpisodes: number;
  /** Length of one effectively independent observation, see nodeAvailability. */
  readonly correlationS: number;
  readonly trials: number;
}

/**
 * Fraction of node-time up, with a Wilson interval. Node-seconds are not independent trials: a
 * node down now is likely down a second later. We therefore count one trial per `correlationS` of
 * node-time, taking the mean down episode (the observed MTTR) when there were episodes, else the
 * fallback (the bucket width). This is an effective-sample-size approximation, not an exact bound.
 */
export function nodeAvailability(nodes: readonly NodeRow[], fallbackCorrelationS: number, z = z95): Availability {
  let upNodeS = 0;
  let downNodeS = 0;
  let downEpisodes = 0;
  for (const n of nodes) {
    upNodeS += n.upS;
    downNodeS += n.downS;
    downEpisodes += n.downEvents;
  }
  const observedNodeS = upNodeS + downNodeS;
  const correlationS = downEpisodes > 0 && downNodeS > 0 ? downNodeS / downEpisodes : fallbackCorrelationS;
  const trials = observedNodeS / correlationS;
  const w = wilsonInterval((upNodeS / observedNodeS) * trials, trials, z);
  return { ...w, upNodeS, observedNodeS, downEpisodes, correlationS, trials };
}

export interface Durability {
  /** Mean logical bytes stored × the run's length, in TB-years (1 TB = 10^12 bytes). */
  readonly exposureTBYears: number;
  readonly objectsLost: number;
  readonly lostBytes: number;
  readonly objectsLostPerTBYear: number;
  /** One-sided 95 % upper bound on the loss rate: finite even when nothing was lost. */
  readonly objectsLostPerTBYearUpper95: number;
  /**
   * NOMDL-style (Greenan, Plank and Wylie, HotStorage 2010): bytes lost per TB stored over the
   * run's mission time, and the same normalised per year. Comparable across grid sizes, unlike MTTDL.
   */
  readonly nomdlBytesPerTB: number;
  readonly lostBytesPerTBYear: number;
}

export function durability(totals: RunTotals, durationS: number): Durability {
  const storedTB = totals.zstorStoredBytesMean / 1e12;
  const exposureTBYears = storedTB * (durationS / yearS);
  const perExposure = (x: number): number => (exposureTBYears > 0 ? x / exposureTBYears : NaN);
  return {
    exposureTBYears: Number.isFinite(exposureTBYears) ? exposureTBYears : 0,
    objectsLost: totals.zstorObjectsLost,
    lostBytes: totals.zstorLostBytes,
    objectsLostPerTBYear: perExposure(totals.zstorObjectsLost),
    objectsLostPerTBYearUpper95: perExposure(poissonUpperBound(totals.zstorObjectsLost)),
    nomdlBytesPerTB: storedTB > 0 ? totals.zstorLostBytes / storedTB : NaN,
    lostBytesPerTBYear: perExposure(totals.zstorLostBytes),
  };
}

export interface CapacityPlan {
  readonly headroom: Headroom;
  readonly availability: Availability;
  readonly durability: Durability;
}

export function capacityPlan(record: RunRecord, thresholds: Thresholds = defaultThresholds): CapacityPlan {
  return {
    headroom: headroom(record.totals, thresholds),
    availability: nodeAvailability(record.nodes, record.bucketS),
    durability: durability(record.totals, record.endS - record.startS),
  };
}
