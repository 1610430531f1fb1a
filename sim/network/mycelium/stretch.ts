// Steady-state stretch of Mycelium routes: each sampled destination announces its subnet, the update
// flood runs to quiescence on the engine, then sampled sources follow selected next hops. Leaves out
// traffic and failures (see convergence.ts); one destination's table is kept at a time.

import { RngStreams } from '../../engine/rng.js';
import { components, largestComponent, type Topology } from '../topology/graph.js';
import { ShortestPaths } from '../topology/shortest-paths.js';
import { MyceliumNetwork, type MyceliumVersion } from './router.js';
import { followRoute } from './routes.js';
import type { StretchFigures } from '../stretch-figures.js';
import { percentile } from '../../engine/stats.js';

export interface MyceliumStretchOptions {
  readonly pairs: number;
  readonly seed: string | number;
  /** Destinations in use; pairs are spread evenly over them (default min(pairs, 100)). */
  readonly destinations?: number;
  readonly version?: MyceliumVersion;
}

/**
 * Mycelium has no root: each destination's selected routes form its own tree, so `roots` is the p10,
 * median and p90 over destinations of each destination's mean hop stretch. Route entries count, per
 * destination in use, a node's peers that advertised the route.
 */
export interface MyceliumStretchReport extends StretchFigures {
  readonly overlay: 'mycelium';
  readonly pairs: number;
  readonly destinations: number;
  readonly p99LatencyStretch: number | null;
  /** Control messages of the floods, per destination announced. */
  readonly messagesPerDestination: number;
}

export function measureMyceliumStretch(topology: Topology, options: MyceliumStretchOptions): MyceliumStretchReport {
  const members = largestComponent(components(topology));
  const rng = new RngStreams(options.seed).stream('mycelium/stretch-pairs');
  const destinationCount = Math.max(1, Math.min(options.destinations ?? Math.min(options.pairs, 100), members.length));
  const perDestination = Math.max(1, Math.ceil(options.pairs / destinationCount));
  const net = new MyceliumNetwork(topology, { seed: options.seed, ...(options.version && { version: options.version }) });
  const paths = new ShortestPaths(topology);
  const withLatency = topology.hasCoordinates;
  const hopStretch: number[] = [];
  const latencyStretch: number[] = [];
  const perDestinationMean: number[] = [];
  let attempted = 0;
  let delivered = 0;
  let entrySum = 0;
  let entryNodes = 0;
  let entryMax = 0;
  const messagesBefore = net.messageCount;
  for (let k = 0; k < destinationCount && members.length >= 2; k++) {
    const dest = members[rng.int(0, members.length)]!;
    const table = net.announce(dest);
    net.run();
    paths.bfs(dest);
    if (withLatency) paths.dijkstra(dest);
    let sum = 0;
    let count = 0;
    for (let i = 0; i < perDestination && attempted < options.pairs; i++) {
      let source = dest;
      while (source === dest) source = members[rng.int(0, members.length)]!;
      attempted++;
      const route = followRoute(net, table, source);
      if (!route.delivered) continue;
      delivered++;
      const stretch = route.hops / paths.hops[source]!;
      hopStretch.push(stretch);
      sum += stretch;
      count++;
      if (withLatency) latencyStretch.push(route.latencyS / paths.latencyS[source]!);
    }
    if (count > 0) perDestinationMean.push(sum / count);
    for (const u of members) {
      if (u === dest) continue;
      const entries = table.entryCount[u]!;
      entrySum += entries;
      entryNodes++;
      if (entries > entryMax) entryMax = entries;
    }
    net.tables.delete(dest);
  }
  const sorted = [...hopStretch].sort((a, b) => a - b);
  const sortedLatency = [...latencyStretch].sort((a, b) => a - b);
  const sortedRoots = [...perDestinationMean].sort((a, b) => a - b);
  return {
    nodes: topology.nodeCount,
    edges: topology.edgeCount,
    overlay: 'mycelium',
    meanStretch: mean(hopStretch),
    p99Stretch: percentile(sorted, 0.99),
    maxStretch: sorted.at(-1) ?? NaN,
    meanLatencyStretch: withLatency ? mean(latencyStretch) : null,
    deliveryRatio: attempted === 0 ? NaN : delivered / attempted,
    meanRoutingEntries: entryNodes === 0 ? NaN : entrySum / entryNodes,
    maxRoutingEntries: entryMax,
    roots: { p10: percentile(sortedRoots, 0.1), median: percentile(sortedRoots, 0.5), p90: percentile(sortedRoots, 0.9) },
    pairs: attempted,
    destinations: destinationCount,
    p99LatencyStretch: withLatency ? percentile(sortedLatency, 0.99) : null,
    messagesPerDestination: (net.messageCount - messagesBefore) / destinationCount,
  };
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

