// What one scenario run shares between the workload driver, the fault injector and the checkers:
// the World, the deployed instances, and the phase. Leaves out the run loop (runner.ts).

import type { Rng } from '../sim/engine/rng.js';
import type { Deployment } from '../sim/grid/deployment.js';
import type { QsfsFrontend } from '../sim/storage/zstor/frontend.js';
import type { World } from '../sim/grid/world.js';
import type { CompiledScenario } from './compiled.js';

export interface Instance {
  readonly group: string;
  readonly index: number;
  readonly node: number;
  readonly contractId: number;
  /** The document as last sent, with its contract id. */
  doc: Deployment;
  /** A tampered document: its contract never matches, so it is not expected to come up. */
  readonly tampered: boolean;
  cancelled: boolean;
  /** Set by an update the node refused synchronously (DOMAIN 5.8). */
  updateRefused?: string;
}

export type Phase = 'safety' | 'liveness';

export class RunContext {
  phase: Phase = 'safety';
  readonly instances: Instance[] = [];
  private readonly byGroup = new Map<string, Instance[]>();
  /** Instances that found no node with room (or no node on). */
  unplaced = 0;
  diskFailures = 0;
  /** Each disk-failure process's exposure, for the disk-afr check's expected count. */
  readonly diskExposure: { readonly slots: number; readonly startS: number; readonly ratePerYear: number }[] = [];
  /** Files written through qsfs frontends, with the frontend that took each (DOMAIN 5.12). */
  readonly writes: { readonly workloadId: string; readonly frontend: QsfsFrontend; readonly path: string; readonly atS: number }[] = [];
  /** Observers of placements and of counted events (disk failures), for reports. */
  readonly placed: ((instance: Instance) => void)[] = [];
  readonly counted: ((kind: string) => void)[] = [];
  /** Work to do when the safety phase ends: stop processes, heal what is broken. */
  private readonly onLiveness: (() => void)[] = [];

  constructor(
    readonly scenario: CompiledScenario,
    readonly world: World,
    readonly rng: (purpose: string) => Rng,
  ) {}

  add(instance: Instance): void {
    this.instances.push(instance);
    let list = this.byGroup.get(instance.group);
    if (list === undefined) this.byGroup.set(instance.group, (list = []));
    list.push(instance);
    for (const fn of this.placed) fn(instance);
  }

  count(kind: string): void {
    for (const fn of this.counted) fn(kind);
  }

  group(name: string): readonly Instance[] {
    return this.byGroup.get(name) ?? [];
  }

  /** Runs `fn` at `atS` only if the safety phase is still on then: faults and actions stop with it. */
  atSafety(atS: number, fn: () => void): void {
    this.world.sim.schedule(Math.max(0, atS - this.world.sim.nowS), () => {
      if (this.phase === 'safety') fn();
    });
  }

  whenLiveness(fn: () => void): void {
    this.onLiveness.push(fn);
  }

  startLiveness(): void {
    this.phase = 'liveness';
    for (const fn of this.onLiveness) fn();
  }
}
