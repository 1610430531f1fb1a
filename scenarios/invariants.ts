// Invariant checkers: they live outside the models and only watch them (provision changes, power
// events, final states). Safety checkers run with faults on; liveness checkers poll once faults stop.

import { nodeStatus } from '../sim/grid/uptime.js';
import type { ZstorCluster } from '../sim/storage/zstor/cluster.js';
import type { CompiledInvariant } from './compiled.js';
import { networkChecker, partitionsAt } from './network-invariants.js';
import type { Checker } from './checker.js';
import type { RunContext } from './run-context.js';

export type { Checker } from './checker.js';

const terminal = new Set(['error', 'deleted']);

export function makeChecker(ctx: RunContext, inv: CompiledInvariant): Checker {
  const { world } = ctx;
  const safety = (check: () => string | null): Checker => ({ label: inv.label, phase: 'safety', check });
  const liveness = (check: () => string | null): Checker => ({ label: inv.label, phase: 'liveness', check });
  switch (inv.kind) {
    case 'workload-state':
      return timedSafety(ctx, inv.label, inv.atS, () => {
        const inst = ctx.group(inv.group)[0];
        if (inst === undefined) return `no instance of ${inv.group} was placed`;
        const status = world.provision.workloadState(inst.node, inst.contractId, inv.workload);
        if (status === undefined) return `${inv.workload} of contract ${inst.contractId} is not on node ${inst.node}`;
        if (status.state !== inv.state) return `${inv.workload} is ${status.state} (${status.message || 'no message'}), expected ${inv.state}`;
        if (inv.messageMatches !== undefined && !new RegExp(inv.messageMatches).test(status.message)) return `message "${status.message}" does not match /${inv.messageMatches}/`;
        return null;
      });
    case 'deployment-removed':
      return timedSafety(ctx, inv.label, inv.atS, () => {
        const still = ctx.group(inv.group).filter((i) => world.provision.deployment(i.node, i.contractId) !== undefined);
        return still.length === 0 ? null : `${still.length} deployment(s) still on their node (contract ${still[0]!.contractId})`;
      });
    case 'node-status':
      return timedSafety(ctx, inv.label, inv.atS, () => {
        const status = nodeStatus(world.grid.table, inv.node, world.sim.nowS);
        return status === inv.status ? null : `node ${inv.node} is ${status} at ${world.sim.nowS} s`;
      });
    case 'update-refused':
      return safety(() => {
        const insts = ctx.group(inv.group);
        const accepted = insts.filter((i) => i.updateRefused === undefined);
        return insts.length > 0 && accepted.length === 0 ? null : `${accepted.length} of ${insts.length} updates were accepted`;
      });
    case 'errors-terminal':
      return watchChanges(ctx, inv.label);
    case 'capacity-bounds':
      return capacityBounds(ctx, inv.label);
    case 'max-down-fraction':
      return maxDown(ctx, inv.label, inv.fraction);
    case 'disk-afr':
      return safety(() => {
        const years = (e: { startS: number }): number => (world.sim.nowS - e.startS) / (365.25 * 86_400);
        const expected = ctx.diskExposure.reduce((sum, e) => sum + e.slots * years(e) * e.ratePerYear, 0);
        const tolerance = 4 * Math.sqrt(Math.max(expected, 1));
        return Math.abs(ctx.diskFailures - expected) <= tolerance ? null : `${ctx.diskFailures} disk failures, expected ${expected.toFixed(1)} ± ${tolerance.toFixed(1)}`;
      });
    case 'zstor-no-loss':
      return safety(() => {
        const lost = clusters(ctx, inv.group).reduce((n, c) => n + c.lost.size, 0);
        return lost === 0 ? null : `${lost} object(s) lost`;
      });
    case 'zstor-redundant':
      return liveness(() => {
        for (const c of clusters(ctx, inv.group)) {
          for (const key of c.meta.keys()) if (!c.lost.has(key) && !c.fullyRedundant(key)) return `${key} not yet fully redundant`;
        }
        return null;
      });
    case 'qsfs-loss-window':
      return lossWindow(ctx, inv.label, inv.group, inv.windowS);
    case 'converged':
      return liveness(() => converged(ctx));
    case 'capacity-released':
      return capacityReleased(ctx, inv.label);
    case 'deployments-ok':
      return liveness(() => {
        const live = (inv.group === undefined ? ctx.instances : ctx.group(inv.group)).filter((i) => !i.tampered && world.chain.isActive(i.contractId));
        // A deployment the scheduler found no node for was asked for too: it counts, as not ok.
        const unplaced = inv.group === undefined ? ctx.unplaced : ctx.unplacedIn(inv.group);
        const asked = live.length + unplaced;
        if (asked === 0) return null;
        const ok = live.filter((i) => world.provision.deployment(i.node, i.contractId)?.workloads.every((w) => w.result?.state === 'ok') === true);
        const share = ok.length / asked;
        const without = unplaced === 0 ? '' : `, ${unplaced} never placed`;
        return share >= (inv.minFraction ?? 1) ? null : `${ok.length} of ${asked} deployments are entirely ok (${(100 * share).toFixed(1)} %${without})`;
      });
    case 'network-partitions':
      return timedSafety(ctx, inv.label, inv.atS, partitionsAt(ctx, inv.min ?? 1, inv.max));
    case 'planetary-delivery':
    case 'planetary-delivery-dips':
    case 'no-partition-at-end':
    case 'root-path-share':
      return networkChecker(ctx, inv);
  }
}

/**
 * Evaluated once at `atS` (default: the end of the safety phase); the first verdict stands. A time
 * past the end of a phase that --until shortened is not reached: it passes, with a note saying so.
 */
function timedSafety(ctx: RunContext, label: string, atS: number | undefined, evaluate: () => string | null): Checker {
  let verdict: string | null | undefined;
  let notReached = false;
  if (atS !== undefined) {
    ctx.world.sim.schedule(Math.max(0, atS - ctx.world.sim.nowS), () => {
      if (ctx.phase === 'safety') verdict ??= evaluate();
    });
  }
  const check = (): string | null => {
    if (verdict !== undefined) return verdict;
    if (atS !== undefined && atS > ctx.world.sim.nowS) {
      notReached = true;
      return (verdict = null);
    }
    return (verdict = evaluate());
  };
  return { label, phase: 'safety', check, note: () => (notReached ? `not reached: ${atS} s lies past the safety phase` : undefined) };
}

/** Node ids stay below this in a (node, contract) key: 2^21, above the million-node grids benched. */
const nodeKeySpan = 2 ** 21;

/**
 * Remembers only workloads whose last state is terminal: a change from any other state breaks
 * nothing, so keeping those (a string key per workload ever deployed, as before) cost memory and a
 * string per result on a long run for no check. Keyed by (node, contract) as one number, then name.
 */
function watchChanges(ctx: RunContext, label: string): Checker {
  const last = new Map<number, Map<string, string>>();
  let violation: string | null = null;
  ctx.world.provision.onChange((node, contractId, name, result) => {
    if (!(node < nodeKeySpan)) throw new RangeError(`errors-terminal: node ${node} is beyond the ${nodeKeySpan} nodes its keys hold`);
    const key = contractId * nodeKeySpan + node;
    const names = last.get(key);
    const before = names?.get(name);
    if (violation === null && before !== undefined && result.state !== before) {
      violation = `node ${node} contract ${contractId} ${name}: ${before} → ${result.state} at ${ctx.world.sim.nowS} s`;
    }
    if (terminal.has(result.state)) {
      if (names === undefined) last.set(key, new Map([[name, result.state]]));
      else names.set(name, result.state);
    } else if (names !== undefined && before !== undefined) {
      names.delete(name);
      if (names.size === 0) last.delete(key);
    }
  });
  return { label, phase: 'safety', check: () => violation };
}

/** Checked on the node of every change (O(1) each) and over all nodes at the end. */
function capacityBounds(ctx: RunContext, label: string): Checker {
  const { grid } = ctx.world;
  let violation: string | null = null;
  const inspect = (node: number): string | null => {
    const free = grid.free(node);
    const total = grid.total(node);
    for (const key of ['mruBytes', 'sruBytes', 'hruBytes'] as const) {
      if (free[key] < 0 || free[key] > total[key]) return `node ${node} ${key} free ${free[key]} outside 0..${total[key]} at ${ctx.world.sim.nowS} s`;
    }
    return null;
  };
  ctx.world.provision.onChange((node) => (violation ??= inspect(node)));
  return {
    label,
    phase: 'safety',
    check: () => {
      for (let node = 0; node < grid.nodeCount && violation === null; node++) violation = inspect(node);
      return violation;
    },
  };
}

/** Counts nodes off from power events, so each check is O(1) at any grid size. */
function maxDown(ctx: RunContext, label: string, fraction: number): Checker {
  const { grid } = ctx.world;
  let down = 0;
  let violation: string | null = null;
  grid.onPower((_node, event) => {
    if (event === 'off') down++;
    else if (event === 'on') down--;
    if (violation === null && ctx.phase === 'safety' && down > fraction * grid.nodeCount) {
      violation = `${down} of ${grid.nodeCount} nodes down at ${ctx.world.sim.nowS} s`;
    }
  });
  return { label, phase: 'safety', check: () => violation };
}

/** The zstor clusters of a qsfs group's instances (none before they are provisioned). */
function clusters(ctx: RunContext, group: string): ZstorCluster[] {
  return ctx.group(group).flatMap((i) => {
    const inst = ctx.world.qsfs.instance(`${i.doc.twin_id}-${i.contractId}-fs`);
    return inst === undefined ? [] : [inst.cluster];
  });
}

/** Every lost file was written at most `windowS` before a power-off of its frontend's node. */
function lossWindow(ctx: RunContext, label: string, group: string, windowS: number): Checker {
  const offAtS = new Map<number, number[]>();
  ctx.world.grid.onPower((node, event) => {
    if (event === 'off') offAtS.set(node, [...(offAtS.get(node) ?? []), ctx.world.sim.nowS]);
  });
  const ids = (): Set<string> => new Set(ctx.group(group).map((i) => `${i.doc.twin_id}-${i.contractId}-fs`));
  return {
    label,
    phase: 'safety',
    check: () => {
      const mine = ids();
      for (const w of ctx.writes) {
        if (!mine.has(w.workloadId) || w.frontend.fileState(w.path) !== 'lost') continue;
        const offs = offAtS.get(w.frontend.node) ?? [];
        if (!offs.some((t) => t >= w.atS && t - w.atS <= windowS)) return `${w.path} written at ${w.atS} s was lost, not within ${windowS} s before a crash`;
      }
      return null;
    },
  };
}

function converged(ctx: RunContext): string | null {
  const { grid, provision } = ctx.world;
  for (let node = 0; node < grid.nodeCount; node++) {
    if (!grid.isOn(node)) return `node ${node} is off`;
    if (provision.queuedJobs(node) > 0) return `node ${node} has ${provision.queuedJobs(node)} queued job(s)`;
  }
  for (const inst of ctx.instances) {
    const stuck = provision.deployment(inst.node, inst.contractId)?.workloads.find((w) => w.result === undefined || w.result.state === 'init');
    if (stuck !== undefined) return `contract ${inst.contractId} ${stuck.name} still in init`;
  }
  return null;
}

/** Nodes left without deployments must have their memory and disks back (baseline at t = 0). */
function capacityReleased(ctx: RunContext, label: string): Checker {
  const { grid, provision } = ctx.world;
  const baseline = Array.from({ length: grid.nodeCount }, (_, n) => grid.free(n));
  return {
    label,
    phase: 'liveness',
    check: () => {
      for (let node = 0; node < grid.nodeCount; node++) {
        if (provision.contractIds(node).length > 0) continue;
        const free = grid.free(node);
        if (free.mruBytes !== baseline[node]!.mruBytes || free.hruBytes !== baseline[node]!.hruBytes) {
          return `node ${node} has no deployment but holds ${baseline[node]!.mruBytes - free.mruBytes} B memory, ${baseline[node]!.hruBytes - free.hruBytes} B HDD`;
        }
      }
      return null;
    },
  };
}
