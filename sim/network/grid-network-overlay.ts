// The Planetary Network's peer graph over the grid's nodes, and which peerings an underlay fault breaks.
// Leaves out multicast discovery timing and per-peering latency measurement (each peering costs its underlay path).

import type { Farms } from '../grid/farms.js';
import { buildTopology, type Topology } from './topology/graph.js';
import type { PlanetaryOverlay } from './planetary/overlay.js';

/**
 * Yggdrasil peers with every node its multicast finds on the LAN; we cap that at this many
 * neighbours on each side in farm order, so a thousand-node farm is not a thousand-clique.
 */
export const LAN_PEERS = 2;
/** Static internet peerings per site link, between the sites' first nodes (their public ones). */
export const SITE_PEERINGS = 2;

/** Overlay ids are grid node ids. Inter-site peerings follow the underlay's site links. */
export function buildOverlayPeers(farms: Farms, gridNodes: number, underlay: Topology, latencyS: (a: number, b: number) => number): Topology {
  const from: number[] = [];
  const to: number[] = [];
  for (let f = 0; f < farms.farmCount; f++) {
    const { firstNode, nodeCount } = farms.nodesOf(f);
    for (let i = 0; i < nodeCount; i++) {
      for (let step = 1; step <= Math.min(LAN_PEERS, nodeCount - 1); step++) {
        from.push(firstNode + i);
        to.push(firstNode + ((i + step) % nodeCount));
      }
    }
  }
  for (let e = 0; e < underlay.edgeCount; e++) {
    const a = underlay.edgeA[e]! - gridNodes;
    const b = underlay.edgeB[e]! - gridNodes;
    if (a < 0 || b < 0) continue;
    const sa = farms.nodesOf(a);
    const sb = farms.nodesOf(b);
    if (sa.nodeCount === 0 || sb.nodeCount === 0) continue;
    for (let j = 0; j < SITE_PEERINGS; j++) {
      from.push(sa.firstNode + (j % sa.nodeCount));
      to.push(sb.firstNode + (j % sb.nodeCount));
    }
  }
  const peeringLatencyS = from.map((a, i) => latencyS(a, to[i]!));
  const labels = Array.from({ length: gridNodes }, (_, i) => `node-${i}`);
  return buildTopology({ source: 'planetary peers', labels, from, to, latencyS: peeringLatencyS, hasCoordinates: true });
}

/**
 * A peering is a TCP session over the underlay: IP reroutes around a cut link and the session lives
 * on, so a peering breaks only when the underlay no longer connects its two ends.
 */
export class PeeringFaults {
  private readonly broken: Uint8Array;

  constructor(private readonly overlay: PlanetaryOverlay) {
    this.broken = new Uint8Array(overlay.topology.edgeCount);
  }

  /** `label` is the underlay's component of each underlay node, counting link cuts only (not power). */
  update(label: Int32Array): void {
    const { edgeA, edgeB, edgeCount } = this.overlay.topology;
    for (let e = 0; e < edgeCount; e++) {
      const a = edgeA[e]!;
      const b = edgeB[e]!;
      const cut = label[a] !== label[b] ? 1 : 0;
      if (cut === this.broken[e]) continue;
      this.broken[e] = cut;
      if (cut === 1) this.overlay.failLink(a, b);
      else this.overlay.restoreLink(a, b);
    }
  }
}
