// Stretch over many roots: the tree's root decides most of the spread of stretch, so one root (one
// seed) says little. Leaves out root election: each measured root is forced (PlanetaryOptions.rootNode).

import { RngStreams } from '../../engine/rng.js';
import { percentile } from '../../engine/stats.js';
import { components, largestComponent, type Topology } from '../topology/graph.js';
import { PlanetaryOverlay } from './overlay.js';
import { measureStretch, type StretchReport } from './stretch.js';
import type { ParentRule } from './tree.js';
import type { StretchFigures } from '../stretch-figures.js';

export interface RootsOptions {
  readonly roots: number;
  readonly pairs: number;
  readonly seed: string | number;
  readonly parentRule?: ParentRule;
}

/** Mean over roots of each root's figure (p99 too); max and maxRoutingEntries over all roots; delivery over all pairs; `roots` by nearest rank. */
export interface RootsReport extends StretchFigures {
  /** The roots measured (node indices) and each one's mean hop stretch, in the same order. */
  readonly rootNodes: readonly number[];
  readonly rootMeans: readonly number[];
}

/**
 * `roots` distinct nodes of the largest component, drawn uniformly from the "planetary/roots" stream
 * (all of them when it has fewer). The same pairs (same seed) are routed under every root.
 */
export function pickRoots(topology: Topology, count: number, seed: string | number): number[] {
  const members = largestComponent(components(topology));
  const rng = new RngStreams(seed).stream('planetary/roots');
  const pool = [...members];
  const k = Math.min(count, pool.length);
  for (let i = 0; i < k; i++) {
    const j = rng.int(i, pool.length);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, k);
}

export function measureRoots(topology: Topology, options: RootsOptions): RootsReport {
  const rootNodes = pickRoots(topology, options.roots, options.seed);
  const reports: StretchReport[] = rootNodes.map((rootNode) =>
    measureStretch(new PlanetaryOverlay(topology, { seed: options.seed, rootNode, ...(options.parentRule && { parentRule: options.parentRule }) }), {
      pairs: options.pairs,
      seed: options.seed,
    }),
  );
  const rootMeans = reports.map((r) => r.meanStretch);
  const sorted = [...rootMeans].sort((a, b) => a - b);
  const meanOf = (f: (r: StretchReport) => number): number => reports.reduce((sum, r) => sum + f(r), 0) / reports.length;
  let pairs = 0;
  let delivered = 0;
  for (const r of reports) {
    pairs += r.pairs;
    delivered += r.deliveryRatio * r.pairs;
  }
  return {
    nodes: topology.nodeCount,
    edges: topology.edgeCount,
    meanStretch: meanOf((r) => r.meanStretch),
    p99Stretch: meanOf((r) => r.p99Stretch),
    maxStretch: Math.max(...reports.map((r) => r.maxStretch)),
    meanLatencyStretch: topology.hasCoordinates ? meanOf((r) => r.meanLatencyStretch ?? NaN) : null,
    deliveryRatio: pairs === 0 ? NaN : delivered / pairs,
    meanRoutingEntries: meanOf((r) => r.meanRoutingEntries),
    maxRoutingEntries: Math.max(...reports.map((r) => r.maxRoutingEntries)),
    roots: { p10: percentile(sorted, 0.1), median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) },
    rootNodes,
    rootMeans,
  };
}
