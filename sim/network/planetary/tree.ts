// Growing the Planetary Network's spanning tree: root = smallest key, then one of two parent rules.
// Leaves out the gossip itself: a node attaches when the root's announcement first reaches it.
// The root is the smallest key as in v0.5/ironwood (DOMAIN 4, issue 6); ANCHORS 4.4's "highest TreeID" is v0.3.
//
// 'zos' (the default): yggdrasil 0.5.4, which zos pins, with the ironwood of that time (ironwood
// `network/router.go` at 4972641, Nov 2023, unchanged in this respect until ca35d0d^). Its `_fix` keeps
// the current parent while it leads to the best root; otherwise, among the peers with that root, it
// prefers the one whose ancestry changed least recently (`ancSeqs`), then the one whose signed reply
// came back first (`resSeqs`): never depth or link cost. A node therefore first attaches to the peer
// whose announcement of the root reached it first, and keeps it: the tree follows the root's
// announcement as it floods, a shortest-arrival tree (ties to the smaller key, our choice).
// 'ironwood': ironwood since ca35d0d (Sep 2024): the least distance-to-root × link cost, here
// (peer depth + 1) × link latency.

import { MinHeap } from '../topology/shortest-paths.js';
import type { Topology } from '../topology/graph.js';
import { compareKeys } from './keys.js';

/** What tree growth reads: the graph, the keys, and which nodes and links the routers believe up. */
export const parentRules = ['zos', 'ironwood'] as const;
export type ParentRule = (typeof parentRules)[number];

export interface TreeContext {
  readonly topology: Topology;
  /** 'zos' when absent (see the top of this file). */
  readonly parentRule?: ParentRule;
  readonly keys: Float64Array;
  readonly nodeUp: Uint8Array;
  readonly linkKnownUp: Uint8Array;
}

export interface Attachment {
  readonly node: number;
  readonly parent: number;
  /** Hop count to the root once attached. */
  readonly depth: number;
  /** When the announcement reached the node, counted from the start of the growth. */
  readonly arrivalS: number;
}

/** Per-node scratch shared by all growths (never re-entered); only the entries a growth touched are reset. */
let arrivalScratch = new Float64Array(0);
let viaScratch = new Int32Array(0);
/** attach()'s heap, empty between calls: one per churn event would be two typed arrays each. */
const attachHeap = new MinHeap(1024);

function scratchFor(n: number): void {
  if (arrivalScratch.length >= n) return;
  arrivalScratch = new Float64Array(n).fill(Infinity);
  viaScratch = new Int32Array(n).fill(-1);
}

/**
 * Attaches every `pending` node reachable from `seeds` (nodes already in the tree, depth ≥ 0 in
 * `depth`; a node marked in `stale` counts as not placed). Announcements spread at link latency, so
 * nodes attach in order of arrival. Under 'zos' each takes the peer its first announcement came from;
 * under 'ironwood', among its already-placed peers, the one with the least (peer depth + 1) × link
 * latency. Ties go to the smaller key. A peer attached earlier can never be a descendant, so no
 * choice makes a loop. Writes `depth`; returns attachments in order. Costs the links of the seeds and
 * of the nodes attached, never O(all nodes): a repair pays for the orphaned subtree and its border.
 */
export function attach(ctx: TreeContext, depth: Int32Array, pending: Uint8Array, seeds: ArrayLike<number>, stale?: Uint8Array): Attachment[] {
  const { offsets, neighbours, latencyS, edgeIds } = ctx.topology;
  scratchFor(ctx.topology.nodeCount);
  const arrival = arrivalScratch;
  const via = viaScratch;
  const touched: number[] = [];
  const heap = attachHeap;
  heap.size = 0;
  const firstArrival = (ctx.parentRule ?? 'zos') === 'zos';
  const placed = (p: number): boolean => depth[p]! >= 0 && (stale === undefined || stale[p] === 0);
  const offer = (u: number, base: number): void => {
    for (let h = offsets[u]!, end = offsets[u + 1]!; h < end; h++) {
      const v = neighbours[h]!;
      if (pending[v] === 0 || depth[v]! >= 0 || ctx.linkKnownUp[edgeIds[h]!] === 0 || ctx.nodeUp[v] === 0) continue;
      const t = base + latencyS[h]!;
      if (t < arrival[v]!) {
        if (arrival[v] === Infinity) touched.push(v);
        arrival[v] = t;
        via[v] = u;
        heap.push(t, v);
      } else if (t === arrival[v] && compareKeys(ctx.keys, u, via[v]!) < 0) via[v] = u;
    }
  };
  for (let i = 0; i < seeds.length; i++) if (placed(seeds[i]!)) offer(seeds[i]!, 0);
  const attached: Attachment[] = [];
  while (heap.size > 0) {
    const t = heap.peekPriority();
    const u = heap.pop();
    if (depth[u]! >= 0 || t > arrival[u]!) continue;
    const parent = firstArrival ? via[u]! : cheapestParent(ctx, depth, u, placed);
    depth[u] = depth[parent]! + 1;
    attached.push({ node: u, parent, depth: depth[u]!, arrivalS: t });
    offer(u, t);
  }
  for (const v of touched) {
    arrival[v] = Infinity;
    via[v] = -1;
  }
  return attached;
}

/** ironwood's rule since ca35d0d: the attached peer with the least (depth + 1) × link latency. */
function cheapestParent(ctx: TreeContext, depth: Int32Array, u: number, placed: (p: number) => boolean): number {
  const { offsets, neighbours, latencyS, edgeIds } = ctx.topology;
  let parent = -1;
  let bestCost = Infinity;
  for (let h = offsets[u]!, end = offsets[u + 1]!; h < end; h++) {
    const p = neighbours[h]!;
    if (!placed(p) || ctx.linkKnownUp[edgeIds[h]!] === 0 || ctx.nodeUp[p] === 0) continue;
    const cost = (depth[p]! + 1) * latencyS[h]!;
    if (cost < bestCost || (cost === bestCost && compareKeys(ctx.keys, p, parent) < 0)) {
      bestCost = cost;
      parent = p;
    }
  }
  return parent;
}

/** The whole forest: one tree per component of live nodes, each rooted at its smallest key. */
export function growForest(ctx: TreeContext): { roots: number[]; attachments: Attachment[] } {
  const n = ctx.topology.nodeCount;
  const depth = new Int32Array(n).fill(-1);
  const pending = new Uint8Array(n);
  const byKey: number[] = [];
  for (let i = 0; i < n; i++) {
    if (ctx.nodeUp[i] === 0) continue;
    pending[i] = 1;
    byKey.push(i);
  }
  byKey.sort((a, b) => compareKeys(ctx.keys, a, b));
  const roots: number[] = [];
  const attachments: Attachment[] = [];
  for (const root of byKey) {
    if (depth[root]! >= 0) continue;
    depth[root] = 0;
    roots.push(root);
    attachments.push({ node: root, parent: -1, depth: 0, arrivalS: 0 });
    for (const a of attach(ctx, depth, pending, [root])) attachments.push(a);
  }
  return { roots, attachments };
}

/**
 * `heads` and every node below them in the routers' tree, heads first. A child is always a peer, so
 * the walk reads the subtree's links only: O(subtree), not O(all nodes). `mark` is scratch of one
 * byte per node, all zero on entry and on return.
 */
export function subtreeList(topology: Topology, parent: Int32Array, heads: readonly number[], mark: Uint8Array): number[] {
  const { offsets, neighbours } = topology;
  const out: number[] = [];
  for (const h of heads) {
    if (mark[h] === 1) continue;
    mark[h] = 1;
    out.push(h);
  }
  for (let i = 0; i < out.length; i++) {
    const u = out[i]!;
    for (let k = offsets[u]!, end = offsets[u + 1]!; k < end; k++) {
      const v = neighbours[k]!;
      if (parent[v] !== u || mark[v] === 1) continue;
      mark[v] = 1;
      out.push(v);
    }
  }
  for (const x of out) mark[x] = 0;
  return out;
}
