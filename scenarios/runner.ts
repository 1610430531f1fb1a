// Runs a compiled scenario: a safety phase (faults on, safety invariants watched), then a liveness phase
// (faults off, all repaired, must converge within the bound). Leaves out wall time and printing (the CLI).

import { World } from '../sim/grid/world.js';
import { seedToString } from '../sim/engine/rng.js';
import { distroFlist } from '../sim/storage/flist/generate.js';
import type { CompiledScenario } from './compiled.js';
import { startFaults } from './faults.js';
import { baseFlistUrl } from './grids.js';
import { makeChecker, type Checker } from './invariants.js';
import { attachObserver, type RunObserver } from './observer.js';
import { RunContext, type Phase } from './run-context.js';
import { startWorkload } from './workload.js';

export interface RunOptions {
  readonly seed?: string | number;
  /** Overrides the scenario's safety-phase duration. */
  readonly untilS?: number;
  /** Called between slices of simulated time (progress bars); it must not touch the simulation. */
  readonly onProgress?: (progress: Progress) => void;
  /** Told the grid's gauges after every slice, node power changes and finished deployments (reports). */
  readonly observer?: RunObserver;
}

export interface Progress {
  readonly phase: Phase;
  readonly nowS: number;
  readonly endS: number;
  readonly events: number;
}

export interface InvariantResult {
  readonly name: string;
  readonly phase: Phase;
  readonly ok: boolean;
  readonly detail?: string;
}

export interface RunSummary {
  readonly scenario: string;
  readonly seed: string;
  readonly nodes: number;
  readonly simulatedSeconds: number;
  readonly safetyUntilS: number;
  /** Seconds into the liveness phase at which every liveness invariant held, or null if never. */
  readonly convergedAfterS: number | null;
  readonly convergeWithinS: number;
  readonly events: number;
  readonly invariants: readonly InvariantResult[];
  readonly metrics: Readonly<Record<string, unknown>>;
  /** Which phase failed first: safety wins over liveness, as the exit code does. */
  readonly failed: Phase | null;
}

/** Both phases advance in this many slices (fixed, so progress reporting never changes event order). */
const slices = 200;
const livenessPollS = 60;
/**
 * Events between two pause points of `scenarioSteps`: a few milliseconds of work, so a caller that
 * pauses at each one (to take a signal) answers within a fraction of a second on any grid. Pausing
 * between events never changes their order, so the run is the same paused or not.
 */
const eventsPerStep = 20_000;

/** Runs a scenario to the end in one go. */
export function runScenario(scenario: CompiledScenario, options: RunOptions = {}): RunSummary {
  const steps = scenarioSteps(scenario, options);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/**
 * A scenario run as steps: each `yield` is a point where the caller may pause, for instance to let a
 * signal handler run, and says where the run is. The return value is the summary.
 */
export function* scenarioSteps(scenario: CompiledScenario, options: RunOptions = {}): Generator<Progress, RunSummary, void> {
  const seed = seedToString(options.seed ?? scenario.seed ?? 1);
  const safetyUntilS = options.untilS ?? scenario.durationS;
  const world = new World({ seed, grid: scenario.grid, armDeviceFailures: scenario.armDeviceFailures });
  world.hub.publish(distroFlist({ seed: `${seed}:base`, url: baseFlistUrl }));
  const ctx = new RunContext(scenario, world, (purpose) => world.rngs.stream(`scenario.${purpose}`));
  // Checkers first, so that they see every change from the first deployment on.
  const checkers = scenario.invariants.map((inv) => makeChecker(ctx, inv));
  const sample = options.observer === undefined ? undefined : attachObserver(ctx, options.observer);
  const faults = startFaults(ctx);
  startWorkload(ctx);

  const where = (phase: Phase, endS: number): Progress => ({ phase, nowS: world.sim.nowS, endS, events: world.sim.eventCount });
  const progress = (phase: Phase, endS: number): void => {
    sample?.();
    options.onProgress?.(where(phase, endS));
  };
  /** Runs the simulation to `untilS`, pausing every `eventsPerStep` events. */
  function* runTo(untilS: number, phase: Phase, endS: number): Generator<Progress, void, void> {
    for (;;) {
      const before = world.sim.eventCount;
      world.sim.run({ untilS, maxEvents: eventsPerStep });
      if (world.sim.eventCount - before < eventsPerStep) return;
      yield where(phase, endS);
    }
  }
  sample?.();
  for (let i = 1; i <= slices; i++) {
    yield* runTo((safetyUntilS * i) / slices, 'safety', safetyUntilS);
    progress('safety', safetyUntilS);
    yield where('safety', safetyUntilS);
  }
  const results = new Map<Checker, string | null>();
  for (const c of checkers) if (c.phase === 'safety') results.set(c, c.check());
  const downHostS = faults.nodes.stats.downHostS;

  ctx.startLiveness();
  const live = checkers.filter((c) => c.phase === 'liveness');
  const endS = safetyUntilS + scenario.convergeWithinS;
  let convergedAfterS: number | null = null;
  for (;;) {
    const failing = live.map((c) => [c, c.check()] as const);
    if (failing.every(([, problem]) => problem === null) || world.sim.nowS >= endS) {
      for (const [c, problem] of failing) results.set(c, problem);
      if (failing.every(([, problem]) => problem === null)) convergedAfterS = world.sim.nowS - safetyUntilS;
      break;
    }
    yield* runTo(Math.min(endS, world.sim.nowS + livenessPollS), 'liveness', endS);
    progress('liveness', endS);
    yield where('liveness', endS);
  }

  const invariants = checkers.map((c): InvariantResult => {
    const problem = results.get(c) ?? null;
    const detail = problem ?? c.note?.();
    return { name: c.label, phase: c.phase, ok: problem === null, ...(detail === undefined ? {} : { detail }) };
  });
  const failed = invariants.some((r) => !r.ok && r.phase === 'safety') ? 'safety' : invariants.some((r) => !r.ok) ? 'liveness' : null;
  return {
    scenario: scenario.name,
    seed,
    nodes: scenario.nodeCount,
    simulatedSeconds: world.sim.nowS,
    safetyUntilS,
    convergedAfterS,
    convergeWithinS: scenario.convergeWithinS,
    events: world.sim.eventCount,
    invariants,
    metrics: metrics(ctx, faults.nodes.stats, downHostS, safetyUntilS),
    failed,
  };
}

function metrics(ctx: RunContext, nodeStats: { failureCount: number; repairCount: number }, downHostS: number, safetyS: number): Record<string, unknown> {
  const { world } = ctx;
  const all: Record<string, unknown> = {
    nodeFailures: nodeStats.failureCount,
    diskFailures: ctx.diskFailures,
    // Node-time up over the safety phase: the share of node-seconds not spent crashed.
    availability: Number((1 - downHostS / (ctx.scenario.nodeCount * safetyS)).toFixed(6)),
    deployments: deploymentCounts(ctx, world),
    storage: storageCounts(ctx),
  };
  return Object.fromEntries(ctx.scenario.report.map((k) => [k, all[k]]));
}

function deploymentCounts(ctx: RunContext, world: World): Record<string, number> {
  const counts = { placed: ctx.instances.length, unplaced: ctx.unplaced, ok: 0, partial: 0, error: 0, removed: 0 };
  for (const inst of ctx.instances) {
    const doc = world.provision.deployment(inst.node, inst.contractId);
    if (doc === undefined) counts.removed++;
    else if (doc.workloads.every((w) => w.result?.state === 'ok')) counts.ok++;
    else if (doc.workloads.every((w) => w.result?.state === 'error')) counts.error++;
    else counts.partial++;
  }
  return counts;
}

/** zstor and qsfs figures over every qsfs instance of the run (all zero without one). */
function storageCounts(ctx: RunContext): Record<string, number> {
  const counts = { objects: 0, repairedObjects: 0, lostObjects: 0, stalls: 0, filesWritten: ctx.writes.length, filesLost: 0 };
  for (const inst of ctx.instances) {
    const q = ctx.world.qsfs.instance(`${inst.doc.twin_id}-${inst.contractId}-fs`);
    if (q === undefined) continue;
    for (const _key of q.cluster.meta.keys()) counts.objects++;
    counts.repairedObjects += q.cluster.stats.repairedObjects;
    counts.lostObjects += q.cluster.lost.size;
    counts.stalls += q.cluster.stats.stalls;
  }
  for (const w of ctx.writes) if (w.frontend.fileState(w.path) === 'lost') counts.filesLost++;
  return counts;
}
