// Drives a scenario's workload groups: arrivals at their times, placement on a random node that is
// on and has room, and the client actions (cancel, unfund, update). Leaves out client retries and rollback.

import { deploymentFor, demandOf, updatedDocument } from './deployments.js';
import type { CompiledGroup } from './compiled.js';
import type { RunContext } from './run-context.js';

/** Random placement tries this many nodes before it gives up on an instance (no O(N) scans). */
const placementTries = 32;

export function startWorkload(ctx: RunContext): void {
  for (const group of ctx.scenario.workload) {
    const rng = ctx.rng(`workload.${group.name}`);
    let index = 0;
    const arrive = (): void => {
      if (group.interval === undefined) {
        while (index < group.count) deployOne(ctx, group, index++);
        return;
      }
      deployOne(ctx, group, index++);
      if (index < group.count) ctx.atSafety(ctx.world.sim.nowS + group.interval.sample(rng), arrive);
    };
    ctx.atSafety(group.atS, arrive);
  }
  startActions(ctx);
}

function pickNode(ctx: RunContext, group: CompiledGroup): number {
  if (group.node !== undefined) return group.node;
  const { grid } = ctx.world;
  const rng = ctx.rng(`placement.${group.name}`);
  const need = demandOf(group);
  for (let i = 0; i < placementTries; i++) {
    const node = rng.int(0, grid.nodeCount);
    if (!grid.isOn(node)) continue;
    const free = grid.free(node);
    if (free.mruBytes >= need.memoryBytes && free.sruBytes >= need.ssdBytes && free.hruBytes >= need.hddBytes) return node;
  }
  return -1;
}

function deployOne(ctx: RunContext, group: CompiledGroup, index: number): void {
  const node = pickNode(ctx, group);
  if (node < 0) {
    ctx.unplaced++;
    return;
  }
  const { world } = ctx;
  const backends = group.backends === undefined ? [] : ctx.group(group.backends).map((b) => ({ node: b.node, farm: world.grid.farmOf(b.node), namespace: `${b.doc.twin_id}-${b.contractId}-db` }));
  const doc = deploymentFor(group, index, world.grid.total(node).mruBytes, backends);
  let contractId: number;
  if (group.tamper === undefined) {
    contractId = world.deploy(node, doc);
  } else {
    // DOMAIN 5.6: the RMB call is accepted; the job's chain check fails later.
    const other = (node + 1) % world.grid.nodeCount;
    if (group.tamper === 'no-contract') contractId = 900_000 + ctx.instances.length;
    else contractId = world.chain.createNodeContract(doc.twin_id, group.tamper === 'wrong-node' ? other : node, doc).id;
    const sent = group.tamper === 'hash' ? { ...doc, description: 'not what was paid for' } : doc;
    world.provision.deploy(node, { ...sent, contract_id: contractId });
  }
  ctx.add({ group: group.name, index, node, contractId, doc: { ...doc, contract_id: contractId }, tampered: group.tamper !== undefined, cancelled: false });
  if (group.kind === 'qsfs' && group.writeEvery !== undefined) startWrites(ctx, group, `${doc.twin_id}-${contractId}-fs`);
}

/** Files written through a qsfs frontend while it is up; each write is remembered with its frontend. */
function startWrites(ctx: RunContext, group: CompiledGroup, workloadId: string): void {
  const rng = ctx.rng(`writes.${workloadId}`);
  let n = 0;
  const write = (): void => {
    const frontend = ctx.world.qsfs.instance(workloadId)?.frontend;
    if (frontend?.alive === true) {
      const path = `file${n++}`;
      frontend.write(path, group.fileBytes);
      ctx.writes.push({ workloadId, frontend, path, atS: ctx.world.sim.nowS });
    }
    ctx.atSafety(ctx.world.sim.nowS + group.writeEvery!.sample(rng), write);
  };
  ctx.atSafety(ctx.world.sim.nowS + group.writeEvery!.sample(rng), write);
}

function startActions(ctx: RunContext): void {
  const { world } = ctx;
  for (const action of ctx.scenario.actions) {
    switch (action.kind) {
      case 'cancel':
        ctx.atSafety(action.atS, () => {
          for (const inst of ctx.group(action.group)) {
            if (inst.cancelled || inst.tampered) continue;
            inst.cancelled = true;
            world.cancel(inst.contractId);
          }
        });
        break;
      case 'unfund':
        ctx.atSafety(action.atS, () => world.chain.setFunded(action.twin, false));
        if (action.topUpAfterS !== undefined) ctx.atSafety(action.atS + action.topUpAfterS, () => world.chain.setFunded(action.twin, true));
        break;
      case 'update':
        ctx.atSafety(action.atS, () => {
          for (const inst of ctx.group(action.group)) {
            const next = updatedDocument(inst.doc, action.change);
            try {
              world.update(inst.node, next);
              inst.doc = next;
            } catch (err) {
              inst.updateRefused = (err as Error).message;
            }
          }
        });
        break;
    }
  }
}
