// One scenario run, headless or live: a Testbed over a simulated World (the system under test: the
// scheduler, its workers and reconciler) and the harness around it (workload client, faults, invariant
// checkers, availability). Holds the one safety/liveness loop: the safety phase with faults on, then
// the liveness phase (faults off, everything repaired) checked every minute until it converges or its
// bound passes. Leaves out slicing for progress and reports (runner.ts) and key presses (live.ts).

import type { TransportChoice } from '../scheduler/testbed.js';
import type { AuditEntry } from '../scheduler/reconciler/reconciler-types.js';
import { seedToString } from '../sim/engine/rng.js';
import type { World } from '../sim/grid/world.js';
import type { FaultInjector } from '../workers/backend.js';
import { DeploymentAvailability } from './availability.js';
import { formatDuration } from './duration.js';
import type { CompiledScenario } from './compiled.js';
import { startFaults, type FaultStats } from './faults.js';
import { makeChecker, type Checker } from './invariants.js';
import { NodeGroupHealing } from './node-groups.js';
import { RunContext, type Phase } from './run-context.js';
import { openSimTestbed } from './testbed.js';
import { startWorkload } from './workload.js';

/** How often, in virtual seconds, the liveness phase looks for convergence. */
export const livenessPollS = 60;

export interface ScenarioRunOptions {
  readonly seed?: string | number;
  /** Overrides the scenario's safety-phase duration. */
  readonly untilS?: number;
  /** How jobs travel: in-process by default. */
  readonly transport?: TransportChoice;
  /** Overrides the scenario's `reconcile` (the CLI's --no-reconcile). */
  readonly reconcile?: boolean;
  /** Wraps the run's FaultInjector, every fault's one way to the grid (a test counting them). */
  readonly wrapFaults?: (faults: FaultInjector) => FaultInjector;
  /**
   * Finished operations (and reconciler audit entries) the Testbed keeps: `keptFinished` by default,
   * since the harness learns every outcome from the event streams and a simulated year would
   * otherwise hold every job it ever ran; Infinity keeps all (a test reading testbed.state()).
   */
  readonly keepFinished?: number;
}

/** Finished operations a scenario's Testbed keeps by default: a screenful for whoever inspects it. */
export const keptFinished = 1000;

/** What the reconciler did, counted from its audit log. */
export interface HealingCounts {
  replacements: number;
  repairs: number;
  reapplies: number;
}

export type LivenessVerdict = 'converged' | 'not converged';

export class ScenarioRun {
  readonly ctx: RunContext;
  readonly checkers: readonly Checker[];
  readonly faults: FaultStats;
  readonly availability: DeploymentAvailability;
  readonly healing: HealingCounts = { replacements: 0, repairs: 0, reapplies: 0 };
  readonly safetyUntilS: number;
  readonly endS: number;
  /** Safety invariants' problems (null: held), settled when the safety phase ends. */
  readonly results = new Map<Checker, string | null>();
  /** Node-seconds spent down during the safety phase. */
  downHostS = 0;
  convergedAfterS: number | null = null;
  verdict: LivenessVerdict | null = null;
  /** Called with each line worth a person's attention (phase changes, verdicts). */
  onNote: (text: string) => void = () => {};
  private interrupted = false;

  static async open(scenario: CompiledScenario, options: ScenarioRunOptions = {}): Promise<ScenarioRun> {
    const seed = seedToString(options.seed ?? scenario.seed ?? 1);
    const reconcile = options.reconcile ?? scenario.reconcile;
    // tfrobot node groups constrain re-placements as they did the first placement.
    const healing = reconcile ? NodeGroupHealing.of(scenario) : undefined;
    const { testbed, world } = await openSimTestbed({
      seed, grid: scenario.grid, armDeviceFailures: scenario.armDeviceFailures, transport: options.transport ?? 'inprocess',
      reconcile: healing === undefined ? reconcile : { excludeNodesFor: healing.excludeNodesFor }, where: scenario.source,
      keepFinished: options.keepFinished ?? keptFinished,
      ...(options.wrapFaults === undefined ? {} : { wrapFaults: options.wrapFaults }),
    });
    healing?.attach(world);
    try {
      return new ScenarioRun(scenario, seed, world, new RunContext(scenario, world, testbed, (purpose) => world.rngs.stream(`scenario.${purpose}`)), options);
    } catch (error) {
      // A fault the grid cannot take (a link it lacks): the transport must not outlive the message.
      await testbed.close();
      throw error;
    }
  }

  private constructor(
    readonly scenario: CompiledScenario,
    readonly seed: string,
    readonly world: World,
    ctx: RunContext,
    options: ScenarioRunOptions,
  ) {
    this.ctx = ctx;
    this.safetyUntilS = options.untilS ?? scenario.durationS;
    this.endS = this.safetyUntilS + scenario.convergeWithinS;
    // Checkers first, so that they see every change from the first deployment on.
    this.checkers = scenario.invariants.map((inv) => makeChecker(ctx, inv));
    this.availability = new DeploymentAvailability(ctx);
    ctx.testbed.onAudit((entry) => this.onAudit(entry));
    this.faults = startFaults(ctx);
    startWorkload(ctx);
  }

  get nowS(): number {
    return this.world.sim.nowS;
  }

  get phase(): Phase {
    return this.ctx.phase;
  }

  /** True once the liveness phase has its verdict: the scenario's own run is over. */
  get finished(): boolean {
    return this.verdict !== null;
  }

  /** True after interrupt(): the run stopped short of where it was asked to go. */
  get stopped(): boolean {
    return this.interrupted;
  }

  /**
   * Runs virtual time to `targetS`, crossing into the liveness phase when it is due and, until the
   * verdict, checking liveness every minute of virtual time whatever the caller's slices are, so that
   * the convergence time is the same headless and live.
   */
  async advanceTo(targetS: number): Promise<void> {
    if (this.ctx.phase === 'safety' && targetS >= this.safetyUntilS) {
      if (!(await this.runTo(this.safetyUntilS))) return;
      this.endSafety();
    }
    while (this.ctx.phase === 'liveness' && this.verdict === null && this.nowS < targetS) {
      if (!(await this.runTo(Math.min(targetS, this.nowS + livenessPollS)))) return;
      this.checkLiveness();
    }
    await this.runTo(targetS);
  }

  /** Stops an advanceTo() in progress after the event being processed; the run can then only be closed. */
  interrupt(): void {
    this.interrupted = true;
    this.ctx.testbed.interrupt();
  }

  close(): Promise<void> {
    return this.ctx.testbed.close();
  }

  /** False when the run was interrupted (or the harness failed) before reaching `untilS`. */
  private async runTo(untilS: number): Promise<boolean> {
    if (this.interrupted) return false;
    await this.ctx.testbed.runUntil(untilS);
    if (this.ctx.failure !== undefined) throw this.ctx.failure.error;
    return !this.interrupted;
  }

  private endSafety(): void {
    for (const c of this.checkers) if (c.phase === 'safety') this.settle(c, c.check());
    this.downHostS = this.faults.nodes.stats.downHostS;
    this.ctx.startLiveness();
    this.onNote('liveness phase: faults off, everything repaired');
    this.checkLiveness();
  }

  private checkLiveness(): void {
    const live = this.checkers.filter((c) => c.phase === 'liveness');
    const problems = live.map((c) => [c, c.check()] as const);
    const ok = problems.every(([, p]) => p === null);
    if (!ok && this.nowS < this.endS) return;
    for (const [c, problem] of problems) this.settle(c, problem);
    this.verdict = ok ? 'converged' : 'not converged';
    if (ok) this.convergedAfterS = this.nowS - this.safetyUntilS;
    this.onNote(ok ? `converged ${formatDuration(this.nowS - this.safetyUntilS)} after faults stopped` : `not converged within ${formatDuration(this.endS - this.safetyUntilS)}`);
  }

  private settle(c: Checker, problem: string | null): void {
    this.results.set(c, problem);
    this.onNote(`${problem === null ? 'ok' : 'FAIL'} [${c.phase}] ${c.label}${problem === null ? '' : ` — ${problem}`}`);
  }

  private onAudit(entry: AuditEntry): void {
    if (entry.reason === 'replaced') {
      this.healing.replacements++;
      const to = replacementOf(entry);
      if (to !== undefined && entry.contractId !== undefined) this.ctx.move(entry.contractId, to.contractId, to.node);
    } else if (entry.reason === 'zstor-repair') this.healing.repairs++;
    else if (entry.reason === 'znet-reapply') this.healing.reapplies++;
  }
}

/** The new contract and node of a 'replaced' entry. */
function replacementOf(entry: AuditEntry): { contractId: number; node: number } | undefined {
  return entry.toContractId !== undefined && entry.node !== undefined ? { contractId: entry.toContractId, node: entry.node } : undefined;
}
