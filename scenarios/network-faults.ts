// Network faults as simulation events, through the run's FaultInjector: link cuts, real farm partitions
// (nodes stay on, links go), planetary root loss; and the probe traffic on world.net that measures
// them. Leaves out node crashes (faults.ts).

import { InputError } from '../sim/errors.js';
import type { FailureModel } from '../sim/hardware/failures.js';
import { usesNetwork } from './compile-network.js';
import type { CompiledFault } from './compiled.js';
import type { RunContext } from './run-context.js';

type NetworkFault = Extract<CompiledFault, { kind: 'link-cut' | 'partition-farms' | 'planetary-root-loss' }>;

/**
 * Starts probes and arms every network fault; at the liveness phase heals every link and partition
 * still cut. A root that was powered off comes back with the other nodes (faults.ts repairs them all).
 * Does nothing, and never builds world.net, for a scenario that does not use the network.
 */
export function startNetworkFaults(ctx: RunContext, nodes: FailureModel): void {
  if (!usesNetwork(ctx.scenario)) return;
  const net = ctx.world.net;
  const faults = ctx.scenario.faults.filter((f): f is NetworkFault => f.kind === 'link-cut' || f.kind === 'partition-farms' || f.kind === 'planetary-root-loss');
  checkLinks(ctx, faults);
  if (ctx.scenario.probes !== undefined) net.startProbes(ctx.scenario.probes.intervalS, ctx.scenario.probes.pairs);
  const cut = new Map<string, readonly [number, number]>();
  let partitioned = false;
  const heal = (a: number, b: number): void => {
    if (cut.delete(`${a}-${b}`)) ctx.inject((f) => f.healLink(a, b));
  };
  for (const fault of faults) {
    switch (fault.kind) {
      case 'link-cut':
        ctx.atSafety(fault.atS, () => {
          ctx.inject((f) => f.cutLink(fault.a, fault.b));
          cut.set(`${fault.a}-${fault.b}`, [fault.a, fault.b]);
          ctx.count('link-cut');
        });
        if (fault.durationS !== undefined) ctx.atSafety(fault.atS + fault.durationS, () => heal(fault.a, fault.b));
        break;
      case 'partition-farms':
        ctx.atSafety(fault.atS, () => {
          ctx.inject((f) => f.partitionFarms(fault.farms));
          partitioned = true;
          ctx.count('network-partition');
        });
        if (fault.durationS !== undefined) ctx.atSafety(fault.atS + fault.durationS, () => {
          ctx.inject((f) => f.healPartition());
          partitioned = false;
        });
        break;
      case 'planetary-root-loss':
        // Through the scenario's failure model, as a crash is, so a random repair cannot boot it early.
        ctx.atSafety(fault.atS, () => {
          const root = net.planetaryRoot();
          // -1: every node is off already (a correlated outage), so there is no root to lose.
          if (root < 0) return;
          nodes.failHosts([root], Infinity, 'crash');
          ctx.count('planetary-root-loss');
        });
        break;
    }
  }
  ctx.whenLiveness(() => {
    for (const [a, b] of [...cut.values()]) heal(a, b);
    if (partitioned) ctx.inject((f) => f.healPartition());
    partitioned = false;
  });
}

/** A link the underlay does not have is the scenario's mistake: named by file and field before the run. */
function checkLinks(ctx: RunContext, faults: readonly NetworkFault[]): void {
  const cuts = faults.filter((f): f is Extract<NetworkFault, { kind: 'link-cut' }> => f.kind === 'link-cut');
  if (cuts.length === 0) return;
  const links = new Set(ctx.world.net.links().flatMap((l) => [`${l.a}-${l.b}`, `${l.b}-${l.a}`]));
  for (const f of cuts) {
    if (!links.has(`${f.a}-${f.b}`)) throw new InputError(ctx.scenario.source, `${f.field}.a`, `the underlay has no link ${f.a}-${f.b} (see world.net.links())`);
  }
}
