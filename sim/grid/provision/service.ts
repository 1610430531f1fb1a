// Routes provision calls to one engine per node, created on a node's first deployment so that idle
// nodes cost nothing, and fans power events and result changes out. Leaves out RMB transport and twins.

import type { RngStreams } from '../../engine/rng.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Deployment, Workload, WorkloadResult } from '../deployment.js';
import type { GridNodeApi } from '../node-api.js';
import { AdmissionReason, ProvisionRejected } from './admission.js';
import { ProvisionEngine, type ChangeListener, type ContractCheck, type EngineContext } from './engine.js';
import type { ManagerRegistry } from './manager.js';
import type { StoredWorkload } from './state.js';

export interface ProvisionServiceOptions {
  readonly sim: Simulation;
  readonly grid: GridNodeApi;
  readonly managers: ManagerRegistry;
  /** Each node's managers draw from the stream `provision-node-<n>`. */
  readonly rngs: RngStreams;
  /** The chain check of each provision and update job; none means every contract is valid. */
  readonly contractCheck?: ContractCheck;
}

/** A workload's current result and every earlier one (zos `changes`), oldest first. */
export interface WorkloadStatus extends WorkloadResult {
  readonly type: Workload['type'];
  readonly history: readonly WorkloadResult[];
}

export class ProvisionService {
  private readonly engines = new Map<number, ProvisionEngine>();
  private readonly listeners: ChangeListener[] = [];
  private readonly emit: ChangeListener = (node, contractId, name, result) => {
    for (const listener of this.listeners) listener(node, contractId, name, result);
  };

  /** One context for every node's engine: a grid may hold hundreds of thousands of engines. */
  private readonly engineContext: EngineContext;

  constructor(private readonly options: ProvisionServiceOptions) {
    const { sim, grid, managers, rngs, contractCheck } = options;
    this.engineContext = { sim, grid, managers, rngs, onChange: this.emit, ...(contractCheck === undefined ? {} : { contractCheck }) };
    options.grid.onPower((node, event) => this.engines.get(node)?.power(event));
  }

  deploy(node: number, doc: Deployment): void {
    this.engineFor(node).deploy(doc);
  }

  update(node: number, doc: Deployment): void {
    this.existing(node, doc.contract_id).update(doc);
  }

  /** Contract cancelled: every workload is deprovisioned in reverse install order. */
  cancel(node: number, contractId: number, reason?: string): void {
    this.existing(node, contractId).deprovision(contractId, reason);
  }

  /** A workload the system removes on its own (a crash-looping VM), with the reason. */
  decommission(node: number, contractId: number, workloadName: string, reason: string): void {
    this.existing(node, contractId).decommission(contractId, workloadName, reason);
  }

  /** Contract ids stored on `node`. */
  contractIds(node: number): number[] {
    return this.engines.get(node)?.contractIds() ?? [];
  }

  /** Whether a stored workload is paused, for the chain sync. */
  isPaused(node: number, contractId: number): boolean {
    const stored = this.engines.get(node)?.deployment(contractId);
    return stored !== undefined && [...stored.workloads.values()].some((sw) => sw.result.state === 'paused');
  }

  pause(node: number, contractId: number): void {
    this.existing(node, contractId).pause(contractId);
  }

  resume(node: number, contractId: number): void {
    this.existing(node, contractId).resume(contractId);
  }

  /**
   * The deployment as the node's `Get` returns it: the applied document, with each stored workload
   * in its running config (an `unchanged` one keeps its old data) and its result.
   */
  deployment(node: number, contractId: number): Deployment | undefined {
    const stored = this.engines.get(node)?.deployment(contractId);
    if (stored === undefined) return undefined;
    const workloads = [...stored.workloads.values()].map((sw) => ({ ...sw.workload, result: sw.result }));
    return { ...stored.applied, workloads };
  }

  /**
   * The stored workloads of a deployment, in Get's order, as they are (not copies): for readers
   * that only count, called for every changed node or deployment, where a copy per call showed up.
   */
  storedWorkloads(node: number, contractId: number): Iterable<StoredWorkload> | undefined {
    return this.engines.get(node)?.deployment(contractId)?.workloads.values();
  }

  workloadState(node: number, contractId: number, name: string): WorkloadStatus | undefined {
    const sw = this.engines.get(node)?.deployment(contractId)?.workloads.get(name);
    if (sw === undefined) return undefined;
    return { ...sw.result, type: sw.workload.type, history: [...sw.history] };
  }

  /** Called for every new result, `init` included, in the order they happen. */
  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  /** Jobs waiting (the in-flight one included) on a node. */
  queuedJobs(node: number): number {
    return this.engines.get(node)?.queuedJobs ?? 0;
  }

  /** Nodes that ever had a deployment; the rest have no engine at all. */
  get engineCount(): number {
    return this.engines.size;
  }

  private engineFor(node: number): ProvisionEngine {
    let engine = this.engines.get(node);
    if (engine !== undefined) return engine;
    if (!(Number.isInteger(node) && node >= 0 && node < this.options.grid.nodeCount)) {
      throw new ProvisionRejected(AdmissionReason.notFound, `node ${node} does not exist`);
    }
    engine = new ProvisionEngine(node, this.engineContext);
    this.engines.set(node, engine);
    return engine;
  }

  private existing(node: number, contractId: number): ProvisionEngine {
    const engine = this.engines.get(node);
    if (engine === undefined) throw new ProvisionRejected(AdmissionReason.notFound, `deployment ${contractId} not found on node ${node}`);
    return engine;
  }
}
