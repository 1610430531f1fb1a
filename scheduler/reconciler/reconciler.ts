// The self-healing controller: desired state (every observed deployment keeps running) against observed
// state (nodes up or down). Leaves out timers: whoever drives it calls tick(nowS) and reports results.

import type { Deployment, DeploymentCreate, DeploymentRef, Operation, OperationResult } from '../../workers/operations.js';
import type { Placement } from '../placement/capacity-record.js';
import { deploymentNeeds } from '../placement/deployment-needs.js';
import {
  compileReconcilerOptions,
  type AuditEntry,
  type AuditReason,
  type CompiledReconcilerOptions,
  type DeploymentObservation,
  type Observation,
  type Placer,
  type ReconcilerOptions,
  type Submit,
} from './reconciler-types.js';
import { ContractsByNode } from './contracts-by-node.js';
import { allDeleted, freshCopy, meshOnly } from './deployment-rules.js';
import { zstorRepairOps } from './repair-hooks.js';
import { ZNetHealer } from './znet-healer.js';

interface Tracked {
  obs: DeploymentObservation;
  failures: number;
  nextAttemptS: number;
  holdUntilS: number;
}

interface NodeState {
  up: boolean;
  sinceS: number;
  /** The repair hooks ran for this down episode; they run once per episode, not per tick. */
  lostHandled: boolean;
}

type InFlight =
  | { readonly kind: 'create'; readonly contractId: number; readonly placement: Placement; readonly deployment: Deployment }
  | { readonly kind: 'delete'; readonly contractId: number }
  | { readonly kind: 'znet'; readonly network: string };

/**
 * Pure given its inputs: the same observations, results and `nowS` readings give the same
 * operations and audit log. Outcomes come back through `onResult`, not through awaiting `submit`,
 * so a driver on the simulation clock never waits on work that needs the clock to advance.
 */
export class Reconciler {
  private readonly options: CompiledReconcilerOptions;
  private readonly nodes = new Map<number, NodeState>();
  private readonly tracked = new Map<number, Tracked>();
  /** The tracked contracts by node: a lost node's contracts without a scan of them all. */
  private readonly byNode = new ContractsByNode();
  /** Tracked contracts that run a qsfs: the only ones a lost zdb namespace can ask to repair. */
  private readonly qsfsTracked = new Set<number>();
  /** Nodes last observed down. */
  private readonly downNodes = new Set<number>();
  /**
   * Down nodes a tick may still act on: not yet handled as lost, or holding tracked contracts. A node
   * whose loss was handled and whose contracts all moved leaves it, so a tick costs what is left to do.
   */
  private readonly pending = new Set<number>();
  /** Contracts this controller replaced: late observations of them must not bring them back. */
  private readonly retired = new Set<number>();
  private readonly inFlight = new Map<string, InFlight>();
  private readonly busy = new Set<number>();
  private readonly actionTimesS: number[] = [];
  /** The audit entries kept: all of them, unless the driver drops the old ones (dropAuditBefore). */
  private log: AuditEntry[] = [];
  /** Entries dropped from the front of the log: the first kept one is entry number `dropped`. */
  private dropped = 0;
  private readonly znets: ZNetHealer;
  private seq = 0;

  constructor(
    private readonly submit: Submit,
    private readonly placer: Placer,
    options: ReconcilerOptions = {},
  ) {
    this.options = compileReconcilerOptions(options);
    this.znets = new ZNetHealer(this.options.backoffBaseS, this.options.backoffMaxS, this.options.maxAttempts);
  }

  /** The audit entries kept, oldest first (every entry unless dropAuditBefore was called). */
  get auditLog(): readonly AuditEntry[] {
    return this.log;
  }

  /** Audit entries written so far, kept or not. */
  get auditCount(): number {
    return this.dropped + this.log.length;
  }

  /** Entry number `n` (from 0), if still kept. */
  auditEntry(n: number): AuditEntry | undefined {
    return this.log[n - this.dropped];
  }

  /** Drops the entries numbered below `n`: a long run keeps its newest entries and counts the rest. */
  dropAuditBefore(n: number): void {
    const drop = n - this.dropped;
    // Amortised: the array is cut once the dead prefix is as long as what is kept.
    if (drop < 1024 || drop * 2 < this.log.length) return;
    this.log = this.log.slice(drop);
    this.dropped = n;
  }

  /** The entries from number `start` on (what one call added). */
  private auditSince(start: number): readonly AuditEntry[] {
    return this.log.slice(start - this.dropped);
  }

  /** Whether any tracked contract runs on `node` (one the reconciler might move). */
  holdsOn(node: number): boolean {
    return this.byNode.on(node).size > 0;
  }

  /** Operations submitted whose result has not been reported yet. */
  get pendingOps(): number {
    return this.inFlight.size;
  }

  observe(o: Observation): void {
    if (o.kind === 'node') {
      const prev = this.nodes.get(o.node);
      const lostHandled = prev !== undefined && !prev.up && !o.up ? prev.lostHandled : false;
      // Updated in place: every step observes the nodes it reads, most of them as they were.
      if (prev === undefined) this.nodes.set(o.node, { up: o.up, sinceS: o.sinceS, lostHandled });
      else {
        prev.up = o.up;
        prev.sinceS = o.sinceS;
        prev.lostHandled = lostHandled;
      }
      if (o.up) {
        this.downNodes.delete(o.node);
        this.pending.delete(o.node);
      } else {
        this.downNodes.add(o.node);
        this.pending.add(o.node);
      }
      this.placer.setUp(o.node, o.up);
    } else if (o.kind === 'znet') {
      this.znets.observe(o);
    } else if (o.kind === 'deployment') {
      if (this.retired.has(o.contractId)) return;
      const t = this.tracked.get(o.contractId);
      if (t === undefined) this.track(o.contractId, { obs: o, failures: 0, nextAttemptS: 0, holdUntilS: 0 });
      else {
        t.obs = o;
        this.indexTracked(o.contractId, o);
      }
    } else {
      this.untrack(o.contractId);
      // Gone for good: the driver reads it no more, so no late observation can bring it back, and a
      // long run need not hold every contract it ever replaced.
      this.retired.delete(o.contractId);
    }
  }

  /** One control step at `nowS`; returns the audit entries it added. */
  tick(nowS: number): readonly AuditEntry[] {
    const start = this.auditCount;
    const lost = this.lostNodes(nowS);
    for (const node of lost) this.onNodeLost(node, nowS);
    for (const network of this.znets.due({ has: (node) => this.isLost(node, nowS) }, nowS)) this.reapplyZNet(network, nowS);
    // Not yet here: re-pointing gateways. A gateway deployment on a lost node moves like any other,
    // but placement does not yet ask for a node with a public config (the proxy fails elsewhere and is
    // retried with backoff), and a gateway whose backend moved keeps the old address: zos gateways
    // are not updatable (DOMAIN 2.4), so that needs a deployment.update replacing the workload.
    while (this.actionTimesS.length > 0 && this.actionTimesS[0]! <= nowS - this.options.rateIntervalS) this.actionTimesS.shift();
    const due = lost
      .flatMap((node) => this.trackedOn(node))
      .filter(([id, t]) => this.mayMove(id, t) && nowS >= t.nextAttemptS && nowS >= t.holdUntilS)
      .sort((a, b) => a[0] - b[0]);
    for (const node of lost) if (this.byNode.on(node).size === 0) this.pending.delete(node);
    for (const [contractId, t] of due) {
      // Rate limit: a burst of lost nodes moves at most this many deployments per window; the rest
      // wait for a later tick rather than stampede the remaining nodes.
      if (this.actionTimesS.length >= this.options.maxActionsPerInterval) break;
      this.replace(contractId, t, nowS);
    }
    return this.auditSince(start);
  }

  /**
   * The earliest instant at which a tick may move a deployment (one on a down node, once the node
   * counts as lost, its backoff and its hold-down have passed), or undefined when none is waiting:
   * a driver may stop ticking then until an observation changes. Rate limits are left out: a
   * deployment they hold is already due, and a later tick moves it.
   */
  nextActionS(): number | undefined {
    const downSinceS = (node: number): number | undefined => {
      const s = this.nodes.get(node);
      return s === undefined || s.up ? undefined : s.sinceS;
    };
    let next = this.znets.nextActionS(downSinceS, this.options.downThresholdS);
    // Read in place, without trackedOn's pairs: a driver asks this at every step and every arm.
    for (const down of this.pending) {
      const node = this.nodes.get(down)!;
      for (const id of this.byNode.on(down)) {
        const t = this.tracked.get(id)!;
        if (!this.mayMove(id, t)) continue;
        const atS = Math.max(node.sinceS + this.options.downThresholdS, t.nextAttemptS, t.holdUntilS);
        if (next === undefined || atS < next) next = atS;
      }
    }
    return next;
  }

  /**
   * Until this instant (exclusive) a tick with no new observation or result does nothing at all: it
   * moves nothing (nextActionS), handles no newly lost node (a down node not yet handled counts once
   * it has been down downThresholdS) and re-applies no Z-Net. With any Z-Net known it is the past,
   * since their re-applies depend on what each step observes. A driver may skip such ticks.
   */
  quietUntilS(): number {
    if (this.znets.size > 0) return -Infinity;
    let until = this.nextActionS() ?? Infinity;
    for (const node of this.pending) {
      const s = this.nodes.get(node)!;
      if (!s.lostHandled) until = Math.min(until, s.sinceS + this.options.downThresholdS);
    }
    return until;
  }

  /** The driver reports an operation's outcome; returns the audit entries it added. */
  onResult(opId: string, result: OperationResult, nowS: number): readonly AuditEntry[] {
    const start = this.auditCount;
    const job = this.inFlight.get(opId);
    if (job === undefined) return [];
    this.inFlight.delete(opId);
    if (job.kind === 'znet') {
      this.onZNetResult(job.network, result, nowS);
      return this.auditSince(start);
    }
    if (job.kind === 'delete') {
      const ok = result.state === 'ok';
      this.audit(nowS, ok ? 'delete-done' : 'delete-failed', ok ? 'old contract deleted' : `delete failed: ${result.error?.message ?? 'unknown'}`, [], job.contractId);
      return this.auditSince(start);
    }
    this.busy.delete(job.contractId);
    const value = result.value as { contractId?: unknown } | undefined;
    const newContract = typeof value?.contractId === 'number' ? value.contractId : undefined;
    if (result.state !== 'ok') {
      this.placer.release(job.placement);
      this.fail(job.contractId, nowS, 'create-failed', result.error?.message ?? 'create failed');
      // A create can fail after its contract exists (a workload went to error): cancel that copy so
      // failed attempts do not pile up contracts on the grid.
      if (newContract !== undefined) {
        const cleanup: DeploymentRef = { kind: 'deployment.delete', id: this.nextId(), contractId: newContract, idempotencyKey: `heal-delete:${newContract}` };
        const sent = this.send(cleanup, { kind: 'delete', contractId: newContract });
        this.audit(nowS, sent ? 'cleanup' : 'delete-failed', `cancel the failed copy, contract ${newContract}`, [cleanup], newContract);
      }
      return this.auditSince(start);
    }
    // The replacement runs: only now is the old contract given up (never before a copy exists).
    this.untrack(job.contractId);
    this.retired.add(job.contractId);
    if (newContract !== undefined) {
      const obs: DeploymentObservation = { kind: 'deployment', contractId: newContract, node: job.placement.node, deployment: job.deployment };
      this.track(newContract, { obs, failures: 0, nextAttemptS: 0, holdUntilS: nowS + this.options.holdDownS });
    }
    const del: DeploymentRef = { kind: 'deployment.delete', id: this.nextId(), contractId: job.contractId, idempotencyKey: `heal-delete:${job.contractId}` };
    const detail = `now contract ${newContract ?? '?'} on node ${job.placement.node}`;
    const moved = newContract === undefined ? {} : { toContractId: newContract };
    if (this.send(del, { kind: 'delete', contractId: job.contractId })) this.audit(nowS, 'replaced', detail, [del], job.contractId, job.placement.node, undefined, moved);
    else this.audit(nowS, 'delete-failed', `${detail}; submitting the delete failed`, [del], job.contractId, job.placement.node, undefined, moved);
    return this.auditSince(start);
  }

  /**
   * Not being moved already, still running something, not given up after too many failures, and not
   * a mere piece of a Z-Net's mesh: a network workload belongs to its node (its subnet, its peers), so
   * a copy elsewhere would clash with that node's own piece; the Z-Net is healed by re-applying it.
   */
  private mayMove(contractId: number, t: Tracked): boolean {
    return !this.busy.has(contractId) && !allDeleted(t.obs) && t.failures < this.options.maxAttempts && !meshOnly(t.obs.deployment);
  }

  /** The pending nodes down past the threshold, ascending (lost nodes already dealt with are not). */
  private lostNodes(nowS: number): number[] {
    const out: number[] = [];
    for (const node of this.pending) if (this.isLost(node, nowS)) out.push(node);
    return out.sort((a, b) => a - b);
  }

  private isLost(node: number, nowS: number): boolean {
    return this.downNodes.has(node) && nowS - this.nodes.get(node)!.sinceS >= this.options.downThresholdS;
  }

  /** The tracked contracts on `node` with what is known of them, in arrival order. */
  private trackedOn(node: number): [number, Tracked][] {
    const out: [number, Tracked][] = [];
    for (const id of this.byNode.on(node)) out.push([id, this.tracked.get(id)!]);
    return out;
  }

  private track(contractId: number, t: Tracked): void {
    this.tracked.set(contractId, t);
    this.indexTracked(contractId, t.obs);
  }

  private indexTracked(contractId: number, obs: DeploymentObservation): void {
    this.byNode.set(contractId, obs.node);
    if (this.downNodes.has(obs.node)) this.pending.add(obs.node);
    if (obs.deployment.workloads.some((w) => w.type === 'qsfs')) this.qsfsTracked.add(contractId);
    else this.qsfsTracked.delete(contractId);
  }

  private untrack(contractId: number): void {
    this.tracked.delete(contractId);
    this.byNode.delete(contractId);
    this.qsfsTracked.delete(contractId);
  }

  private onNodeLost(node: number, nowS: number): void {
    const s = this.nodes.get(node)!;
    if (s.lostHandled) return;
    s.lostHandled = true;
    // Checks are reads that let zstor rebuild; they are not rate-limited like re-placements, which
    // each reserve capacity and start a provisioning on another node. With no qsfs tracked, or nothing
    // on the node, there is nothing to check (most lost nodes of a year): the lists are not built.
    // The hook looks for qsfs workloads among the deployments it is given: those that run one are enough.
    const repairs = this.qsfsTracked.size === 0 || !this.holdsOn(node) ? [] : zstorRepairOps(this.observationsOn(node), this.observationsOn(undefined));
    const ops = repairs.map((op) => ({ ...op, id: this.nextId() }));
    for (const op of ops) this.send(op, undefined);
    this.audit(nowS, ops.length > 0 ? 'zstor-repair' : 'node-lost', `node ${node} down since ${s.sinceS} s`, ops, undefined, node);
  }

  /** The tracked deployments on `node` (with undefined, those running a qsfs), by contract id. */
  private observationsOn(node: number | undefined): DeploymentObservation[] {
    const ids = node === undefined ? this.qsfsTracked : this.byNode.on(node);
    const out: DeploymentObservation[] = [];
    for (const id of ids) out.push(this.tracked.get(id)!.obs);
    return out.sort((a, b) => a.contractId - b.contractId);
  }

  /** Not rate-limited: a re-apply moves no workload and reserves nothing; without it hidden members stay cut off. */
  private reapplyZNet(network: string, nowS: number): void {
    const op: Operation = { kind: 'znet.reapply', id: this.nextId(), network };
    if (!this.send(op, { kind: 'znet', network })) {
      this.onZNetResult(network, { state: 'failed', error: { code: 'E_SUBMIT', message: 'submit rejected the re-apply', retryable: true } }, nowS);
      return;
    }
    this.znets.started(network);
    this.audit(nowS, 'znet-reapply', `${network}: access node lost; re-apply through another public member`, [op], undefined, undefined, network);
  }

  private onZNetResult(network: string, result: OperationResult, nowS: number): void {
    const failure = this.znets.ended(network, result.state === 'ok', nowS);
    if (failure === undefined) return;
    const why = `${network}: ${result.error?.message ?? 'failed'}`;
    if (!failure.gaveUp) return this.audit(nowS, 'znet-reapply-failed', `${why}; retry after ${failure.waitS} s`, [], undefined, undefined, network);
    this.audit(nowS, 'znet-reapply-failed', why, [], undefined, undefined, network);
    this.audit(nowS, 'gave-up', `${network}: ${failure.failures} failed re-applies; not tried again until its access node changes`, [], undefined, undefined, network);
  }

  private replace(contractId: number, t: Tracked, nowS: number): void {
    const needs = deploymentNeeds(t.obs.deployment);
    const placement = this.placer.place({ ...needs, excludeNodes: [t.obs.node, ...this.options.excludeNodesFor(t.obs.deployment)] });
    if (placement === undefined) {
      this.fail(contractId, nowS, 'no-capacity', `no node fits contract ${contractId}`);
      return;
    }
    this.placer.reserve(placement);
    const deployment = freshCopy(t.obs.deployment);
    const op: DeploymentCreate = {
      kind: 'deployment.create',
      id: this.nextId(),
      node: placement.node,
      deployment,
      idempotencyKey: `heal:${contractId}:${t.failures}`,
    };
    if (!this.send(op, { kind: 'create', contractId, placement, deployment })) {
      this.placer.release(placement);
      this.fail(contractId, nowS, 'submit-failed', `submit rejected the create for contract ${contractId}`);
      return;
    }
    this.busy.add(contractId);
    this.actionTimesS.push(nowS);
    this.audit(nowS, 'replace', `node ${t.obs.node} lost; moving to node ${placement.node}`, [op], contractId, placement.node);
  }

  /** Submits; a synchronous throw is a failed attempt. Tracks the op when a result is expected. */
  private send(op: Operation, job: InFlight | undefined): boolean {
    try {
      this.submit(op);
    } catch {
      return false;
    }
    if (job !== undefined) this.inFlight.set(op.id!, job);
    return true;
  }

  private fail(contractId: number, nowS: number, reason: AuditReason, detail: string): void {
    const t = this.tracked.get(contractId);
    if (t !== undefined) {
      t.failures++;
      if (t.failures >= this.options.maxAttempts) {
        this.audit(nowS, reason, detail, [], contractId);
        this.audit(nowS, 'gave-up', `contract ${contractId}: ${t.failures} failed attempts; not moved again`, [], contractId);
        return;
      }
      const waitS = Math.min(this.options.backoffMaxS, this.options.backoffBaseS * 2 ** (t.failures - 1));
      t.nextAttemptS = nowS + waitS;
      detail = `${detail}; retry after ${waitS} s`;
    }
    this.audit(nowS, reason, detail, [], contractId);
  }

  private audit(atS: number, reason: AuditReason, detail: string, ops: readonly Operation[], contractId?: number, node?: number, network?: string, moved: { toContractId?: number } = {}): void {
    this.log.push({ atS, reason, detail, ops, ...(contractId === undefined ? {} : { contractId }), ...(node === undefined ? {} : { node }), ...(network === undefined ? {} : { network }), ...moved });
  }

  private nextId(): string {
    return `reconciler-${++this.seq}`;
  }
}
