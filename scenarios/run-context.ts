// What one scenario run shares between the workload driver, the fault injector and the checkers:
// the World, the Testbed every operation goes through (and its FaultInjector, every fault's way in),
// the deployed instances (followed to their new contract when the reconciler re-places them), and the
// phase. Leaves out the run loop (scenario-run.ts).

import type { Testbed } from '../scheduler/testbed.js';
import type { FaultInjector } from '../workers/backend.js';
import type { Rng } from '../sim/engine/rng.js';
import type { Deployment } from '../sim/grid/deployment.js';
import type { QsfsFrontend } from '../sim/storage/zstor/frontend.js';
import type { World } from '../sim/grid/world.js';
import type { CompiledScenario } from './compiled.js';

export interface Instance {
  readonly group: string;
  readonly index: number;
  /** Where the deployment runs now: the reconciler's re-placements move it to a new node and contract. */
  node: number;
  contractId: number;
  /** Times the reconciler moved it. */
  replacements: number;
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
  private readonly byContract = new Map<number, Instance>();
  /** Instances that have found no node with room (or no node on) yet, in all and by group. */
  unplaced = 0;
  private readonly unplacedByGroup = new Map<string, number>();
  diskFailures = 0;
  /** Each disk-failure process's exposure, for the disk-afr check's expected count. */
  readonly diskExposure: { readonly slots: number; readonly startS: number; readonly ratePerYear: number }[] = [];
  /** Files written through qsfs frontends, with the frontend that took each (DOMAIN 5.12). */
  readonly writes: { readonly workloadId: string; readonly frontend: QsfsFrontend; readonly path: string; readonly atS: number }[] = [];
  /** Observers of placements, of moves (the old contract) and of counted events (disk failures), for reports. */
  readonly placed: ((instance: Instance) => void)[] = [];
  readonly moved: ((instance: Instance, fromContractId: number, fromNode: number) => void)[] = [];
  readonly counted: ((kind: string) => void)[] = [];
  /** A harness bug (an operation the Testbed refused): the run stops and reports it. */
  failure: { readonly error: unknown } | undefined;
  /** Work to do when the safety phase ends: stop processes, heal what is broken. */
  private readonly onLiveness: (() => void)[] = [];

  constructor(
    readonly scenario: CompiledScenario,
    readonly world: World,
    readonly testbed: Testbed,
    readonly rng: (purpose: string) => Rng,
  ) {}

  add(instance: Instance): void {
    this.instances.push(instance);
    this.byContract.set(instance.contractId, instance);
    let list = this.byGroup.get(instance.group);
    if (list === undefined) this.byGroup.set(instance.group, (list = []));
    list.push(instance);
    for (const fn of this.placed) fn(instance);
  }

  /** The instance whose deployment is (now) this contract, if it is one of the run's. */
  byContractId(contractId: number): Instance | undefined {
    return this.byContract.get(contractId);
  }

  /** The reconciler re-placed a deployment: the instance follows it to its new contract and node. */
  move(fromContractId: number, toContractId: number, toNode: number): void {
    const instance = this.byContract.get(fromContractId);
    if (instance === undefined) return;
    const fromNode = instance.node;
    this.byContract.delete(fromContractId);
    this.byContract.set(toContractId, instance);
    instance.contractId = toContractId;
    instance.node = toNode;
    instance.doc = { ...instance.doc, contract_id: toContractId };
    instance.replacements++;
    for (const fn of this.moved) fn(instance, fromContractId, fromNode);
  }

  /** The harness's faults: the Testbed's FaultInjector. Scenario faults, failure processes and keys all go through it. */
  get faults(): FaultInjector {
    return this.testbed.faults;
  }

  /**
   * Injects one fault now. In simulation it has acted when this returns (the port's contract), so
   * what follows in the same event sees it; a refusal is a harness bug and stops the run.
   */
  inject(fault: (faults: FaultInjector) => Promise<void>): void {
    fault(this.testbed.faults).catch((error: unknown) => this.fail(error));
  }

  fail(error: unknown): void {
    this.failure ??= { error };
    this.testbed.interrupt();
  }

  /** +1: an instance found no node; −1: a retry placed it after all. */
  noteUnplaced(group: string, change: 1 | -1): void {
    this.unplaced += change;
    this.unplacedByGroup.set(group, this.unplacedIn(group) + change);
  }

  unplacedIn(group: string): number {
    return this.unplacedByGroup.get(group) ?? 0;
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
