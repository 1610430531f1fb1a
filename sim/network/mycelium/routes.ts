// Following a Mycelium destination's selected next hops from a source, as a data packet would
// (router.rs route_packet): hop limit 64, no route or a dead link drops it, a revisit is a loop.

import type { DestinationTable } from './destination-table.js';
import type { MyceliumNetwork } from './router.js';

/** IPv6 hop limit of a packet a VM sends; route_packet drops it when it would fall below 1. */
export const packetHopLimit = 64;

export interface FollowedRoute {
  readonly delivered: boolean;
  /** Why it was not delivered. */
  readonly failure: 'none' | 'no-route' | 'link-down' | 'loop' | 'hop-limit';
  readonly hops: number;
  readonly latencyS: number;
  /** The node where it stopped (the destination when delivered). */
  readonly at: number;
}

const visitMark = new Map<number, Int32Array>();
let visitGeneration = 0;

export function followRoute(net: MyceliumNetwork, table: DestinationTable, source: number): FollowedRoute {
  const { topology } = net;
  let marks = visitMark.get(topology.nodeCount);
  if (marks === undefined) {
    marks = new Int32Array(topology.nodeCount);
    visitMark.clear();
    visitMark.set(topology.nodeCount, marks);
  }
  const generation = ++visitGeneration;
  let u = source;
  let hops = 0;
  let latencyS = 0;
  while (u !== table.dest) {
    if (marks[u] === generation) return { delivered: false, failure: 'loop', hops, latencyS, at: u };
    marks[u] = generation;
    const h = table.selected[u]!;
    if (h === -1) return { delivered: false, failure: 'no-route', hops, latencyS, at: u };
    if (net.linkUp[topology.edgeIds[h]!] === 0) return { delivered: false, failure: 'link-down', hops, latencyS, at: u };
    if (hops >= packetHopLimit) return { delivered: false, failure: 'hop-limit', hops, latencyS, at: u };
    latencyS += topology.latencyS[h]!;
    hops++;
    u = topology.neighbours[h]!;
  }
  return { delivered: true, failure: 'none', hops, latencyS, at: u };
}
