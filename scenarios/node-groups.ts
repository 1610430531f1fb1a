// tfrobot's node picking for a node group (tfgrid-sdk-go tfrobot/pkg/deployer/node_filter.go and
// deployer.go): once, when the group's first VM is due, the first nodes_count nodes that are up,
// with total CRU >= free_cpu, free memory/SSD/HDD >= the asked bytes, in the region, certified when
// asked, and with a free public IPv4 in their farm when asked; then the group's VMs go round robin
// over them. The client (the harness) reads the grid as grid proxy shows it; the scheduler only
// dispatches to the node chosen. When the reconciler re-places such a VM (tfrobot has no healing; ours
// does), NodeGroupHealing keeps it on nodes the same filter accepts.

import type { Deployment } from '../sim/grid/deployment.js';
import type { GridSpec } from '../sim/grid/grid-spec.js';
import type { World } from '../sim/grid/world.js';
import type { CompiledScenario } from './compiled.js';
import type { NodeGroupFilter } from './scenario.js';

interface NodeFacts {
  readonly region: string | undefined;
  readonly certified: boolean;
}

export class NodeGroupPicker {
  private readonly chosen = new Map<string, { readonly nodes: readonly number[]; next: number }>();
  /** Built at the first pick: a run without node groups (most, and every large one) never needs it. */
  private factsByNode: readonly NodeFacts[] | undefined;

  constructor(
    private readonly world: World,
    private readonly grid: GridSpec,
  ) {}

  private get facts(): readonly NodeFacts[] {
    this.factsByNode ??= this.grid.farms.flatMap((farm) => farm.nodes.flatMap((g) => Array.from({ length: g.count }, () => ({ region: farm.region, certified: g.certified === true }))));
    return this.factsByNode;
  }

  /** The group's next node round robin; undefined when fewer than nodes_count nodes match (tfrobot fails the group). */
  next(filter: NodeGroupFilter): number | undefined {
    let group = this.chosen.get(filter.name);
    if (group === undefined) this.chosen.set(filter.name, (group = { nodes: this.pick(filter), next: 0 }));
    if (group.nodes.length < filter.nodesCount) return undefined;
    const node = group.nodes[group.next]!;
    group.next = (group.next + 1) % group.nodes.length;
    return node;
  }

  /** Nodes matching the filter now, in node order, at most nodes_count. */
  pick(filter: NodeGroupFilter): number[] {
    const { grid } = this.world;
    const nodes: number[] = [];
    for (let node = 0; node < grid.nodeCount && nodes.length < filter.nodesCount; node++) {
      if (this.matches(node, filter)) nodes.push(node);
    }
    return nodes;
  }

  /** Every node the filter rejects now (down, elsewhere, uncertified, too small or without an IPv4). */
  ruledOut(filter: NodeGroupFilter): number[] {
    const nodes: number[] = [];
    for (let node = 0; node < this.world.grid.nodeCount; node++) if (!this.matches(node, filter)) nodes.push(node);
    return nodes;
  }

  private matches(node: number, filter: NodeGroupFilter): boolean {
    const { grid } = this.world;
    const facts = this.facts[node]!;
    if (!grid.isOn(node)) return false;
    if (filter.region !== undefined && facts.region !== filter.region) return false;
    if (filter.certified && !facts.certified) return false;
    const free = grid.free(node);
    if (filter.publicIpv4 && free.ipv4 === 0) return false;
    return grid.total(node).cru >= filter.minTotalCpu && free.mruBytes >= filter.minFreeMemoryBytes && free.sruBytes >= filter.minFreeSsdBytes && free.hruBytes >= filter.minFreeHddBytes;
  }
}

/**
 * The reconciler's rule for re-placing a node-group VM: the nodes its group's filter rejects at that
 * moment are excluded (nodes_count is how many nodes the first placement spreads over, not a property
 * of a node, so a re-placement only has to land on one the filter accepts). A deployment is known by
 * its description, `group#index` (scenarios/deployments.ts), which a re-placed copy keeps.
 */
export class NodeGroupHealing {
  private picker: NodeGroupPicker | undefined;

  private constructor(private readonly grid: GridSpec, private readonly filters: ReadonlyMap<string, NodeGroupFilter>) {}

  /** Undefined when no group of the scenario has a node group: re-placement is then unconstrained. */
  static of(scenario: CompiledScenario): NodeGroupHealing | undefined {
    const filters = new Map(scenario.workload.flatMap((g) => (g.nodeGroup === undefined ? [] : [[g.name, g.nodeGroup] as const])));
    return filters.size === 0 ? undefined : new NodeGroupHealing(scenario.grid, filters);
  }

  /** The run's world, built after the testbed's options (which carry excludeNodesFor) were given. */
  attach(world: World): void {
    this.picker = new NodeGroupPicker(world, this.grid);
  }

  readonly excludeNodesFor = (deployment: Deployment): number[] => {
    const group = deployment.description.slice(0, Math.max(0, deployment.description.lastIndexOf('#')));
    const filter = this.filters.get(group);
    return filter === undefined || this.picker === undefined ? [] : this.picker.ruledOut(filter);
  };
}
