// Who re-elects when a dead root's record expires, and under which root: the nodes still cut off (and
// restored nodes that waited with them), one group per connected piece. Yggdrasil keeps a working
// parent (ironwood network/router.go `_fix` at 4972641, read for tree.ts: the current parent stays while
// it leads to the best root), so nodes under a live root stay where they are; a piece joins the one live tree it touches,
// or elects its own smallest key when it touches none. When that would move a live tree (the piece
// touches two trees, or holds a key better than the tree's root, whose announcement would re-root it),
// the caller regrows the whole forest instead. Costs the pieces and their border, not the whole graph.

import type { Topology } from '../topology/graph.js';
import { compareKeys } from './keys.js';

export interface ReelectContext {
  readonly topology: Topology;
  readonly keys: Float64Array;
  readonly nodeUp: Uint8Array;
  readonly linkKnownUp: Uint8Array;
  readonly stale: Uint8Array;
  readonly depth: Int32Array;
  readonly parent: Int32Array;
}

export interface ReelectPiece {
  /** The piece's nodes (its elected root first when `root` is -1). */
  readonly nodes: number[];
  /** Placed, non-stale peers it attaches through (empty when it elects its own root). */
  readonly seeds: number[];
  /** The live tree's root it joins, or -1 when it elects nodes[0]. */
  readonly root: number;
}

/** The router's root of a placed node: parent pointers up to depth 0, remembered in `known` on the way. */
export function routerRoot(ctx: ReelectContext, node: number, known: Map<number, number> = new Map()): number {
  const path: number[] = [];
  let v = node;
  let root = known.get(v);
  for (let guard = ctx.topology.nodeCount; root === undefined && ctx.parent[v]! >= 0 && guard > 0; guard--) {
    path.push(v);
    v = ctx.parent[v]!;
    root = known.get(v);
  }
  root ??= v;
  for (const x of path) known.set(x, root);
  return root;
}

/**
 * Splits `waiting` (duplicates and nodes no longer waiting are dropped) into pieces, or returns
 * 'regrow' when some piece would re-root a live tree. `mark` is one byte per node, zero on entry and
 * on return.
 */
export function planReelection(ctx: ReelectContext, waiting: readonly number[], mark: Uint8Array): ReelectPiece[] | 'regrow' {
  const { offsets, neighbours, edgeIds } = ctx.topology;
  const group: number[] = [];
  for (const x of waiting) {
    if (mark[x] !== 0 || ctx.nodeUp[x] === 0 || !(ctx.stale[x] === 1 || ctx.depth[x]! < 0)) continue;
    mark[x] = 1;
    group.push(x);
  }
  const pieces: ReelectPiece[] = [];
  const knownRoots = new Map<number, number>();
  let verdict: 'ok' | 'regrow' = 'ok';
  for (const start of group) {
    if (mark[start] !== 1) continue;
    mark[start] = 2;
    const nodes = [start];
    const seeds: number[] = [];
    const roots = new Set<number>();
    for (let i = 0; i < nodes.length; i++) {
      const u = nodes[i]!;
      for (let h = offsets[u]!, end = offsets[u + 1]!; h < end; h++) {
        const v = neighbours[h]!;
        if (ctx.linkKnownUp[edgeIds[h]!] === 0 || ctx.nodeUp[v] === 0) continue;
        if (mark[v] === 1) {
          mark[v] = 2;
          nodes.push(v);
        } else if (mark[v] === 0 && ctx.stale[v] === 0 && ctx.depth[v]! >= 0) {
          mark[v] = 3;
          seeds.push(v);
          roots.add(routerRoot(ctx, v, knownRoots));
        } else if (mark[v] === 0) verdict = 'regrow'; // a waiting peer nobody listed: leave it to the full regrow
      }
    }
    for (const v of seeds) mark[v] = 0;
    let best = nodes[0]!;
    for (const x of nodes) if (compareKeys(ctx.keys, x, best) < 0) best = x;
    const [root] = roots;
    if (roots.size > 1 || (root !== undefined && compareKeys(ctx.keys, best, root) < 0)) verdict = 'regrow';
    if (root === undefined) {
      nodes.splice(nodes.indexOf(best), 1);
      nodes.unshift(best);
    }
    pieces.push({ nodes, seeds, root: root ?? -1 });
  }
  for (const x of group) mark[x] = 0;
  return verdict === 'regrow' ? 'regrow' : pieces;
}
