// How much of the Planetary Network's traffic crosses its root: greedy tree routing sends every path
// between two subtrees through their common ancestor, so the root is a hot spot. Leaves out link loads.

import type { Rng } from '../sim/engine/rng.js';
import { RouteStatus } from '../sim/network/planetary/greedy.js';
import type { GridNetwork } from '../sim/network/grid-network.js';

export interface RootShare {
  readonly root: number;
  /** Sampled pairs whose path was delivered, and the share of those whose path has the root as a transit hop. */
  readonly delivered: number;
  readonly share: number;
  /** For scale: the share of those paths an average powered node carries as a transit hop. */
  readonly averageNodeShare: number;
}

/**
 * Routes `pairs` random pairs of powered nodes (neither of them the root) with fresh coordinates, as
 * steady-state traffic would go, and counts paths through the root. Reads the overlay, changes nothing.
 */
export function rootPathShare(net: GridNetwork, rng: Rng, pairs = 1000): RootShare {
  const { overlay } = net;
  const root = net.planetaryRoot();
  const n = overlay.topology.nodeCount;
  const path = new Int32Array(n);
  let delivered = 0;
  let through = 0;
  let transitHops = 0;
  for (let i = 0; i < pairs * 4 && delivered < pairs; i++) {
    const src = rng.int(0, n);
    const dst = rng.int(0, n);
    if (src === dst || src === root || dst === root || overlay.nodeUp[src] === 0 || overlay.nodeUp[dst] === 0) continue;
    const result = overlay.route(src, dst, path);
    if (result.status !== RouteStatus.delivered) continue;
    delivered++;
    transitHops += Math.max(0, result.hops - 1);
    for (let h = 1; h < result.hops; h++) if (path[h] === root) through++;
  }
  let up = 0;
  for (let x = 0; x < n; x++) up += overlay.nodeUp[x]!;
  return { root, delivered, share: delivered === 0 ? NaN : through / delivered, averageNodeShare: delivered === 0 ? NaN : transitHops / delivered / up };
}
