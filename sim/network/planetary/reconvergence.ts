// Reconvergence after one failure of each known kind (a tree link, a parent, the root), in virtual time.
// Leaves out traffic during repair beyond sampled sends, and failures that split the graph (none is chosen).

import { RngStreams } from '../../engine/rng.js';
import { components, cutPoints, findEdge, type Topology } from '../topology/graph.js';
import { RouteStatus } from './greedy.js';
import { PlanetaryOverlay } from './overlay.js';

export type FailureKind = 'link' | 'parent' | 'root';
export const failureKinds: readonly FailureKind[] = ['link', 'parent', 'root'];

export interface ReconvergenceReport {
  readonly kind: FailureKind;
  /** What failed, by file labels: `a-b` for a link, the node otherwise; '' when nothing qualified. */
  readonly failed: string;
  /** From the failure until the last affected node had its new coordinates. */
  readonly reconvergenceS: number;
  readonly affectedNodes: number;
  /** Delivery of sampled sends (warm caches) just before detection, and once reconverged. */
  readonly deliveryDuring: number;
  readonly deliveryAfter: number;
  /** The root after reconvergence (a new one after root loss). */
  readonly root: string;
}

/** Seconds of steady state before the failure, so the failure does not fall on a refresh boundary by design. */
const failAtS = 1000;

/**
 * Fails the biggest target of `kind` whose loss keeps the graph connected (a tree link with the largest
 * subtree below it, the parent with most children, or the root) and measures how the overlay recovers.
 */
export function measureReconvergence(topology: Topology, options: { seed: string | number; kind: FailureKind; pairs: number }): ReconvergenceReport {
  const overlay = new PlanetaryOverlay(topology, { seed: options.seed });
  const target = pickTarget(overlay, options.kind);
  const empty = { kind: options.kind, failed: '', reconvergenceS: NaN, affectedNodes: 0, deliveryDuring: NaN, deliveryAfter: NaN, root: '' };
  if (target === undefined) return empty;
  const pairs = samplePairs(overlay, target.gone, options.pairs, options.seed);
  overlay.sim.run({ untilS: failAtS - 1 });
  for (const [s, d] of pairs) overlay.send(s, d); // warm the caches, as running sessions would have
  overlay.sim.run({ untilS: failAtS });
  if (target.link !== undefined) overlay.failLink(target.link[0], target.link[1]);
  else overlay.failNode(target.gone);
  overlay.sim.run({ untilS: failAtS + overlay.timers.peerTimeoutS / 2 });
  const deliveryDuring = ratio(overlay, pairs);
  overlay.sim.run({ untilS: failAtS + overlay.timers.routerTimeoutS + overlay.timers.routerRefreshS });
  const record = overlay.history[0]!;
  const deliveryAfter = ratio(overlay, pairs);
  const label = (x: number): string => topology.labels[x] ?? '';
  return {
    kind: options.kind,
    failed: target.link !== undefined ? `${label(target.link[0])}-${label(target.link[1])}` : label(target.gone),
    reconvergenceS: record.convergedAtS - record.atS,
    affectedNodes: record.affectedNodes,
    deliveryDuring,
    deliveryAfter,
    root: label(overlay.rootOf(pairs[0]?.[0] ?? 0)),
  };
}

interface Target {
  readonly link?: readonly [number, number];
  /** The node that goes away (for a link: -1). */
  readonly gone: number;
}

function pickTarget(overlay: PlanetaryOverlay, kind: FailureKind): Target | undefined {
  const { topology, parent, depth } = overlay;
  const n = topology.nodeCount;
  if (kind === 'root') return { gone: overlay.rootOf(0) };
  const below = new Int32Array(n);
  const children = new Int32Array(n);
  for (const path of overlay.coords) for (let i = 0; i < path.length; i++) below[path[i]!]!++;
  for (let x = 0; x < n; x++) if (parent[x]! >= 0) children[parent[x]!]!++;
  const { cutVertex, bridge } = cutPoints(topology);
  let best: Target | undefined;
  let bestScore = -1;
  for (let x = 0; x < n; x++) {
    if (kind === 'link') {
      const e = parent[x]! >= 0 ? findEdge(topology, x, parent[x]!) : -1;
      if (e >= 0 && bridge[e] === 0 && below[x]! > bestScore) [best, bestScore] = [{ link: [x, parent[x]!], gone: -1 }, below[x]!];
    } else if (children[x]! > 0 && depth[x]! > 0 && cutVertex[x] === 0) {
      const score = children[x]! * n + below[x]!;
      if (score > bestScore) [best, bestScore] = [{ gone: x }, score];
    }
  }
  return best;
}

/** Pairs within the component that survives losing `gone`, drawn from the "planetary/reconvergence" stream. */
function samplePairs(overlay: PlanetaryOverlay, gone: number, count: number, seed: string | number): [number, number][] {
  const alive = new Uint8Array(overlay.topology.nodeCount).fill(1);
  if (gone >= 0) alive[gone] = 0;
  const label = components(overlay.topology, alive);
  const sizes = new Map<number, number>();
  for (const c of label) if (c >= 0) sizes.set(c, (sizes.get(c) ?? 0) + 1);
  const main = [...sizes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
  const members = [...label.keys()].filter((x) => label[x] === main);
  const rng = new RngStreams(seed).stream('planetary/reconvergence');
  const pairs: [number, number][] = [];
  while (members.length >= 2 && pairs.length < count) {
    const s = members[rng.int(0, members.length)]!;
    const d = members[rng.int(0, members.length)]!;
    if (s !== d) pairs.push([s, d]);
  }
  return pairs;
}

function ratio(overlay: PlanetaryOverlay, pairs: readonly [number, number][]): number {
  let ok = 0;
  for (const [s, d] of pairs) if (overlay.send(s, d).status === RouteStatus.delivered) ok++;
  return pairs.length === 0 ? NaN : ok / pairs.length;
}
