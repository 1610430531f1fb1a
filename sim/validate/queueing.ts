// Simulates an M/M/c queue with the engine's own Resource and generator processes, and compares
// L, W, Wq and P(wait) with the exact formulas, with batch-means confidence intervals. Starts empty
// (the transient is negligible at 10^6 customers); leaves out other service and arrival laws.

import { InputError } from '../errors.js';
import { exponentialFromRate, type Distribution } from '../engine/distributions.js';
import type { ProcessGenerator } from '../engine/process.js';
import { Resource } from '../engine/resources.js';
import { RngStreams, type Rng } from '../engine/rng.js';
import { Simulation } from '../engine/simulation.js';
import { mm1Exact, mmcExact, type MmcFigures, type QueueFigures } from './queueing-exact.js';

export interface QueueParams {
  lambdaPerS: number;
  muPerS: number;
  servers: number;
  customers: number;
  seed: string | number;
}

export interface MeasuredQueue {
  L: number;
  W: number;
  Wq: number;
  /** Share of customers who had to wait (measured Erlang C). */
  erlangC: number;
  /** 95 % confidence half-widths of W and Wq from 20 batch means (relative to the mean). */
  relHalfWidth95: { W: number; Wq: number };
  /** 95 % confidence intervals of every measured figure (batch means, Student t). */
  ci95: Record<QueueFigure, ConfidenceInterval>;
  events: number;
}

export type QueueFigure = 'L' | 'W' | 'Wq' | 'erlangC';

export interface ConfidenceInterval {
  estimate: number;
  low: number;
  high: number;
  halfWidth: number;
  /** The half-width over the estimate (0 when the estimate is 0). */
  relHalfWidth: number;
  /** Batches (or replications × batches) the interval rests on; degrees of freedom are one less. */
  batches: number;
}

/**
 * The raw totals of one run, batch by batch, so that independent replications (run anywhere, e.g.
 * in worker threads) can be pooled into one set of batch means. Plain arrays: they cross postMessage.
 */
export interface QueueBatches {
  /** Customers who left in each batch. */
  customers: number[];
  sojournS: number[];
  waitS: number[];
  waited: number[];
  /** ∫ number in system dt over the batch, and the batch's length in time. */
  area: number[];
  durationS: number[];
  events: number;
}

export interface QueueValidation {
  measured: MeasuredQueue;
  exact: QueueFigures | MmcFigures;
  relError: { L: number; W: number; Wq: number };
}

const batchCount = 20;

/**
 * Student t 97.5 % quantiles by degrees of freedom (1–40 from the table, then the normal's 1.96
 * plus the first Cornish–Fisher term, which is within 0.001 of the table from 40 on).
 */
const t975Table = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08,
  2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042, 2.04, 2.037, 2.035, 2.032, 2.03, 2.028, 2.026, 2.024, 2.023, 2.021,
];
export function studentT975(degreesOfFreedom: number): number {
  if (degreesOfFreedom <= t975Table.length) return t975Table[degreesOfFreedom - 1]!;
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * degreesOfFreedom);
}

/**
 * Accumulates the time-average number in system and per-customer sojourn and wait times, in
 * batches of equal customer counts by departure order (the last may be one short; negligible).
 */
class QueueStats {
  inSystem = 0;
  private lastChangeS = 0;
  private area = 0;
  private done = 0;
  private batch = 0;
  private batchStartS = 0;
  private readonly b: QueueBatches = {
    customers: new Array<number>(batchCount).fill(0),
    sojournS: new Array<number>(batchCount).fill(0),
    waitS: new Array<number>(batchCount).fill(0),
    waited: new Array<number>(batchCount).fill(0),
    area: new Array<number>(batchCount).fill(0),
    durationS: new Array<number>(batchCount).fill(0),
    events: 0,
  };

  constructor(private readonly customers: number) {}

  change(nowS: number, delta: number): void {
    this.area += this.inSystem * (nowS - this.lastChangeS);
    this.lastChangeS = nowS;
    this.inSystem += delta;
  }

  /** Called right after change(now, −1), so the area is up to date at a batch boundary. */
  depart(nowS: number, sojournS: number, waitS: number): void {
    const batch = Math.min(batchCount - 1, Math.floor((this.done * batchCount) / this.customers));
    if (batch !== this.batch) this.closeBatch(nowS, batch);
    const b = this.b;
    b.customers[batch]!++;
    b.sojournS[batch]! += sojournS;
    b.waitS[batch]! += waitS;
    if (waitS > 0) b.waited[batch]!++;
    this.done++;
  }

  private closeBatch(nowS: number, next: number): void {
    this.b.area[this.batch] = this.area;
    this.b.durationS[this.batch] = nowS - this.batchStartS;
    this.area = 0;
    this.batchStartS = nowS;
    this.batch = next;
  }

  result(endS: number, events: number): QueueBatches {
    this.change(endS, 0);
    this.closeBatch(endS, this.batch);
    this.b.events = events;
    return this.b;
  }
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/**
 * A ratio estimator Σy/Σx over batches and its batch-means interval: the residuals y_b − r·x_b are
 * near-independent across batches long against the queue's relaxation time, and the delta method
 * turns their spread into one of r. With equal x_b it is the textbook batch-means interval.
 */
function ratioInterval(y: readonly number[], x: readonly number[]): ConfidenceInterval {
  const n = y.length;
  const meanX = sum(x) / n;
  const r = sum(y) / sum(x);
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (y[i]! - r * x[i]!) ** 2;
  const halfWidth = (studentT975(n - 1) * Math.sqrt(squares / (n - 1))) / Math.sqrt(n) / meanX;
  return { estimate: r, low: r - halfWidth, high: r + halfWidth, halfWidth, relHalfWidth: r === 0 ? 0 : halfWidth / Math.abs(r), batches: n };
}

/** Pools the batches of one or more independent runs into the measured figures and their CIs. */
export function measureBatches(runs: readonly QueueBatches[]): MeasuredQueue {
  const all = (key: Exclude<keyof QueueBatches, 'events'>): number[] => runs.flatMap((run) => run[key]);
  const customers = all('customers');
  const ci95: Record<QueueFigure, ConfidenceInterval> = {
    L: ratioInterval(all('area'), all('durationS')),
    W: ratioInterval(all('sojournS'), customers),
    Wq: ratioInterval(all('waitS'), customers),
    erlangC: ratioInterval(all('waited'), customers),
  };
    return {
    L: ci95.L.estimate,
    W: ci95.W.estimate,
    Wq: ci95.Wq.estimate,
    erlangC: ci95.erlangC.estimate,
    relHalfWidth95: { W: ci95.W.relHalfWidth, Wq: ci95.Wq.relHalfWidth },
    ci95,
    events: sum(runs.map((run) => run.events)),
  };
}

function* customer(sim: Simulation, servers: Resource, serviceS: number, stats: QueueStats): ProcessGenerator<void> {
  const arrivedS = sim.nowS;
  stats.change(arrivedS, +1);
  const request = servers.request();
  yield request;
  const waitS = sim.nowS - arrivedS;
  yield serviceS;
  servers.release(request);
  stats.change(sim.nowS, -1);
  stats.depart(sim.nowS, sim.nowS - arrivedS, waitS);
}

function* source(sim: Simulation, p: QueueParams, servers: Resource, stats: QueueStats, rngs: RngStreams): ProcessGenerator<void> {
  const interarrival: Distribution = exponentialFromRate(p.lambdaPerS);
  const service: Distribution = exponentialFromRate(p.muPerS);
  const arrivals: Rng = rngs.stream('arrivals');
  const services: Rng = rngs.stream('services');
  for (let i = 0; i < p.customers; i++) {
    yield interarrival.sample(arrivals);
    sim.process(customer(sim, servers, service.sample(services), stats));
  }
}

/** Runs the queue until every customer has left, and returns its batch totals. */
export function simulateQueueBatches(p: QueueParams): QueueBatches {
  checkQueueParams(p);
  const sim = new Simulation();
  const stats = new QueueStats(p.customers);
  const servers = new Resource(sim, p.servers);
  sim.process(source(sim, p, servers, stats, new RngStreams(p.seed)));
  sim.run();
  return stats.result(sim.nowS, sim.eventCount);
}

/** Runs the queue until every customer has left. */
export function simulateQueue(p: QueueParams): MeasuredQueue {
  return measureBatches([simulateQueueBatches(p)]);
}

/**
 * The seed of replication `index` of a run seeded `seed`: replication 0 is the run itself, so one
 * replication reproduces validateQueue exactly.
 */
export function replicationSeed(seed: string | number, index: number): string | number {
  return index === 0 ? seed : `${seed}/replication-${index}`;
}

export function validateQueue(p: QueueParams): QueueValidation {
  checkQueueParams(p);
  return compareWithExact(p, simulateQueue(p));
}

/**
 * Compares pooled measurements with the exact figures. `runs` are independent replications of `p`
 * (each with p.customers customers, seeded by replicationSeed), wherever they were simulated.
 */
export function validateQueueReplications(p: QueueParams, runs: readonly QueueBatches[]): QueueValidation {
  checkQueueParams(p);
  return compareWithExact(p, measureBatches(runs));
}

function compareWithExact(p: QueueParams, measured: MeasuredQueue): QueueValidation {
  const exact = p.servers === 1 ? mm1Exact(p.lambdaPerS, p.muPerS) : mmcExact(p.lambdaPerS, p.muPerS, p.servers);
  const rel = (m: number, e: number): number => (m - e) / e;
  return {
    measured,
    exact,
    relError: { L: rel(measured.L, exact.L), W: rel(measured.W, exact.W), Wq: rel(measured.Wq, exact.Wq) },
  };
}

/** Names the command-line flag of each bad parameter. */
export function checkQueueParams(p: QueueParams): void {
  const where = 'command line';
  if (!(p.lambdaPerS > 0 && Number.isFinite(p.lambdaPerS))) throw new InputError(where, '--lambda', `must be a positive number, got ${p.lambdaPerS}`);
  if (!(p.muPerS > 0 && Number.isFinite(p.muPerS))) throw new InputError(where, '--mu', `must be a positive number, got ${p.muPerS}`);
  if (!(Number.isInteger(p.servers) && p.servers >= 1 && p.servers <= 100_000)) throw new InputError(where, '--servers', `must be a whole number from 1 to 100000, got ${p.servers}`);
  if (!(Number.isInteger(p.customers) && p.customers >= 1000 && p.customers <= 1e9)) throw new InputError(where, '--customers', `must be a whole number from 1000 to 10^9, got ${p.customers}`);
  const rho = p.lambdaPerS / (p.servers * p.muPerS);
  if (!(rho < 1)) throw new InputError(where, '--lambda', `the queue is unstable: λ/(c·μ) = ${rho.toFixed(4)} ≥ 1, so it has no steady state`);
}
