// Drives a scenario's workload groups as a client of the scheduler: arrivals at their times become
// deployment.create operations (placed by the scheduler's capacity index unless the group names a
// node), client actions become deployment.update/delete operations, and qsfs writes zstor.store ones.
// A tampering client (DOMAIN 5.6) bypasses the scheduler on purpose: that is the harness misbehaving.

import type { JobEvent } from '../scheduler/transport.js';
import { ErrorCode } from '../workers/errors.js';
import type { Operation, OperationResult } from '../workers/operations.js';
import { deploymentFor, updatedDocument } from './deployments.js';
import type { CompiledGroup } from './compiled.js';
import { NodeGroupPicker } from './node-groups.js';
import type { RunContext } from './run-context.js';

export function startWorkload(ctx: RunContext): void {
  const results = new JobResults(ctx, new NodeGroupPicker(ctx.world, ctx.scenario.grid));
  for (const group of ctx.scenario.workload) {
    const rng = ctx.rng(`workload.${group.name}`);
    let index = 0;
    const arrive = (): void => {
      if (group.interval === undefined) {
        while (index < group.count) deployOne(ctx, results, group, index++);
        return;
      }
      deployOne(ctx, results, group, index++);
      if (index < group.count) ctx.atSafety(ctx.world.sim.nowS + group.interval.sample(rng), arrive);
    };
    ctx.atSafety(group.atS, arrive);
  }
  startActions(ctx, results);
}

/** Operations the workload submitted, by job id, and what to do with each one's final result. */
class JobResults {
  private readonly pending = new Map<string, (result: OperationResult) => void>();

  constructor(
    private readonly ctx: RunContext,
    /** tfrobot's node groups: the nodes the client picked for each. */
    readonly nodeGroups: NodeGroupPicker,
  ) {
    ctx.testbed.on((event: JobEvent) => {
      if (event.kind !== 'completed' && event.kind !== 'failed') return;
      const then = this.pending.get(event.id);
      if (then === undefined) return;
      this.pending.delete(event.id);
      then(event.result ?? { state: 'failed' });
    });
  }

  /** Submits `op`; `then` hears its final result. A refused submission is a bug of the harness: it stops the run. */
  submit(op: Operation, then: (result: OperationResult) => void): void {
    this.ctx.testbed.submit(op).then(
      (handle) => {
        // An operation that failed before it became a job (no node fits) has already reported.
        const done = this.ctx.testbed.unplacedResult(handle.id);
        if (done === undefined) this.pending.set(handle.id, then);
        else then(done);
      },
      (error: unknown) => this.ctx.fail(error),
    );
  }
}

/** What a vm-pair's memory fraction is of: its node's memory, or node 0's when the scheduler is to place it. */
function memoryBasisBytes(ctx: RunContext, group: CompiledGroup): number {
  return ctx.world.grid.total(group.node ?? 0).mruBytes;
}

/**
 * A deployment no node fits now (all down, or full) is asked for again this much later while the
 * safety phase lasts, as a client retries; it counts as unplaced until it is placed.
 */
const placementRetryS = 600;

function deployOne(ctx: RunContext, results: JobResults, group: CompiledGroup, index: number, retry = false): void {
  const { world } = ctx;
  const backends = group.backends === undefined ? [] : ctx.group(group.backends).map((b) => ({ node: b.node, farm: world.grid.farmOf(b.node), namespace: `${b.doc.twin_id}-${b.contractId}-db` }));
  const doc = deploymentFor(group, index, memoryBasisBytes(ctx, group), backends);
  if (group.tamper !== undefined) return tamperedDeploy(ctx, group, index, doc);
  const node = group.nodeGroup === undefined ? group.node : results.nodeGroups.next(group.nodeGroup);
  // tfrobot found fewer nodes than its node group asks for: it fails the group, deploying nothing.
  if (group.nodeGroup !== undefined && node === undefined) return retry ? undefined : ctx.noteUnplaced(group.name, +1);
  const op: Operation = { kind: 'deployment.create', deployment: doc, ...(node === undefined ? spreadOf(group) : { node }) };
  results.submit(op, (result) => {
    const contractId = (result.value as { contractId?: unknown } | undefined)?.contractId;
    if (typeof contractId !== 'number') {
      // No contract: no node fitted (E_CAPACITY), or the node refused the document at once.
      if (!retry) ctx.noteUnplaced(group.name, +1);
      if (result.error?.code === ErrorCode.capacity) ctx.atSafety(ctx.world.sim.nowS + placementRetryS, () => deployOne(ctx, results, group, index, true));
      return;
    }
    if (retry) ctx.noteUnplaced(group.name, -1);
    ctx.add({ group: group.name, index, node: world.chain.get(contractId)!.node, contractId, replacements: 0, doc: { ...doc, contract_id: contractId }, tampered: false, cancelled: false });
    if (group.kind === 'qsfs' && group.writeEvery !== undefined) startWrites(ctx, results, group, `${doc.twin_id}-${contractId}-fs`);
  });
}

/**
 * A small group's instances go to distinct nodes, as a client spreads replicas or zstor backends; a
 * fleet (thousands of arrivals) is left to the capacity index, since excluding every node it already
 * holds would make each placement cost the group's size.
 */
const spreadGroupMax = 64;

function spreadOf(group: CompiledGroup): { spreadGroup?: string } {
  return group.count <= spreadGroupMax ? { spreadGroup: group.name } : {};
}

/** DOMAIN 5.6: the RMB call is accepted; the node's check against the chain fails later. */
function tamperedDeploy(ctx: RunContext, group: CompiledGroup, index: number, doc: ReturnType<typeof deploymentFor>): void {
  const { world } = ctx;
  const node = group.node ?? 0;
  const other = (node + 1) % world.grid.nodeCount;
  const contractId =
    group.tamper === 'no-contract' ? 900_000 + ctx.instances.length : world.chain.createNodeContract(doc.twin_id, group.tamper === 'wrong-node' ? other : node, doc).id;
  const sent = group.tamper === 'hash' ? { ...doc, description: 'not what was paid for' } : doc;
  world.provision.deploy(node, { ...sent, contract_id: contractId });
  ctx.add({ group: group.name, index, node, contractId, replacements: 0, doc: { ...doc, contract_id: contractId }, tampered: true, cancelled: false });
}

/** Files written through a qsfs frontend while it is up; each write is remembered with its frontend. */
function startWrites(ctx: RunContext, results: JobResults, group: CompiledGroup, workloadId: string): void {
  const rng = ctx.rng(`writes.${workloadId}`);
  let n = 0;
  const write = (): void => {
    const frontend = ctx.world.qsfs.instance(workloadId)?.frontend;
    if (frontend?.alive === true) {
      const path = `file${n++}`;
      ctx.writes.push({ workloadId, frontend, path, atS: ctx.world.sim.nowS });
      results.submit({ kind: 'zstor.store', qsfs: workloadId, path, sizeBytes: group.fileBytes }, () => {});
    }
    ctx.atSafety(ctx.world.sim.nowS + group.writeEvery!.sample(rng), write);
  };
  ctx.atSafety(ctx.world.sim.nowS + group.writeEvery!.sample(rng), write);
}

function startActions(ctx: RunContext, results: JobResults): void {
  const { world } = ctx;
  for (const action of ctx.scenario.actions) {
    switch (action.kind) {
      case 'cancel':
        ctx.atSafety(action.atS, () => {
          for (const inst of ctx.group(action.group)) {
            if (inst.cancelled || inst.tampered) continue;
            inst.cancelled = true;
            results.submit({ kind: 'deployment.delete', contractId: inst.contractId }, () => {});
          }
        });
        break;
      case 'unfund':
        // The twin's wallet is the client's, not the grid's: the harness empties and tops it up.
        ctx.atSafety(action.atS, () => world.chain.setFunded(action.twin, false));
        if (action.topUpAfterS !== undefined) ctx.atSafety(action.atS + action.topUpAfterS, () => world.chain.setFunded(action.twin, true));
        break;
      case 'update':
        ctx.atSafety(action.atS, () => {
          for (const inst of ctx.group(action.group)) {
            const next = updatedDocument(inst.doc, action.change);
            results.submit({ kind: 'deployment.update', contractId: inst.contractId, deployment: next }, (result) => {
              // A node that took the new version runs it, even where a workload stays unchanged (5.8);
              // only a refusal at once (no workload state to report) leaves the old version in place.
              if (result.state === 'ok' || result.error?.code === ErrorCode.workloadFailed) inst.doc = next;
              else inst.updateRefused = result.error?.message ?? 'refused';
            });
          }
        });
        break;
    }
  }
}
