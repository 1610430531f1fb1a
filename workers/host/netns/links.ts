// Which real link an underlay fault names, and whether it should be up: a node's LAN link is up while
// the node is powered and the link not cut; a farm link while neither cut nor partitioned. Two causes
// kept apart as the simulator keeps them (sim/network/grid-network.ts: cutByUser, cutByPartition), so
// healing one does not undo the other.
// Underlay ids as the port defines them (workers/backend.ts cutLink): grid node i is i, farm f's site
// router is nodes + f (sim/network/grid-network-underlay.ts).

import { InputError } from '../../../sim/errors.js';
import type { NetnsGrid } from './grid.js';

/** What the links act on: a NetnsGrid (a recording fake in tests that need no root). */
export type LinkTarget = Pick<NetnsGrid, 'farmOfNode' | 'farmCount' | 'farmPairs' | 'setNodeLink' | 'setFarmLink' | 'killNodeProcesses'>;

export type LinkRef = { readonly kind: 'node'; readonly node: number } | { readonly kind: 'farms'; readonly a: number; readonly b: number };

export class NetnsLinks {
  private readonly off = new Set<number>();
  private readonly cutNodes = new Set<number>();
  private readonly cutFarms = new Set<string>();
  private readonly partitioned = new Set<string>();

  constructor(private readonly grid: LinkTarget) {}

  /** The link between two underlay ids; bad input naming the link when there is none. */
  linkOf(a: number, b: number): LinkRef {
    const nodes = this.grid.farmOfNode.length;
    const total = nodes + this.grid.farmCount;
    const known = (x: number) => Number.isInteger(x) && x >= 0 && x < total;
    const [lo, hi] = a < b ? [a, b] : [b, a];
    if (known(lo) && known(hi)) {
      if (lo < nodes && hi === nodes + this.grid.farmOfNode[lo]!) return { kind: 'node', node: lo };
      if (lo >= nodes && hi > lo) return { kind: 'farms', a: lo - nodes, b: hi - nodes };
    }
    throw new InputError('underlay', `link ${a}-${b}`, `no such link (ids: nodes 0..${nodes - 1}, then site routers ${nodes}..${total - 1}; a node links to its farm's router, routers to each other)`);
  }

  async setCut(a: number, b: number, cut: boolean): Promise<void> {
    const link = this.linkOf(a, b);
    if (link.kind === 'node') {
      toggle(this.cutNodes, link.node, cut);
      await this.applyNode(link.node);
    } else {
      toggle(this.cutFarms, key(link.a, link.b), cut);
      await this.applyFarms(link.a, link.b);
    }
  }

  /** Cuts every farm link between the given farms and the others (added to earlier partitions). */
  async partition(farms: readonly number[]): Promise<void> {
    farms.forEach((f, i) => {
      if (!(Number.isInteger(f) && f >= 0 && f < this.grid.farmCount)) throw new InputError('partitionFarms', `farms[${i}]`, `must be a farm index 0..${this.grid.farmCount - 1}, got ${f}`);
    });
    const inside = new Set(farms);
    const crossing = this.grid.farmPairs().filter(([a, b]) => inside.has(a) !== inside.has(b));
    for (const [a, b] of crossing) this.partitioned.add(key(a, b));
    await Promise.all(crossing.map(([a, b]) => this.applyFarms(a, b)));
  }

  async healPartition(): Promise<void> {
    const pairs = [...this.partitioned].map((k) => k.split('-').map(Number) as [number, number]);
    this.partitioned.clear();
    await Promise.all(pairs.map(([a, b]) => this.applyFarms(a, b)));
  }

  /** Power: off kills what runs in the node's namespace first, then takes its link down. */
  async setPower(node: number, on: boolean): Promise<void> {
    toggle(this.off, node, !on);
    if (!on) await this.grid.killNodeProcesses(node);
    await this.applyNode(node);
  }

  /** Links down now, as [a, b] underlay ids (for views and tests). */
  downLinks(): [number, number][] {
    const nodes = this.grid.farmOfNode.length;
    const down: [number, number][] = [];
    this.grid.farmOfNode.forEach((farm, node) => {
      if (!this.nodeLinkUp(node)) down.push([node, nodes + farm]);
    });
    for (const [a, b] of this.grid.farmPairs()) if (!this.farmLinkUp(a, b)) down.push([nodes + a, nodes + b]);
    return down;
  }

  private nodeLinkUp(node: number): boolean {
    return !this.off.has(node) && !this.cutNodes.has(node);
  }

  private farmLinkUp(a: number, b: number): boolean {
    return !this.cutFarms.has(key(a, b)) && !this.partitioned.has(key(a, b));
  }

  private applyNode(node: number): Promise<void> {
    return this.grid.setNodeLink(node, this.nodeLinkUp(node));
  }

  private applyFarms(a: number, b: number): Promise<void> {
    return this.grid.setFarmLink(a, b, this.farmLinkUp(a, b));
  }
}

function key(a: number, b: number): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}

function toggle<T>(set: Set<T>, item: T, on: boolean): void {
  if (on) set.add(item);
  else set.delete(item);
}
