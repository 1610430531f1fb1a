// A small tfchain: node contracts with the deployment hash they pay for, cancellation, the grace
// period of an empty wallet (14 days, then deletion), and events nodes hear while they are on.
// Leaves out billing amounts, name and rent contracts, twins' keys and signatures.

import { hash } from 'node:crypto';
import { SimulationError } from '../errors.js';
import { canonicalJson } from './canonical-json.js';
import type { Scheduler } from '../engine/events.js';
import type { Deployment } from './deployment.js';

export type ContractState = 'created' | 'grace' | 'deleted';

export interface NodeContract {
  readonly id: number;
  readonly twinId: number;
  readonly node: number;
  deploymentHash: string;
  state: ContractState;
  /** Why it was deleted: 'cancelled by user' or 'out of funds'. */
  deletedReason: string;
}

export type ChainEventKind = 'cancelled' | 'grace' | 'restored';
export type ChainListener = (kind: ChainEventKind, contract: NodeContract) => void;

/** DOMAIN.md 5.5: a contract stays in grace for 14 days before the chain deletes it. */
export const gracePeriodS = 14 * 86_400;

/**
 * The hash a node compares with its contract's: SHA-256 of the deployment's canonical JSON with the
 * fields zos leaves out of the challenge (contract id, results) removed. Not zos's exact byte format.
 */
export function deploymentHash(doc: Deployment): string {
  let known = hashes.get(doc);
  if (known === undefined) {
    const workloads = doc.workloads.map(({ result: _result, ...rest }) => rest);
    // The one-shot hash: a Hash object per document cost more than the digest of its few hundred bytes.
    known = hash('sha256', canonicalJson({ ...doc, contract_id: 0, workloads })!, 'hex');
    hashes.set(doc, known);
  }
  return known;
}

/**
 * Hashes taken, by document object. A node checks its stored document at every job and every boot
 * re-run, and a create hashes the same document twice (the contract, then the node's check): on a
 * simulated year that was a few percent of the CPU. Documents are not changed in place once sent
 * (updates send new ones), which is what keying on the object assumes.
 */
const hashes = new WeakMap<Deployment, string>();

/** The document as sent to the node under its contract: its hash is the original's, the id being left out. */
export function withContractId(doc: Deployment, contractId: number): Deployment {
  const sent = { ...doc, contract_id: contractId };
  const known = hashes.get(doc);
  if (known !== undefined) hashes.set(sent, known);
  return sent;
}

export class Chain {
  private readonly contracts = new Map<number, NodeContract>();
  /** The same contracts by twin, in creation order: a wallet change touches its twin's contracts only. */
  private readonly byTwin = new Map<number, NodeContract[]>();
  private readonly listeners: ChainListener[] = [];
  private readonly graceTimers = new Map<number, number>();
  private nextId = 1;

  constructor(private readonly sim: Scheduler) {}

  createNodeContract(twinId: number, node: number, doc: Deployment): NodeContract {
    const contract: NodeContract = { id: this.nextId++, twinId, node, deploymentHash: deploymentHash(doc), state: 'created', deletedReason: '' };
    this.contracts.set(contract.id, contract);
    let owned = this.byTwin.get(twinId);
    if (owned === undefined) this.byTwin.set(twinId, (owned = []));
    owned.push(contract);
    return contract;
  }

  get(id: number): NodeContract | undefined {
    return this.contracts.get(id);
  }

  /** The client updates the hash before it sends an updated deployment. */
  updateHash(id: number, doc: Deployment): void {
    this.live(id).deploymentHash = deploymentHash(doc);
  }

  cancel(id: number): void {
    this.delete(this.live(id), 'cancelled by user');
  }

  /** The twin's wallet ran dry (grace) or was topped up (restored) for every contract it owns. */
  setFunded(twinId: number, funded: boolean): void {
    for (const contract of this.byTwin.get(twinId) ?? []) {
      if (contract.state === 'deleted') continue;
      if (!funded && contract.state === 'created') this.enterGrace(contract);
      if (funded && contract.state === 'grace') this.restore(contract);
    }
  }

  /** Active means the node should keep the deployment: created or in grace. */
  isActive(id: number): boolean {
    const state = this.contracts.get(id)?.state;
    return state === 'created' || state === 'grace';
  }

  on(listener: ChainListener): void {
    this.listeners.push(listener);
  }

  private enterGrace(contract: NodeContract): void {
    contract.state = 'grace';
    this.graceTimers.set(contract.id, this.sim.schedule(gracePeriodS, () => this.delete(contract, 'out of funds')));
    this.emit('grace', contract);
  }

  private restore(contract: NodeContract): void {
    contract.state = 'created';
    const timer = this.graceTimers.get(contract.id);
    if (timer !== undefined) this.sim.cancel(timer);
    this.graceTimers.delete(contract.id);
    this.emit('restored', contract);
  }

  private delete(contract: NodeContract, reason: string): void {
    if (contract.state === 'deleted') return;
    const timer = this.graceTimers.get(contract.id);
    if (timer !== undefined) this.sim.cancel(timer);
    this.graceTimers.delete(contract.id);
    contract.state = 'deleted';
    contract.deletedReason = reason;
    this.emit('cancelled', contract);
  }

  private live(id: number): NodeContract {
    const contract = this.contracts.get(id);
    if (contract === undefined || contract.state === 'deleted') throw new SimulationError(`contract ${id} is not active`);
    return contract;
  }

  private emit(kind: ChainEventKind, contract: NodeContract): void {
    for (const listener of this.listeners) listener(kind, contract);
  }
}
