// Measuring the Planetary Network: stretch against shortest paths, delivery, routing state, transit load.
// Leaves out traffic and time: each pair is routed once, over the overlay's current view.

import { RngStreams } from '../../engine/rng.js';
import { components, largestComponent } from '../topology/graph.js';
import { ShortestPaths } from '../topology/shortest-paths.js';
import { RouteStatus, treeDistance } from './greedy.js';
import type { PlanetaryOverlay } from './overlay.js';

export interface StretchOptions {
  readonly pairs: number;
  readonly seed: string | number;
}

export interface StretchReport {
  readonly nodes: number;
  readonly edges: number;
  /** Hop stretch of delivered pairs: routed hops / shortest hops. */
  readonly meanStretch: number;
  readonly p99Stretch: number;
  readonly maxStretch: number;
  readonly deliveryRatio: number;
  /** Peers plus tree records (distinct nodes on the root paths of the node and its peers). */
  readonly meanRoutingEntries: number;
  readonly pairs: number;
  /** Mean routed hops of delivered pairs, and the shortest-path mean over the same pairs. */
  readonly meanHops: number;
  readonly meanShortestHops: number;
  /**
   * Stretch of the same pairs along the tree alone (via the lowest common ancestor, no shortcut links):
   * what greedy forwarding starts from. meanStretch below it is what the shortcuts recover.
   */
  readonly meanTreeStretch: number;
  readonly meanPeers: number;
  readonly meanTreeEntries: number;
  readonly maxRoutingEntries: number;
  /** Latency stretch where the topology has coordinates; null otherwise (every link costs the same). */
  readonly meanLatencyStretch: number | null;
  readonly p99LatencyStretch: number | null;
  readonly stretchOneFraction: number;
  readonly root: string;
  readonly treeDepthMax: number;
  /** Fraction of delivered routes that pass through the root (not as an end): the hot spot. */
  readonly rootTransitFraction: number;
  /** The same for one shortest path per pair (lowest-id predecessors): the root's share without the overlay. */
  readonly rootShortestTransitFraction: number;
  /** The node most routes pass through, and the fraction. */
  readonly busiestTransitNode: string;
  readonly busiestTransitFraction: number;
}

/**
 * A BFS costs O(n + m) while a route costs a few hops, so pairs are drawn as several destinations per
 * uniform source: each pair is still uniform, and one search serves them all. Eight per source on the
 * AS graph; on larger graphs one per thousand nodes keeps the searches near a hundred per 10,000 pairs.
 */
function destinationsPerSource(nodeCount: number): number {
  return Math.max(8, Math.ceil(nodeCount / 1000));
}

/**
 * Routes `pairs` random pairs (distinct ends, both in the largest live component) with fresh lookups.
 * Pairs are grouped by source so one BFS (and Dijkstra) per source serves all its pairs.
 */
export function measureStretch(overlay: PlanetaryOverlay, options: StretchOptions): StretchReport {
  const topology = overlay.topology;
  const n = topology.nodeCount;
  const members = largestComponent(components(topology, overlay.nodeUp, overlay.linkUp));
  const rng = new RngStreams(options.seed).stream('planetary/pairs');
  const src = new Int32Array(options.pairs);
  const dst = new Int32Array(options.pairs);
  const perSource = destinationsPerSource(members.length);
  if (members.length >= 2) {
    for (let i = 0; i < options.pairs; i++) {
      const s = i % perSource === 0 ? members[rng.int(0, members.length)]! : src[i - 1]!;
      let t = s;
      while (t === s) t = members[rng.int(0, members.length)]!;
      src[i] = s;
      dst[i] = t;
    }
  }
  const order = Array.from({ length: members.length >= 2 ? options.pairs : 0 }, (_, i) => i).sort((a, b) => src[a]! - src[b]! || a - b);
  const paths = new ShortestPaths(topology, overlay.nodeUp, overlay.linkUp);
  const withLatency = topology.hasCoordinates;
  const hopStretch: number[] = [];
  let treeStretchSum = 0;
  let routedHops = 0;
  let shortestHops = 0;
  const latencyStretch: number[] = [];
  const transit = new Int32Array(n);
  const path = new Int32Array(n + 1);
  let delivered = 0;
  let lastSource = -1;
  const targets: number[] = [];
  const root = members.length > 0 ? overlay.rootOf(members[0]!) : -1;
  let rootOnShortest = 0;
  for (let at = 0; at < order.length; at++) {
    const i = order[at]!;
    const s = src[i]!;
    const t = dst[i]!;
    if (s !== lastSource) {
      targets.length = 0;
      for (let k = at; k < order.length && src[order[k]!] === s; k++) targets.push(dst[order[k]!]!);
      paths.bfs(s, targets);
      if (withLatency) paths.dijkstra(s);
      lastSource = s;
    }
    const r = overlay.route(s, t, path);
    if (r.status !== RouteStatus.delivered) continue;
    delivered++;
    hopStretch.push(r.hops / paths.hops[t]!);
    treeStretchSum += treeDistance(overlay.coords[s]!, overlay.coords[t]!) / paths.hops[t]!;
    routedHops += r.hops;
    shortestHops += paths.hops[t]!;
    if (withLatency) latencyStretch.push(r.latencyS / paths.latencyS[t]!);
    for (let k = 1; k < r.hops; k++) transit[path[k]!]!++;
    if (root >= 0 && onShortestPath(topology, paths.hops, t, root)) rootOnShortest++;
  }
  const state = routingState(overlay);
  let busiest = 0;
  for (let x = 1; x < n; x++) if (transit[x]! > transit[busiest]!) busiest = x;
  let depthMax = 0;
  for (let x = 0; x < n; x++) depthMax = Math.max(depthMax, overlay.coords[x]!.length - 1);
  const sorted = [...hopStretch].sort((a, b) => a - b);
  return {
    nodes: n,
    edges: topology.edgeCount,
    meanStretch: mean(hopStretch),
    p99Stretch: percentile(sorted, 0.99),
    maxStretch: sorted.at(-1) ?? NaN,
    deliveryRatio: order.length === 0 ? NaN : delivered / order.length,
    meanRoutingEntries: state.meanPeers + state.meanTreeEntries,
    pairs: order.length,
    meanHops: delivered === 0 ? NaN : routedHops / delivered,
    meanShortestHops: delivered === 0 ? NaN : shortestHops / delivered,
    meanTreeStretch: delivered === 0 ? NaN : treeStretchSum / delivered,
    meanPeers: state.meanPeers,
    meanTreeEntries: state.meanTreeEntries,
    maxRoutingEntries: state.maxEntries,
    meanLatencyStretch: withLatency ? mean(latencyStretch) : null,
    p99LatencyStretch: withLatency ? percentile([...latencyStretch].sort((a, b) => a - b), 0.99) : null,
    stretchOneFraction: hopStretch.length === 0 ? NaN : hopStretch.filter((x) => x === 1).length / hopStretch.length,
    root: root >= 0 ? topology.labels[root]! : '',
    treeDepthMax: depthMax,
    rootTransitFraction: delivered === 0 || root < 0 ? 0 : transit[root]! / delivered,
    rootShortestTransitFraction: delivered === 0 ? 0 : rootOnShortest / delivered,
    busiestTransitNode: topology.labels[busiest] ?? '',
    busiestTransitFraction: delivered === 0 ? 0 : transit[busiest]! / delivered,
  };
}

/**
 * Routing state per live node: one entry per live peer, plus the tree records it needs to compute
 * distances — its own root path and each peer's, counted once per node. (ironwood's CRDT in fact
 * gossips every node's record, up to routerMaxInfos; this counts what forwarding reads.)
 */
export function routingState(overlay: PlanetaryOverlay): { meanPeers: number; meanTreeEntries: number; maxEntries: number } {
  const { offsets, neighbours, edgeIds, nodeCount } = overlay.topology;
  const stamp = new Int32Array(nodeCount).fill(-1);
  let peers = 0;
  let records = 0;
  let live = 0;
  let maxEntries = 0;
  for (let u = 0; u < nodeCount; u++) {
    if (overlay.nodeUp[u] === 0) continue;
    live++;
    let mine = 0;
    let known = 0;
    const count = (path: ArrayLike<number>): void => {
      for (let i = 0; i < path.length; i++) {
        if (stamp[path[i]!] === u) continue;
        stamp[path[i]!] = u;
        known++;
      }
    };
    count(overlay.coords[u]!);
    for (let h = offsets[u]!; h < offsets[u + 1]!; h++) {
      if (overlay.linkKnownUp[edgeIds[h]!] === 0) continue;
      mine++;
      count(overlay.coords[neighbours[h]!]!);
    }
    peers += mine;
    records += known;
    maxEntries = Math.max(maxEntries, mine + known);
  }
  return { meanPeers: live === 0 ? 0 : peers / live, meanTreeEntries: live === 0 ? 0 : records / live, maxEntries };
}

/** Whether `via` is an intermediate node of the shortest path to `t` that always steps to the lowest-id closer peer. */
function onShortestPath(topology: PlanetaryOverlay['topology'], hops: Int32Array, t: number, via: number): boolean {
  const { offsets, neighbours } = topology;
  let x = t;
  while (hops[x]! > 1) {
    for (let h = offsets[x]!; h < offsets[x + 1]!; h++) {
      const v = neighbours[h]!;
      if (hops[v] === hops[x]! - 1) {
        x = v;
        break;
      }
    }
    if (x === via) return true;
  }
  return false;
}

function mean(values: number[]): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
