// Runs a compiled scenario headless: the safety phase in fixed slices of virtual time (progress,
// report samples), then the liveness phase a minute at a time to its verdict, and the summary.
// Leaves out the loop itself (scenario-run.ts), wall time and printing (the CLI).

import type { TransportChoice } from '../scheduler/testbed.js';
import { quantileS } from './availability.js';
import type { CompiledScenario } from './compiled.js';
import { attachObserver, type RunObserver } from './observer.js';
import type { RunContext, Phase } from './run-context.js';
import { livenessPollS, ScenarioRun } from './scenario-run.js';

export interface RunOptions {
  readonly seed?: string | number;
  /** Overrides the scenario's safety-phase duration. */
  readonly untilS?: number;
  /** Called between slices of simulated time (progress bars); it must not touch the simulation. */
  readonly onProgress?: (progress: Progress) => void;
  /** Told the grid's gauges after every slice, node power changes and finished deployments (reports). */
  readonly observer?: RunObserver;
  /** How jobs travel: in-process by default. */
  readonly transport?: TransportChoice;
  /** Overrides the scenario's `reconcile`. */
  readonly reconcile?: boolean;
  /** Aborting it stops the run after the event being processed: runScenario then rejects with RunStopped. */
  readonly signal?: AbortSignal;
}

/** A run stopped from outside (a signal) before its end: where it was. */
export class RunStopped extends Error {
  constructor(readonly last: Progress) {
    super(`the run was stopped in the ${last.phase} phase at ${last.nowS} s`);
  }
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

/** The safety phase advances in this many slices (fixed, so progress reporting never changes event order). */
const slices = 200;

/** Runs a scenario to its verdict; the testbed (and its transport) is closed whatever happens. */
export async function runScenario(scenario: CompiledScenario, options: RunOptions = {}): Promise<RunSummary> {
  const run = await ScenarioRun.open(scenario, {
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.untilS === undefined ? {} : { untilS: options.untilS }),
    ...(options.transport === undefined ? {} : { transport: options.transport }),
    ...(options.reconcile === undefined ? {} : { reconcile: options.reconcile }),
  });
  const stop = (): void => run.interrupt();
  options.signal?.addEventListener('abort', stop);
  try {
    if (options.signal?.aborted === true) run.interrupt();
    const sample = options.observer === undefined ? undefined : attachObserver(run.ctx, options.observer);
    const where = (): Progress => {
      const phase = run.phase;
      return { phase, nowS: run.nowS, endS: phase === 'safety' ? run.safetyUntilS : run.endS, events: run.world.sim.eventCount };
    };
    const step = async (targetS: number): Promise<void> => {
      await run.advanceTo(targetS);
      if (run.stopped) throw new RunStopped(where());
      sample?.();
      options.onProgress?.(where());
    };
    sample?.();
    for (let i = 1; i <= slices; i++) await step((run.safetyUntilS * i) / slices);
    while (!run.finished) await step(Math.min(run.endS, run.nowS + livenessPollS));
    return summarize(run);
  } finally {
    options.signal?.removeEventListener('abort', stop);
    await run.close();
  }
}

/** Seconds to the millisecond: enough for a time to heal, and stable in JSON. */
function roundS(s: number | null): number | null {
  return s === null ? null : Math.round(s * 1000) / 1000;
}

function summarize(run: ScenarioRun): RunSummary {
  const invariants = run.checkers.map((c): InvariantResult => {
    const problem = run.results.get(c) ?? null;
    const detail = problem ?? c.note?.();
    return { name: c.label, phase: c.phase, ok: problem === null, ...(detail === undefined ? {} : { detail }) };
  });
  const failed = invariants.some((r) => !r.ok && r.phase === 'safety') ? 'safety' : invariants.some((r) => !r.ok) ? 'liveness' : null;
  const { scenario } = run;
  return {
    scenario: scenario.name,
    seed: run.seed,
    nodes: scenario.nodeCount,
    simulatedSeconds: run.nowS,
    safetyUntilS: run.safetyUntilS,
    convergedAfterS: run.convergedAfterS,
    convergeWithinS: scenario.convergeWithinS,
    events: run.world.sim.eventCount,
    invariants,
    metrics: metrics(run),
    failed,
  };
}

function metrics(run: ScenarioRun): Record<string, unknown> {
  const { ctx } = run;
  const nodeStats = run.faults.nodes.stats;
  const availability = run.availability.figures();
  const round = (x: number): number => Number(x.toFixed(6));
  const all: Record<string, unknown> = {
    nodeFailures: nodeStats.failureCount,
    diskFailures: ctx.diskFailures,
    // Node-time up over the safety phase: the share of node-seconds not spent crashed.
    availability: round(1 - run.downHostS / (ctx.scenario.nodeCount * run.safetyUntilS)),
    deployments: {
      ...deploymentCounts(ctx),
      availabilityMinFraction: round(availability.minFraction),
      availabilityMinAtS: roundS(availability.minAtS),
      availabilityRestoredAtS: roundS(availability.restoredAtS),
      availabilityMeanFraction: round(availability.meanFraction),
      hoursLost: round(availability.hoursLost),
      replaced: run.healing.replacements,
    },
    healing: {
      timeToHealS: {
        p50: roundS(quantileS(availability.healedOutagesS, 0.5)),
        p95: roundS(quantileS(availability.healedOutagesS, 0.95)),
        p99: roundS(quantileS(availability.healedOutagesS, 0.99)),
      },
      outagesHealed: availability.healedOutagesS.length,
      ...run.healing,
    },
    storage: storageCounts(ctx),
  };
  return Object.fromEntries(ctx.scenario.report.map((k) => [k, all[k]]));
}

function deploymentCounts(ctx: RunContext): Record<string, number> {
  const { world } = ctx;
  const counts = { placed: ctx.instances.length, unplaced: ctx.unplaced, ok: 0, partial: 0, error: 0, removed: 0, cancelled: 0 };
  for (const inst of ctx.instances) {
    const doc = world.provision.deployment(inst.node, inst.contractId);
    // Cancelled by the workload on purpose: gone by design, neither ok nor lost.
    if (inst.cancelled) counts.cancelled++;
    else if (doc === undefined) counts.removed++;
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
