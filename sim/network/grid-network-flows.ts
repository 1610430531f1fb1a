// Bulk transfers between grid nodes over the underlay, as flows of the max-min flow model (flow-network.ts):
// each underlay link becomes one shared flow link on first use. Leaves out full duplex, multipath and rerouting.

import { ErrorCode, InputError, SimulationError, ZosError } from '../errors.js';
import type { Scheduler } from '../engine/events.js';
import { FlowNetwork, FlowEvent } from '../hardware/flow-network.js';
import { ShortestPaths } from './topology/shortest-paths.js';
import type { GridUnderlay } from './grid-network-underlay.js';

/**
 * No usable underlay path joins the two nodes when the transfer starts (cut apart, or an end powered off).
 * It shares E_LINK_FAILED with LinkFailedError: to a caller both mean "the network did not carry it".
 */
export class NoRouteError extends ZosError {
  constructor(
    readonly fromNode: number,
    readonly toNode: number,
  ) {
    super(ErrorCode.linkFailed, `no underlay path from node ${fromNode} to node ${toNode} (cut apart or powered off)`);
  }
}

export interface UnderlayFlowDeps {
  readonly sim: Scheduler;
  readonly underlay: GridUnderlay;
  /** The grid network's live masks (0 = down); call underlayChanged() after flipping them. */
  readonly nodeUp: Uint8Array;
  readonly linkUp: Uint8Array;
  /** A flow network to add the links to (the world's, to share one model); a private one otherwise. */
  readonly network?: FlowNetwork;
}

/** Shortest-latency rows cached per source; a 10,000-node grid keeps at most this many. */
const maxCachedSources = 256;

/**
 * Routes each transfer once, at its start, on the shortest-latency path of the underlay as it is then,
 * and keeps it there: a link of that path going down fails it (LinkFailedError), as a TCP connection
 * whose route died would, rather than moving it to another path. Flow links mirror underlay links one to
 * one and exist only once a transfer crossed them, so a world that never transfers pays nothing.
 */
export class UnderlayFlows {
  readonly network: FlowNetwork;
  /** Underlay edge id → flow link id, in creation order (which is what makes syncing deterministic). */
  private readonly flowLinks = new Map<number, number>();
  private readonly searcher: ShortestPaths;
  private readonly rows = new Map<number, Float64Array>();

  constructor(private readonly deps: UnderlayFlowDeps) {
    this.network = deps.network ?? new FlowNetwork(deps.sim);
    this.searcher = new ShortestPaths(deps.underlay.topology, deps.nodeUp, deps.linkUp);
  }

  /**
   * Starts moving sizeBytes from one grid node to another now. The event's durationS is the path's
   * one-way latency plus the bytes at their max-min share as it changes; it fails with NoRouteError at
   * once when no path exists, and with LinkFailedError when a link of its path goes down under it.
   * A failure nobody handles stops the run, as for any event.
   */
  transfer(fromNode: number, toNode: number, sizeBytes: number): FlowEvent {
    this.checkNode('fromNode', fromNode);
    this.checkNode('toNode', toNode);
    if (!(sizeBytes >= 0 && sizeBytes < Infinity)) throw new InputError('transfer', 'bytes', `must be finite and >= 0, got ${sizeBytes}`);
    const edges = this.route(fromNode, toNode);
    if (edges === undefined) return new FlowEvent(this.deps.sim, -1).fail(new NoRouteError(fromNode, toNode));
    return this.network.startFlow({ path: edges.map((e) => this.flowLinkOf(e)), sizeBytes });
  }

  /** Underlay edge ids of the shortest-latency path now, source first; undefined when there is none. */
  route(fromNode: number, toNode: number): number[] | undefined {
    const { nodeUp } = this.deps;
    if (nodeUp[fromNode] === 0 || nodeUp[toNode] === 0) return undefined;
    const dist = this.latenciesFrom(fromNode);
    if (dist[toNode] === Infinity) return undefined;
    return this.walkBack(fromNode, toNode, dist);
  }

  /** The flow link standing for an underlay edge, if a transfer ever crossed it (for linkStats). */
  flowLinkIfBuilt(edge: number): number | undefined {
    return this.flowLinks.get(edge);
  }

  /** Mirrors the underlay masks onto the flow links: failing a link fails the transfers over it. */
  underlayChanged(): void {
    this.rows.clear();
    for (const [edge, link] of this.flowLinks) {
      const up = this.edgeUp(edge);
      if (!up && this.network.isLinkUp(link)) this.network.failLink(link);
      else if (up && !this.network.isLinkUp(link)) this.network.healLink(link);
    }
  }

  /** The underlay's capacity of the edge changed; transfers on it are re-shared from now on. */
  bandwidthChanged(edge: number): void {
    const link = this.flowLinks.get(edge);
    if (link !== undefined) this.network.setLinkBandwidth(link, this.deps.underlay.bandwidthBytesPerS[edge]!);
  }

  // ------------------------------------------------------------------------------------------------

  private flowLinkOf(edge: number): number {
    let link = this.flowLinks.get(edge);
    if (link === undefined) {
      const { bandwidthBytesPerS, topology } = this.deps.underlay;
      link = this.network.addLink({ bandwidthBytesPerS: bandwidthBytesPerS[edge]!, latencyS: topology.edgeLatencyS[edge]! });
      this.flowLinks.set(edge, link);
    }
    return link;
  }

  private edgeUp(edge: number): boolean {
    const { nodeUp, linkUp, underlay } = this.deps;
    return linkUp[edge] !== 0 && nodeUp[underlay.topology.edgeA[edge]!] !== 0 && nodeUp[underlay.topology.edgeB[edge]!] !== 0;
  }

  private latenciesFrom(source: number): Float64Array {
    let row = this.rows.get(source);
    if (row === undefined) {
      // The searcher reuses one array for every search, so each cached source keeps a copy.
      row = Float64Array.from(this.searcher.dijkstra(source));
      if (this.rows.size >= maxCachedSources) this.rows.delete(this.rows.keys().next().value!);
      this.rows.set(source, row);
    }
    return row;
  }

  /**
   * From the target back to the source, each step takes the usable neighbour that minimises
   * dist + link latency: on a shortest-path tree that is exactly a predecessor. Ties go to the lowest
   * neighbour id (adjacency is sorted), so the route depends on the underlay alone.
   */
  private walkBack(source: number, target: number, dist: Float64Array): number[] {
    const { offsets, neighbours, edgeIds, latencyS, nodeCount } = this.deps.underlay.topology;
    const { nodeUp, linkUp } = this.deps;
    const edges: number[] = [];
    for (let u = target; u !== source; ) {
      let best = -1;
      let bestS = Infinity;
      for (let h = offsets[u]!; h < offsets[u + 1]!; h++) {
        const v = neighbours[h]!;
        const viaS = dist[v]! + latencyS[h]!;
        if (viaS < bestS && nodeUp[v] !== 0 && linkUp[edgeIds[h]!] !== 0) [best, bestS] = [h, viaS];
      }
      // A zero-latency cycle could loop; the underlay has none, and this says so loudly if one appears.
      if (best < 0 || edges.length >= nodeCount) throw new SimulationError(`underlay route ${source}→${target}: no predecessor at ${u}`);
      edges.push(edgeIds[best]!);
      u = neighbours[best]!;
    }
    return edges.reverse();
  }

  private checkNode(field: string, node: number): void {
    const n = this.deps.underlay.gridNodes;
    if (!(Number.isInteger(node) && node >= 0 && node < n)) throw new InputError('transfer', field, `must be a grid node 0..${n - 1}, got ${node}`);
  }
}

/** Validates and writes a new capacity for one underlay edge (a degraded port, a thinner transit). */
export function setUnderlayBandwidth(underlay: GridUnderlay, edge: number, bandwidthBytesPerS: number): void {
  if (!(bandwidthBytesPerS > 0 && bandwidthBytesPerS < Infinity)) {
    throw new InputError('setLinkBandwidth', 'bandwidthBytesPerS', `must be finite and > 0, got ${bandwidthBytesPerS}`);
  }
  underlay.bandwidthBytesPerS[edge] = bandwidthBytesPerS;
}
