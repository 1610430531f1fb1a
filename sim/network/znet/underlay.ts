// One-way latency between grid nodes over the underlay: each grid node sits on an underlay node, and a
// tunnel hop costs the shortest-path latency between them. Leaves out queueing and bandwidth.

import { InputError } from '../../errors.js';
import type { Topology } from '../topology/graph.js';
import { ShortestPaths } from '../topology/shortest-paths.js';

/** Grid node → underlay node: an array indexed by grid node, or a map. */
export type UnderlayMap = ArrayLike<number> | ReadonlyMap<number, number>;

/**
 * Dijkstra from each source underlay node once, kept while the underlay does not change. The cache holds
 * at most `maxSources` rows (oldest dropped first), so a 100k-node underlay costs at most that many rows.
 * Call `invalidate()` after changing the up masks handed to the constructor.
 */
export class UnderlayLatency {
  private readonly paths: ShortestPaths;
  private readonly rows = new Map<number, Float64Array>();

  constructor(
    readonly topology: Topology,
    private readonly underlayOf: UnderlayMap,
    options: { readonly nodeUp?: Uint8Array; readonly linkUp?: Uint8Array; readonly maxSources?: number } = {},
  ) {
    this.paths = new ShortestPaths(topology, options.nodeUp, options.linkUp);
    this.maxSources = options.maxSources ?? 256;
  }

  private readonly maxSources: number;

  /** The underlay node of a grid node; a grid node the map does not place is bad input. */
  underlayNode(gridNode: number): number {
    const map = this.underlayOf;
    const u = isMap(map) ? map.get(gridNode) : map[gridNode];
    if (u === undefined || !Number.isInteger(u) || u < 0 || u >= this.topology.nodeCount) {
      throw new InputError('underlay map', `node ${gridNode}`, `must map to an underlay node 0..${this.topology.nodeCount - 1}, got ${u}`);
    }
    return u;
  }

  /** Shortest-path latency between the underlay nodes of two grid nodes; Infinity when cut off. */
  latencyS(gridA: number, gridB: number): number {
    return this.underlayLatencyS(this.underlayNode(gridA), this.underlayNode(gridB));
  }

  underlayLatencyS(a: number, b: number): number {
    if (a === b) return 0;
    let row = this.rows.get(a);
    if (row === undefined) {
      row = Float64Array.from(this.paths.dijkstra(a));
      if (this.rows.size >= this.maxSources) this.rows.delete(this.rows.keys().next().value!);
      this.rows.set(a, row);
    }
    return row[b]!;
  }

  invalidate(): void {
    if (this.rows.size > 0) this.rows.clear(); // called on every power change; Map#clear allocates even when empty
  }
}

function isMap(map: UnderlayMap): map is ReadonlyMap<number, number> {
  return typeof (map as ReadonlyMap<number, number>).get === 'function';
}
