// Growing the Planetary Network's spanning tree: root = smallest key, parents by latency-weighted depth.
// Leaves out the gossip itself: a node attaches when the root's announcement first reaches it.
// The root is the smallest key as in v0.5/ironwood (DOMAIN 4, issue 6); ANCHORS 4.4's "highest TreeID" is v0.3.
// ironwood's `router._fix` (network/router.go) keeps its parent until the refresh or the parent's loss,
// then takes the same-root peer whose signed reply came back first: lowest RTT, blind to depth. Modelled
// that way the tree grows deeper and stretch worse (seeds 1-5: Kdl 1.35-1.65, AS 1.13-1.30), so DOMAIN
// 4's depth-weighted cost is kept; re-evaluating it at each refresh changes Kdl's stretch by at most 0.05.

import { MinHeap } from '../topology/shortest-paths.js';
import type { Topology } from '../topology/graph.js';
import { compareKeys } from './keys.js';

/** What tree growth reads: the graph, the keys, and which nodes and links the routers believe up. */
export interface TreeContext {
  readonly topology: Topology;
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

/**
 * Attaches every `pending` node reachable from `seeds` (nodes already in the tree, depth ≥ 0 in
 * `depth`). Announcements spread at link latency, so nodes attach in order of arrival, each taking
 * among its already-attached peers the one with the least (peer depth + 1) × link latency — ironwood's
 * "distance to root × link cost" — ties to the smaller key. A peer attached earlier can never be a
 * descendant, so no choice makes a loop. Writes `depth`; returns attachments in order.
 */
export function attach(ctx: TreeContext, depth: Int32Array, pending: Uint8Array, seeds: ArrayLike<number>): Attachment[] {
  const { offsets, neighbours, latencyS, edgeIds } = ctx.topology;
  const heap = new MinHeap(256);
  const arrival = new Float64Array(ctx.topology.nodeCount).fill(Infinity);
  const offer = (u: number, base: number): void => {
    for (let h = offsets[u]!, end = offsets[u + 1]!; h < end; h++) {
      const v = neighbours[h]!;
      if (pending[v] === 0 || depth[v]! >= 0 || ctx.linkKnownUp[edgeIds[h]!] === 0 || ctx.nodeUp[v] === 0) continue;
      const t = base + latencyS[h]!;
      if (t < arrival[v]!) {
        arrival[v] = t;
        heap.push(t, v);
      }
    }
  };
  for (let i = 0; i < seeds.length; i++) offer(seeds[i]!, 0);
  const attached: Attachment[] = [];
  while (heap.size > 0) {
    const t = heap.peekPriority();
    const u = heap.pop();
    if (depth[u]! >= 0 || t > arrival[u]!) continue;
    let parent = -1;
    let bestCost = Infinity;
    for (let h = offsets[u]!, end = offsets[u + 1]!; h < end; h++) {
      const p = neighbours[h]!;
      if (depth[p]! < 0 || ctx.linkKnownUp[edgeIds[h]!] === 0 || ctx.nodeUp[p] === 0) continue;
      const cost = (depth[p]! + 1) * latencyS[h]!;
      if (cost < bestCost || (cost === bestCost && compareKeys(ctx.keys, p, parent) < 0)) {
        bestCost = cost;
        parent = p;
      }
    }
    depth[u] = depth[parent]! + 1;
    attached.push({ node: u, parent, depth: depth[u]!, arrivalS: t });
    offer(u, t);
  }
  return attached;
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

/** Marks `heads` and every node whose parent chain passes through one of them (1 = inside). */
export function subtreeOf(parent: Int32Array, heads: readonly number[]): Uint8Array {
  const n = parent.length;
  const state = new Int8Array(n); // 0 unknown, 1 inside, -1 outside
  for (const h of heads) state[h] = 1;
  const chain: number[] = [];
  for (let x = 0; x < n; x++) {
    let y = x;
    while (state[y] === 0 && parent[y]! >= 0) {
      chain.push(y);
      y = parent[y]!;
    }
    const verdict = state[y] === 1 ? 1 : -1;
    for (const c of chain) state[c] = verdict;
    chain.length = 0;
    if (state[x] === 0) state[x] = -1;
  }
  return Uint8Array.from(state, (s) => (s === 1 ? 1 : 0));
}
