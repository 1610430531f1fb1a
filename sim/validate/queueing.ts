// Simulates an M/M/c queue with the engine's own Resource and generator processes, and compares
// L, W and Wq with the exact formulas. Starts empty (the transient is negligible at 10^6 customers).

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
  events: number;
}

export interface QueueValidation {
  measured: MeasuredQueue;
  exact: QueueFigures | MmcFigures;
  relError: { L: number; W: number; Wq: number };
}

const batchCount = 20;
/** Student t quantile, 97.5 %, 19 degrees of freedom. */
const t975df19 = 2.093;

/** Accumulates the time-average number in system and per-customer sojourn and wait times. */
class QueueStats {
  inSystem = 0;
  private lastChangeS = 0;
  private area = 0;
  private done = 0;
  private waited = 0;
  private readonly batchW = new Float64Array(batchCount);
  private readonly batchWq = new Float64Array(batchCount);

  constructor(private readonly customers: number) {}

  change(nowS: number, delta: number): void {
    this.area += this.inSystem * (nowS - this.lastChangeS);
    this.lastChangeS = nowS;
    this.inSystem += delta;
  }

  depart(sojournS: number, waitS: number): void {
    const batch = Math.min(batchCount - 1, Math.floor((this.done * batchCount) / this.customers));
    this.batchW[batch]! += sojournS;
    this.batchWq[batch]! += waitS;
    if (waitS > 0) this.waited++;
    this.done++;
  }

  result(endS: number, events: number): MeasuredQueue {
    this.change(endS, 0);
    const W = sum(this.batchW) / this.done;
    const Wq = sum(this.batchWq) / this.done;
    return {
      L: this.area / endS,
      W,
      Wq,
      erlangC: this.waited / this.done,
      relHalfWidth95: { W: relHalfWidth(this.batchW, W, this.done), Wq: relHalfWidth(this.batchWq, Wq, this.done) },
      events,
    };
  }
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/** Batch means: batches hold equal customer counts (the last may be one short; negligible). */
function relHalfWidth(batchTotals: Float64Array, mean: number, customers: number): number {
  const perBatch = customers / batchCount;
  let squares = 0;
  for (const total of batchTotals) squares += (total / perBatch - mean) ** 2;
  const sd = Math.sqrt(squares / (batchCount - 1));
  return mean === 0 ? 0 : (t975df19 * sd) / Math.sqrt(batchCount) / mean;
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
  stats.depart(sim.nowS - arrivedS, waitS);
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

/** Runs the queue until every customer has left. */
export function simulateQueue(p: QueueParams): MeasuredQueue {
  checkQueueParams(p);
  const sim = new Simulation();
  const stats = new QueueStats(p.customers);
  const servers = new Resource(sim, p.servers);
  sim.process(source(sim, p, servers, stats, new RngStreams(p.seed)));
  sim.run();
  return stats.result(sim.nowS, sim.eventCount);
}

export function validateQueue(p: QueueParams): QueueValidation {
  checkQueueParams(p);
  const exact = p.servers === 1 ? mm1Exact(p.lambdaPerS, p.muPerS) : mmcExact(p.lambdaPerS, p.muPerS, p.servers);
  const measured = simulateQueue(p);
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
