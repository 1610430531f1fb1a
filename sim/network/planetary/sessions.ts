// Sources' sessions on the Planetary Network: key → coordinates lookup by bloom filters along tree links
// (ironwood's way, not a DHT: why below), the lookup cache, and "path broken" → new lookup.
// Leaves out bloom-filter false positives (extra lookup traffic, never a wrong answer) and the 1 s path throttle.

import { findEdge } from '../topology/graph.js';
import { routeGreedy, RouteStatus, type RouteResult, type RoutingView, type TreeCoords } from './greedy.js';

/** What sessions read from the overlay: its routing view, its clock and its path timeout. */
export interface SessionView extends RoutingView {
  readonly sim: { readonly nowS: number };
  readonly timers: { readonly pathTimeoutS: number };
}

export interface SendResult extends RouteResult {
  /** Lookups this send needed: 0 with a fresh cache, 1 to fill it, one more after "path broken". */
  lookups: number;
  /** Round trips of those lookups along the tree (request along tree links, answer back the same way). */
  setupS: number;
}

interface CachedPath {
  readonly coords: TreeCoords;
  readonly atS: number;
}

/**
 * Lookup is ironwood's multicast along tree links filtered by per-link bloom filters, not a DHT: v0.5
 * dropped the DHT for its O(n) worst-case convergence and memory hot spots (DOMAIN 4), and tree filters
 * keep the state per peer constant. Filters are modelled exact: a lookup follows the tree path between
 * source and destination and fails only where a node or tree link on it is down.
 */
export class Sessions {
  private readonly cache = new Map<number, CachedPath>();

  constructor(private readonly overlay: SessionView) {}

  /**
   * Coordinates from the cache (looked up again after the path timeout); when the packet meets a dead
   * end, the "path broken" notice makes the source look up again and resend once.
   */
  send(src: number, dst: number): SendResult {
    const overlay = this.overlay;
    let lookups = 0;
    let setupS = 0;
    let cached = this.cache.get(this.key(src, dst));
    const fetch = (): CachedPath | undefined => {
      lookups++;
      const found = this.lookup(src, dst);
      if (found !== undefined) setupS += 2 * this.treeLatencyS(overlay.coords[src]!, found.coords);
      return found;
    };
    if (cached === undefined || overlay.sim.nowS - cached.atS >= overlay.timers.pathTimeoutS) {
      cached = fetch();
      if (cached === undefined) return { status: RouteStatus.broken, hops: 0, latencyS: 0, endNode: src, lookups, setupS };
    }
    let result = routeGreedy(overlay, src, dst, cached.coords);
    if (result.status === RouteStatus.broken) {
      cached = fetch();
      if (cached !== undefined) result = routeGreedy(overlay, src, dst, cached.coords);
    }
    return { ...result, lookups, setupS };
  }

  /**
   * The multicast climbs from `src` towards the root and turns down the branch whose filter holds
   * `dst`: it reaches `dst` only if every node and tree link between the two is up.
   */
  lookup(src: number, dst: number): CachedPath | undefined {
    const overlay = this.overlay;
    const key = this.key(src, dst);
    this.cache.delete(key);
    const a = overlay.coords[src]!;
    const b = overlay.coords[dst]!;
    if (a.length === 0 || b.length === 0 || a[0] !== b[0]) return undefined;
    const fork = commonPrefix(a, b) - 1;
    if (!this.branchUp(a, fork) || !this.branchUp(b, fork)) return undefined;
    const entry = { coords: b, atS: overlay.sim.nowS };
    this.cache.set(key, entry);
    return entry;
  }

  private key(src: number, dst: number): number {
    return src * this.overlay.topology.nodeCount + dst;
  }

  /** Whether the nodes of `path` from index `from` to its end, and the links between them, are up. */
  private branchUp(path: ArrayLike<number>, from: number): boolean {
    const overlay = this.overlay;
    for (let i = from; i < path.length; i++) {
      if (overlay.nodeUp[path[i]!] === 0) return false;
      if (i === from) continue;
      const e = findEdge(overlay.topology, path[i - 1]!, path[i]!);
      if (e < 0 || overlay.linkUp[e] === 0) return false;
    }
    return true;
  }

  /** One-way latency along the tree between two positions under the same root. */
  private treeLatencyS(a: TreeCoords, b: TreeCoords): number {
    const fork = commonPrefix(a, b) - 1;
    let total = 0;
    for (const path of [a, b]) {
      for (let i = fork + 1; i < path.length; i++) {
        const e = findEdge(this.overlay.topology, path[i - 1]!, path[i]!);
        if (e >= 0) total += this.overlay.topology.edgeLatencyS[e]!;
      }
    }
    return total;
  }
}

function commonPrefix(a: TreeCoords, b: TreeCoords): number {
  const limit = Math.min(a.length, b.length);
  let i = 0;
  while (i < limit && a[i] === b[i]) i++;
  return i;
}
