// Random connected graphs for the network property tests, and the checks they share: tree invariants
// and loop-free paths. Graphs are built through the real CSR builder, so loader rules apply to them too.
import fc from 'fast-check';
import { existsSync } from 'node:fs';

import { buildTopology, components, type Topology } from '../../sim/network/topology/graph.js';
import type { PlanetaryOverlay } from '../../sim/network/planetary/overlay.js';
import { projectPath } from '../../sim/project-files.js';

/** A file under the repository's data/topologies/ (data/SOURCES.md says where each came from). */
export function topologyFile(relative: string): string {
  const path = projectPath(`data/topologies/${relative}`);
  if (!existsSync(path)) throw new Error(`topology ${path} not found in data/topologies/`);
  return path;
}

export interface GraphSpec {
  readonly n: number;
  /** Edge records, possibly with repeats and loops, which the builder drops. */
  readonly edges: readonly (readonly [number, number])[];
  readonly latencyUs: readonly number[];
}

/** A connected graph: a random tree (node i hangs off some j < i) plus random extra links. */
export function connectedGraph(maxNodes = 30): fc.Arbitrary<GraphSpec> {
  return fc.integer({ min: 2, max: maxNodes }).chain((n) =>
    fc
      .record({
        tree: fc.array(fc.nat(), { minLength: n - 1, maxLength: n - 1 }),
        extra: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 2 * n }),
        latency: fc.array(fc.integer({ min: 10, max: 20_000 }), { minLength: 3 * n + 1, maxLength: 3 * n + 1 }),
      })
      .map(({ tree, extra, latency }) => {
        const edges: [number, number][] = tree.map((r, i) => [i + 1, r % (i + 1)] as [number, number]);
        for (const [a, b] of extra) edges.push([a, b]);
        return { n, edges, latencyUs: latency.slice(0, edges.length) };
      }),
  );
}

export function topologyOf(spec: GraphSpec, withLatency = true): Topology {
  return buildTopology({
    source: 'generated',
    labels: Array.from({ length: spec.n }, (_, i) => String(i)),
    from: spec.edges.map((e) => e[0]),
    to: spec.edges.map((e) => e[1]),
    latencyS: withLatency ? spec.latencyUs.map((us) => us * 1e-6) : undefined,
    hasCoordinates: withLatency,
  });
}

/** Whether the live nodes are still one component over the links that are up. */
export function liveConnected(overlay: PlanetaryOverlay): boolean {
  const label = components(overlay.topology, overlay.nodeUp, overlay.linkUp);
  const seen = new Set<number>();
  label.forEach((c) => c >= 0 && seen.add(c));
  return seen.size <= 1;
}

/**
 * The converged tree's invariants, as messages (empty when all hold): each component has one root, the
 * smallest key; every other live node's parent is a live peer over a link believed up, one hop closer to
 * the root; coordinates are the parent's plus the node.
 */
export function treeViolations(overlay: PlanetaryOverlay): string[] {
  const problems: string[] = [];
  const { topology, parent, depth, keys, coords } = overlay;
  const label = components(topology, overlay.nodeUp, overlay.linkKnownUp);
  const minKey = new Map<number, number>();
  for (let x = 0; x < topology.nodeCount; x++) {
    if (label[x]! < 0) continue;
    const best = minKey.get(label[x]!);
    if (best === undefined || keys[x]! < keys[best]!) minKey.set(label[x]!, x);
  }
  for (let x = 0; x < topology.nodeCount; x++) {
    if (overlay.nodeUp[x] === 0) continue;
    if (overlay.stale[x] === 1) problems.push(`${x} is still stale`);
    const root = minKey.get(label[x]!)!;
    if (coords[x]![0] !== root) problems.push(`${x} has root ${coords[x]![0]}, expected smallest key ${root}`);
    const p = parent[x]!;
    if (p < 0) {
      if (x !== root) problems.push(`${x} has no parent but is not the root`);
      continue;
    }
    let peered = false;
    for (let h = topology.offsets[x]!; h < topology.offsets[x + 1]!; h++) {
      if (topology.neighbours[h] === p && overlay.linkKnownUp[topology.edgeIds[h]!] === 1) peered = true;
    }
    if (!peered || overlay.nodeUp[p] === 0) problems.push(`${x}'s parent ${p} is not a live peer`);
    if (depth[p] !== depth[x]! - 1) problems.push(`${x}'s parent ${p} is not one hop closer to the root`);
    const c = coords[x]!;
    const cp = coords[p]!;
    if (c.length !== cp.length + 1 || c.at(-1) !== x || cp.some((v, i) => c[i] !== v)) problems.push(`${x}'s coordinates do not extend its parent's`);
  }
  return problems;
}

/** The first node a path visits twice, or -1. */
export function repeatedNode(path: Int32Array, hops: number): number {
  const seen = new Set<number>();
  for (let i = 0; i <= hops; i++) {
    if (seen.has(path[i]!)) return path[i]!;
    seen.add(path[i]!);
  }
  return -1;
}

/** A connected random graph from an Rng-like source: a random tree plus `extra` random links. */
export function randomConnected(n: number, extra: number, next: () => number, offset = 0): [number, number][] {
  const edges: [number, number][] = [];
  for (let i = 1; i < n; i++) edges.push([offset + i, offset + Math.floor(next() * i)]);
  for (let k = 0; k < extra; k++) edges.push([offset + Math.floor(next() * n), offset + Math.floor(next() * n)]);
  return edges;
}

/** Delivery ratio of `send` (cached lookups, one retry after "path broken") over the given pairs. */
export function sendRatio(overlay: PlanetaryOverlay, pairs: readonly (readonly [number, number])[]): number {
  let ok = 0;
  for (const [s, d] of pairs) if (overlay.send(s, d).status === 'delivered') ok++;
  return pairs.length === 0 ? NaN : ok / pairs.length;
}
