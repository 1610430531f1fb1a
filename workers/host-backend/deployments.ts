// Contracts and deployments on host nodes: the node's synchronous checks (the simulator's own
// admission rules, so refusals name the same fields), then one job per node at a time, each workload
// provisioned in zos's install order and recorded with zos's result states. Leaves out billing/grace.

import type { Deployment, Workload, WorkloadType } from '../../sim/grid/deployment.js';
import { AdmissionReason, ProvisionRejected } from '../../sim/grid/provision/admission.js';
import { inInstallOrder, inRemovalOrder } from '../../sim/grid/provision/order.js';
import type { WorkloadView } from '../backend.js';
import { WorkerError, WorkerErrorCode } from '../errors.js';
import { admitCreate, admitUpdate, type AdmissionOptions } from './admission.js';
import { recordedKind, type KindContext, type WorkloadKind } from './kinds.js';
import type { HostNode } from './nodes.js';
import type { HostRegistry } from './registry.js';

export interface ContractRecord {
  readonly id: number;
  readonly node: number;
  readonly twin: number;
  state: 'live' | 'deleted';
  /** The last document the node accepted; undefined once the node has let go of it. */
  doc: Deployment | undefined;
  readonly results: Map<string, WorkloadView>;
  /** True while the deletion waits for its node to boot. */
  pendingDelete: boolean;
}

export class HostDeployments {
  readonly contracts = new Map<number, ContractRecord>();
  private nextId = 1;
  /** One job at a time per node, as zos's provision queue. */
  private readonly queues = new Map<number, Promise<void>>();

  constructor(
    private readonly nodes: readonly HostNode[],
    private readonly registry: HostRegistry,
    private readonly kinds: ReadonlyMap<WorkloadType, WorkloadKind>,
    private readonly admission: AdmissionOptions,
  ) {}

  create(node: number, deployment: Deployment): number {
    const host = this.upNode(node);
    const doc: Deployment = { ...deployment, contract_id: this.nextId };
    admitCreate(doc, this.admission);
    const record: ContractRecord = { id: this.nextId++, node, twin: doc.twin_id, state: 'live', doc, results: new Map(), pendingDelete: false };
    for (const w of doc.workloads) record.results.set(w.name, view(w, 'init', ''));
    this.contracts.set(record.id, record);
    this.enqueue(node, async () => {
      for (const w of inInstallOrder(doc.workloads)) await this.provision(host, record, w);
    });
    return record.id;
  }

  update(contractId: number, deployment: Deployment): void {
    const record = this.live(contractId);
    const host = this.upNode(record.node);
    const previous = record.doc;
    const next: Deployment = { ...deployment, contract_id: contractId };
    admitUpdate(previous, next, this.admission);
    record.doc = next;
    const before = new Map(previous!.workloads.map((w) => [w.name, w]));
    for (const w of next.workloads) if (!before.has(w.name) || w.version === next.version) record.results.set(w.name, view(w, 'init', ''));
    this.enqueue(record.node, async () => {
      for (const w of inInstallOrder(next.workloads)) {
        const old = before.get(w.name);
        if (old === undefined) await this.provision(host, record, w);
        else if (w.version === next.version) await this.change(host, record, old, w);
      }
      const kept = new Set(next.workloads.map((w) => w.name));
      for (const w of inRemovalOrder(previous!.workloads.filter((w) => !kept.has(w.name)))) await this.remove(host, record, w);
    });
  }

  /** Cancels the contract; an off node lets go at its next boot. */
  delete(contractId: number): void {
    const record = this.live(contractId);
    record.state = 'deleted';
    const host = this.nodes[record.node]!;
    if (!host.up) {
      record.pendingDelete = true;
      return;
    }
    this.enqueue(record.node, () => this.removeAll(host, record));
  }

  pause(contractId: number, paused: boolean): void {
    const record = this.live(contractId);
    const host = this.upNode(record.node);
    this.enqueue(record.node, async () => {
      const doc = record.doc!;
      const order = paused ? inRemovalOrder(doc.workloads) : inInstallOrder(doc.workloads);
      for (const w of order) await this.flip(host, record, w, paused);
    });
  }

  /** Resolves once the node's queue is idle (or after `timeoutS` wall seconds). */
  async settled(contractId: number, timeoutS: number): Promise<void> {
    const record = this.contracts.get(contractId);
    if (record === undefined) throw new WorkerError(WorkerErrorCode.notFound, `contract ${contractId} not found`);
    const queue = this.queues.get(record.node) ?? Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutS * 1000)));
    await Promise.race([queue, timeout]);
    clearTimeout(timer);
  }

  /** After a boot: deletions that waited, then what lived only in processes (proxies, machines). */
  async afterBoot(node: number): Promise<void> {
    const host = this.nodes[node]!;
    for (const record of this.contracts.values()) {
      if (record.node !== node || record.doc === undefined) continue;
      if (record.pendingDelete) {
        record.pendingDelete = false;
        this.enqueue(node, () => this.removeAll(host, record));
        continue;
      }
      this.enqueue(node, async () => {
        for (const w of inInstallOrder(record.doc?.workloads ?? [])) {
          const state = record.results.get(w.name)?.state;
          const kind = this.kindOf(w);
          if ((state !== 'ok' && state !== 'paused') || kind.restore === undefined) continue;
          try {
            await kind.restore(this.ctx(host, record, w), w);
            // A paused machine comes back paused.
            if (state === 'paused') await kind.pause?.(this.ctx(host, record, w), w);
          } catch (error) {
            record.results.set(w.name, view(w, 'error', `restore after boot failed: ${messageOf(error)}`));
          }
        }
      });
    }
    await this.queues.get(node);
  }

  private async provision(host: HostNode, record: ContractRecord, w: Workload): Promise<void> {
    try {
      const data = await this.kindOf(w).provision(this.ctx(host, record, w), w);
      record.results.set(w.name, view(w, 'ok', '', data));
    } catch (error) {
      record.results.set(w.name, view(w, 'error', messageOf(error)));
    }
  }

  /** A refused change leaves the previous config running: `unchanged`, with the reason. */
  private async change(host: HostNode, record: ContractRecord, old: Workload, w: Workload): Promise<void> {
    const kind = this.kindOf(w);
    try {
      if (kind.update === undefined) throw new Error(`workload ${w.name} of type ${w.type} does not support upgrade`);
      const data = await kind.update(this.ctx(host, record, w), old, w);
      record.results.set(w.name, view(w, 'ok', '', data));
    } catch (error) {
      record.results.set(w.name, view(w, 'unchanged', messageOf(error)));
    }
  }

  private async remove(host: HostNode, record: ContractRecord, w: Workload): Promise<void> {
    try {
      await this.kindOf(w).deprovision(this.ctx(host, record, w), w);
      record.results.delete(w.name);
    } catch (error) {
      record.results.set(w.name, view(w, 'error', messageOf(error)));
    }
  }

  private async removeAll(host: HostNode, record: ContractRecord): Promise<void> {
    const doc = record.doc;
    if (doc === undefined) return;
    for (const w of inRemovalOrder(doc.workloads)) await this.remove(host, record, w);
    record.doc = undefined;
  }

  private async flip(host: HostNode, record: ContractRecord, w: Workload, paused: boolean): Promise<void> {
    const from = record.results.get(w.name);
    if (from === undefined || from.state !== (paused ? 'ok' : 'paused')) return;
    const kind = this.kindOf(w);
    const method = paused ? kind.pause : kind.resume;
    try {
      await method?.(this.ctx(host, record, w), w);
      record.results.set(w.name, view(w, paused ? 'paused' : 'ok', '', from.data));
    } catch (error) {
      record.results.set(w.name, view(w, from.state, `${paused ? 'pause' : 'resume'} failed: ${messageOf(error)}`, from.data));
    }
  }

  private enqueue(node: number, job: () => Promise<void>): void {
    const next = (this.queues.get(node) ?? Promise.resolve()).then(job).catch(() => undefined);
    this.queues.set(node, next);
  }

  private kindOf(w: Workload): WorkloadKind {
    return this.kinds.get(w.type) ?? recordedKind;
  }

  private ctx(node: HostNode, record: ContractRecord, w: Workload): KindContext {
    return { node, registry: this.registry, workloadId: `${record.twin}-${record.id}-${w.name}`, twin: record.twin };
  }

  private upNode(node: number): HostNode {
    const host = this.nodes[node];
    if (host === undefined) throw new WorkerError(WorkerErrorCode.notFound, `node ${node} does not exist (the grid has ${this.nodes.length})`);
    if (!host.up) throw new ProvisionRejected(AdmissionReason.nodeOff, `node ${node} is off`);
    return host;
  }

  private live(contractId: number): ContractRecord {
    const record = this.contracts.get(contractId);
    if (record === undefined || record.state === 'deleted') throw new WorkerError(WorkerErrorCode.notFound, `contract ${contractId} not found or deleted`);
    return record;
  }
}

/** `data` is the kind's answer (zos's result data); absent when the kind has none, as in SimBackend. */
function view(w: Workload, state: string, message: string, data?: unknown): WorkloadView {
  return data === undefined || data === null ? { name: w.name, type: w.type, state, message } : { name: w.name, type: w.type, state, message, data };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
