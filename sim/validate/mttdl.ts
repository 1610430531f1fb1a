// Monte Carlo of one erasure-coded or replicated stripe through the engine (exponential failures and
// repairs, serial or parallel crews) against the exact CTMC MTTDL, and of random replication under a
// simultaneous failure of F nodes against Cidon's formula. Leaves out rebuild bandwidth and placement.

import { InputError } from '../errors.js';
import { exponentialFromMean, type Distribution } from '../engine/distributions.js';
import { RngStreams, type Rng } from '../engine/rng.js';
import { Simulation } from '../engine/simulation.js';
import { copysetLossProbability, mttdlExactH, type RepairPolicy, type StripeRates } from './mttdl-exact.js';

export interface MttdlParams {
  readonly dataShards: number;
  readonly parityShards: number;
  readonly mttfH: number;
  readonly mttrH: number;
  readonly repair: string;
  readonly runs: number;
  readonly seed: string | number;
}

/** The validated form: nothing downstream re-checks raw input. */
interface CompiledMttdl {
  readonly stripe: StripeRates;
  readonly runs: number;
  readonly seed: string;
}

export interface MttdlValidation {
  readonly simulatedMttdlH: number;
  readonly exactMttdlH: number;
  readonly relError: number;
  /** 95 % confidence half-width of the simulated mean, normal approximation (runs ≥ 100). */
  readonly ci95H: number;
  readonly runs: number;
  readonly events: number;
}

const where = 'validate mttdl';
/** Above this the command would run for many minutes; the user should accelerate MTTF/MTTR instead. */
const maxExpectedEvents = 5e8;

/** Checks raw input once, naming the command-line flag of each field. */
export function compileMttdl(p: MttdlParams): CompiledMttdl {
  wholeNumber('--data-shards', p.dataShards, 1);
  wholeNumber('--parity-shards', p.parityShards, 0);
  positive('--mttf-h', p.mttfH);
  positive('--mttr-h', p.mttrH);
  if (p.repair !== 'serial' && p.repair !== 'parallel') throw new InputError(where, '--repair', `must be serial or parallel, got '${p.repair}'`);
  wholeNumber('--runs', p.runs, 2);
  const seed = String(p.seed);
  if (seed.length === 0) throw new InputError(where, '--seed', 'must not be empty');
  const stripe: StripeRates = { devices: p.dataShards + p.parityShards, tolerated: p.parityShards, mttfH: p.mttfH, mttrH: p.mttrH, repair: p.repair };
  checkWorkload(stripe, p.runs);
  return { stripe, runs: p.runs, seed };
}

function wholeNumber(flag: string, value: number, min: number): void {
  if (!(Number.isSafeInteger(value) && value >= min)) throw new InputError(where, flag, `must be a whole number >= ${min}, got ${value}`);
}

function positive(flag: string, value: number): void {
  if (!(value > 0 && value < Infinity)) throw new InputError(where, flag, `must be a positive number of hours, got ${value}`);
}

/** Each run sees about MTTDL·n/MTTF failures, each with a repair; realistic MTTFs never finish. */
function checkWorkload(s: StripeRates, runs: number): void {
  const expectedEvents = 2 * runs * (mttdlExactH(s) * s.devices) / s.mttfH;
  if (expectedEvents > maxExpectedEvents) {
    throw new InputError(where, '--runs', `would need about ${expectedEvents.toExponential(1)} events; lower --runs or accelerate --mttf-h/--mttr-h (exact MTTDL needs no simulation)`);
  }
}

/** Runs the Monte Carlo and compares its mean with the exact MTTDL. */
export function validateMttdl(params: MttdlParams): MttdlValidation {
  const c = compileMttdl(params);
  const streams = new RngStreams(c.seed);
  const stripe = new StripeProcess(c.stripe, streams.stream('mttdl.time-to-failure'), streams.stream('mttdl.time-to-repair'));
  let sumH = 0;
  let sumSqH = 0;
  let events = 0;
  for (let run = 0; run < c.runs; run++) {
    const { lossH, eventCount } = stripe.runToLoss();
    sumH += lossH;
    sumSqH += lossH * lossH;
    events += eventCount;
  }
  const meanH = sumH / c.runs;
  const varianceH2 = Math.max(0, (sumSqH - c.runs * meanH * meanH) / (c.runs - 1));
  const exactMttdlH = mttdlExactH(c.stripe);
  return {
    simulatedMttdlH: meanH,
    exactMttdlH,
    relError: (meanH - exactMttdlH) / exactMttdlH,
    ci95H: 1.96 * Math.sqrt(varianceH2 / c.runs),
    runs: c.runs,
    events,
  };
}

/**
 * One stripe on a fresh engine per run, device by device rather than as the CTMC it validates: each
 * up device has its own failure event, and failed devices wait in a FIFO for the repair crew (one at a
 * time when serial). Not FailureModel, because that starts every repair at failure time (it leaves
 * crew limits out), so it cannot express serial repair; and a run must stop at the (m+1)-th loss.
 * Virtual time is in hours here, since every input and output is.
 */
class StripeProcess {
  private readonly ttf: Distribution;
  private readonly ttr: Distribution;
  private sim = new Simulation();
  private failed = 0;
  private repairing = 0;
  private readonly waiting: number[] = [];
  private lossH = -1;
  private readonly onFail = (device: unknown): void => this.fail(device as number);
  private readonly onRepair = (device: unknown): void => this.repaired(device as number);

  constructor(
    private readonly s: StripeRates,
    private readonly ttfRng: Rng,
    private readonly ttrRng: Rng,
  ) {
    this.ttf = exponentialFromMean(s.mttfH);
    this.ttr = exponentialFromMean(s.mttrH);
  }

  runToLoss(): { lossH: number; eventCount: number } {
    this.sim = new Simulation();
    this.failed = this.repairing = 0;
    this.waiting.length = 0;
    this.lossH = -1;
    for (let device = 0; device < this.s.devices; device++) this.sim.schedule(this.ttf.sample(this.ttfRng), this.onFail, device);
    this.sim.run();
    if (this.lossH < 0) throw new Error('stripe run ended without a loss');
    return { lossH: this.lossH, eventCount: this.sim.eventCount };
  }

  private fail(device: number): void {
    this.failed++;
    if (this.failed > this.s.tolerated) {
      this.lossH = this.sim.nowS;
      this.sim.stop();
      return;
    }
    this.waiting.push(device);
    this.startRepairs();
  }

  private repaired(device: number): void {
    this.failed--;
    this.repairing--;
    // A repaired device is as good as new; memorylessness makes that exact for the exponential.
    this.sim.schedule(this.ttf.sample(this.ttfRng), this.onFail, device);
    this.startRepairs();
  }

  private startRepairs(): void {
    const crews = this.s.repair === 'serial' ? 1 : Infinity;
    while (this.repairing < crews && this.waiting.length > 0) {
      this.repairing++;
      this.sim.schedule(this.ttr.sample(this.ttrRng), this.onRepair, this.waiting.shift()!);
    }
  }
}

export interface CopysetParams {
  readonly nodes: number;
  readonly replicas: number;
  readonly failedNodes: number;
  /** Chunks (stripes), each placed on `replicas` distinct nodes chosen uniformly at random. */
  readonly chunks: number;
  readonly runs: number;
  readonly seed: string | number;
}

export interface CopysetValidation {
  readonly simulatedLossProbability: number;
  readonly formulaLossProbability: number;
  /** Binomial standard error of the simulated probability. */
  readonly standardError: number;
  readonly runs: number;
}

/**
 * Random replication under a burst: per run, F random nodes fail at once, and chunks are placed at
 * random until one lands wholly on failed nodes (a loss) or all are placed. Given the failed set each
 * chunk is lost independently, so placing after failing is the same experiment, and stopping at the
 * first loss keeps a run short when losses are likely.
 */
export function simulateCopysetLoss(p: CopysetParams): CopysetValidation {
  const rng = new RngStreams(p.seed).stream('copyset.placement');
  const down = new Uint8Array(p.nodes);
  const order = Int32Array.from({ length: p.nodes }, (_, i) => i);
  let losses = 0;
  for (let run = 0; run < p.runs; run++) {
    failRandomNodes(rng, order, down, p.failedNodes);
    if (anyChunkLost(rng, down, p)) losses++;
  }
  const probability = losses / p.runs;
  return {
    simulatedLossProbability: probability,
    formulaLossProbability: copysetLossProbability(p.nodes, p.failedNodes, p.replicas, p.chunks),
    standardError: Math.sqrt((probability * (1 - probability)) / p.runs),
    runs: p.runs,
  };
}

/** A partial Fisher–Yates over `order`: its first F entries are a uniform F-subset. */
function failRandomNodes(rng: Rng, order: Int32Array, down: Uint8Array, count: number): void {
  down.fill(0);
  for (let i = 0; i < count; i++) {
    const j = rng.int(i, order.length);
    const picked = order[j]!;
    order[j] = order[i]!;
    order[i] = picked;
    down[picked] = 1;
  }
}

/**
 * Replicas on distinct nodes by rejection (with R ≪ N a repeat is rare). A chunk with one replica on
 * an up node is safe whatever its other replicas are, so its remaining draws are skipped.
 */
function anyChunkLost(rng: Rng, down: Uint8Array, p: CopysetParams): boolean {
  const chosen = new Int32Array(p.replicas);
  for (let chunk = 0; chunk < p.chunks; chunk++) {
    let r = 0;
    for (; r < p.replicas; r++) {
      let node: number;
      do node = rng.int(0, p.nodes);
      while (chosen.subarray(0, r).includes(node));
      chosen[r] = node;
      if (down[node] === 0) break;
    }
    if (r === p.replicas) return true;
  }
  return false;
}
