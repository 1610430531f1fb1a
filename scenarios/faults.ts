// Turns fault data into simulation events: timed crashes, reboots, disk and hub faults, random processes
// (FailureModel, sampled lazily). Every one acts through the run's FaultInjector (ctx.inject), never on
// the World directly. Network faults (link cuts, real partitions, root loss) are network-faults.ts's.

import { exponentialFromAfr, FailureModel, type CorrelatedFailures } from '../sim/hardware/failures.js';
import { attachFailures, type NodeFaultTarget } from '../sim/grid/node-failures.js';
import type { Grid } from '../sim/grid/grid.js';
import type { CompiledFault } from './compiled.js';
import { startNetworkFaults } from './network-faults.js';
import type { RunContext } from './run-context.js';

export interface FaultStats {
  readonly nodes: FailureModel;
}

/** Arms every fault; at the start of the liveness phase stops them all and heals what they broke. */
export function startFaults(ctx: RunContext): FaultStats {
  const { world } = ctx;
  const { grid, sim } = world;
  const faults = ctx.scenario.faults;
  const independent = faults.find((f) => f.kind === 'node-failures');
  const correlated: CorrelatedFailures[] = faults.flatMap((f, i) =>
    f.kind === 'correlated'
      ? [{ intervalS: f.interval, durationS: f.duration, fraction: f.fraction, label: `correlated-${i}`, ...(f.nodes === undefined ? {} : { hostIndices: f.nodes }) }]
      : [],
  );
  // One model owns every node crash, timed or random, so a random repair never boots a node that a
  // timed fault still holds down: the model keeps the later of the two repair times.
  const nodes = attachFailures(sim, nodeFaults(ctx), {
    rng: ctx.rng('faults.nodes'),
    ...(independent?.kind === 'node-failures' ? { independent: { timeToFailureS: independent.timeToFailure, timeToRepairS: independent.timeToRepair } } : {}),
    correlated,
  });
  for (const fault of faults) timed(ctx, nodes, fault);
  startNetworkFaults(ctx, nodes);
  const disks = faults.flatMap((f) => (f.kind === 'disk-failures' ? [diskFailures(ctx, f)] : []));
  ctx.whenLiveness(() => {
    nodes.stop();
    for (const model of disks) model.stop();
    ctx.inject((f) => f.setHub(true));
    for (let node = 0; node < grid.nodeCount; node++) if (!grid.isOn(node)) ctx.inject((f) => f.repair(node));
  });
  return { nodes };
}

/** The failure model's hands: crashes and repairs through the injector (sim/ cannot import it). */
function nodeFaults(ctx: RunContext): NodeFaultTarget {
  return {
    nodeCount: ctx.world.grid.nodeCount,
    crash: (node) => ctx.inject((f) => f.crash(node)),
    repair: (node) => ctx.inject((f) => f.repair(node)),
  };
}

function timed(ctx: RunContext, nodes: FailureModel, fault: CompiledFault): void {
  const { world } = ctx;
  switch (fault.kind) {
    case 'crash':
      ctx.atSafety(fault.atS, () => {
        const hosts = fault.nodes ?? ctx.group(fault.group!).slice(0, 1).map((i) => i.node);
        nodes.failHosts(hosts, fault.repairAfterS ?? Infinity, 'crash');
      });
      return;
    case 'reboot':
      ctx.atSafety(fault.atS, () => ctx.inject((f) => f.reboot(fault.node)));
      return;
    case 'fail-ssd':
      ctx.atSafety(fault.atS, () => {
        if (fault.group === undefined) return ctx.inject((f) => f.failDisk(fault.node, 'ssd', fault.pool));
        for (const inst of ctx.group(fault.group).slice(0, 1)) {
          const disk = world.storage.vdisk(`${inst.doc.twin_id}-${inst.contractId}-disk`);
          ctx.inject((f) => f.failDisk(inst.node, 'ssd', disk?.pool ?? fault.pool));
        }
      });
      return;
    case 'fail-hdd':
      ctx.atSafety(fault.atS, () => ctx.inject((f) => f.failDisk(fault.node, 'hdd', fault.disk)));
      return;
    case 'fail-zdb':
      ctx.atSafety(fault.atS, () => {
        const inst = ctx.group(fault.group)[fault.index];
        const placement = inst === undefined ? undefined : world.storage.zdb(`${inst.doc.twin_id}-${inst.contractId}-db`);
        if (placement !== undefined) ctx.inject((f) => f.failDisk(placement.node, 'hdd', placement.disk));
      });
      return;
    case 'hub-outage':
      ctx.atSafety(fault.atS, () => ctx.inject((f) => f.setHub(false)));
      if (fault.durationS !== undefined) ctx.atSafety(fault.atS + fault.durationS, () => ctx.inject((f) => f.setHub(true)));
      return;
    default:
      return;
  }
}

/**
 * Field disk failures over every disk slot of the grid: one FailureModel per kind, each slot an
 * exponential clock (memoryless, so one draw per slot up front is exact), no per-disk events. A failed
 * slot's device model fails; the replacement only renews the slot's clock, because the grid has no
 * disk-replacement operation yet and the failed device stays failed.
 */
function diskFailures(ctx: RunContext, fault: Extract<CompiledFault, { kind: 'disk-failures' }>): { stop(): void } {
  const { grid, sim } = ctx.world;
  const models: FailureModel[] = [];
  for (const kind of ['hdd', 'ssd'] as const) {
    const afr = kind === 'hdd' ? fault.hddAfr : fault.ssdAfr;
    const slots = slotCount(grid, kind);
    if (afr === 0 || slots === 0) continue;
    const ttf = exponentialFromAfr(afr);
    const startS = sim.nowS;
    const model = new FailureModel(sim, { hostCount: slots, rng: ctx.rng(`faults.${kind}`), independent: { timeToFailureS: ttf, timeToRepairS: fault.replaceAfter, label: `${kind}-afr` } }, {
      onFail: (slot) => {
        ctx.diskFailures++;
        ctx.count(`${kind}-failure`);
        const { node, index } = slotOwner(grid, kind, slot);
        // An SSD's VMs on its vdisks crash-loop as in DOMAIN 5.1; a failed disk stays as it is (the injector's rule).
        ctx.inject((f) => f.failDisk(node, kind, index, 'afr'));
      },
      onRepair: () => {},
    });
    model.start();
    models.push(model);
    // Expected failures for the AFR check: slots × years × λ (λ = −ln(1 − AFR) per year). Slots waiting
    // for a replacement are not exposed; at days out of a year that is well inside the check's tolerance.
    ctx.diskExposure.push({ slots, startS, ratePerYear: -Math.log1p(-afr) });
  }
  return { stop: () => models.forEach((m) => m.stop()) };
}

function slotCount(grid: Grid, kind: 'hdd' | 'ssd'): number {
  const last = grid.nodeCount - 1;
  const t = grid.table;
  return kind === 'hdd' ? t.hddStart[last]! + t.hddCount(last) : t.ssdStart[last]! + t.ssdCount(last);
}

/** The node owning a flat slot: the last node whose first slot is ≤ it (binary search). */
function slotOwner(grid: Grid, kind: 'hdd' | 'ssd', slot: number): { node: number; index: number } {
  const start = kind === 'hdd' ? grid.table.hddStart : grid.table.ssdStart;
  let lo = 0;
  let hi = grid.nodeCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (start[mid]! <= slot) lo = mid;
    else hi = mid - 1;
  }
  return { node: lo, index: slot - start[lo]! };
}
