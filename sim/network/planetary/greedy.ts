// Greedy forwarding in the tree metric: each hop goes to the peer strictly closest to the target coordinates.
// Leaves out packet timing and queues: a route is traced in one instant over the routers' current view.

import type { Topology } from '../topology/graph.js';

/**
 * A node's coordinates: its root path, root first. A plain array: a churn run builds hundreds of
 * thousands, and a small typed array costs an off-heap buffer each.
 */
export type TreeCoords = readonly number[];

/** What forwarding reads: coordinates (root path, root first) and what is up, believed and real. */
export interface RoutingView {
  readonly topology: Topology;
  readonly keys: Float64Array;
  readonly coords: readonly TreeCoords[];
  readonly nodeUp: Uint8Array;
  readonly linkUp: Uint8Array;
  readonly linkKnownUp: Uint8Array;
}

export const RouteStatus = {
  delivered: 'delivered',
  /** A node with no peer closer to the target: ironwood sends "path broken" back to the source. */
  broken: 'broken',
  /** Forwarded onto a link or node that died and is not yet detected: the packet is gone. */
  lost: 'lost',
} as const;
export type RouteStatus = (typeof RouteStatus)[keyof typeof RouteStatus];

export interface RouteResult {
  status: RouteStatus;
  hops: number;
  latencyS: number;
  /** Where the packet ended: the destination, the dead end, or the last live node. */
  endNode: number;
}

/**
 * Hops between two tree positions through their lowest common ancestor. Coordinates under different
 * roots share no ancestor: no peer is closer, so greedy forwarding treats them as unreachable.
 */
export function treeDistance(a: TreeCoords, b: TreeCoords): number {
  if (a.length === 0 || b.length === 0 || a[0] !== b[0]) return Infinity;
  const common = Math.min(a.length, b.length);
  let i = 1;
  while (i < common && a[i] === b[i]) i++;
  return a.length + b.length - 2 * i;
}

/**
 * Routes from `src` towards `target` (the coordinates the source holds for `dst`). Every hop strictly
 * lowers the tree distance, so no node repeats: loops are impossible by construction. `path`, if
 * given, receives the visited nodes (it needs room for nodeCount entries); result.hops + 1 are written.
 *
 * This is ironwood's `router._lookup` (network/router.go): each peer's distance is taken from the
 * peer's own coordinates, every peer is a candidate, only peers strictly closer than this node count
 * (its "watermark"), and among those at the least distance the cheapest link wins (link cost, since
 * ironwood PR 38 / yggdrasil 0.5.9; the lower key before). Traffic after a lookup takes this same
 * path: v0.5's pathfinder (network/pathfinder.go) returns the destination's coordinates, not a
 * source route, so the delivered path is the greedy one.
 */
export function routeGreedy(view: RoutingView, src: number, dst: number, target: TreeCoords, path?: Int32Array): RouteResult {
  const { offsets, neighbours, edgeIds, latencyS } = view.topology;
  let u = src;
  let hops = 0;
  let total = 0;
  if (path !== undefined) path[0] = src;
  while (u !== dst) {
    let here = treeDistance(view.coords[u]!, target);
    let next = -1;
    let nextH = -1;
    for (let h = offsets[u]!, end = offsets[u + 1]!; h < end; h++) {
      if (view.linkKnownUp[edgeIds[h]!] === 0) continue;
      const v = neighbours[h]!;
      const d = treeDistance(view.coords[v]!, target);
      // Ties go to the faster link, then the smaller key, so a route does not depend on peer order.
      if (d < here || (d === here && next >= 0 && (latencyS[h]! < latencyS[nextH]! || (latencyS[h] === latencyS[nextH] && view.keys[v]! < view.keys[next]!)))) {
        here = d;
        next = v;
        nextH = h;
        if (d === 0) break; // the holder of the target coordinates: nothing can be closer
      }
    }
    if (next < 0) return { status: RouteStatus.broken, hops, latencyS: total, endNode: u };
    if (view.linkUp[edgeIds[nextH]!] === 0 || view.nodeUp[next] === 0) return { status: RouteStatus.lost, hops, latencyS: total, endNode: u };
    hops++;
    total += latencyS[nextH]!;
    u = next;
    if (path !== undefined) path[hops] = u;
  }
  return { status: RouteStatus.delivered, hops, latencyS: total, endNode: u };
}
