// Half-edge bookkeeping shared by the Mycelium model: the node owning each half-edge and the opposite
// half-edge of the same link, so "the entry u holds from v" and "v's entry from u" are array indices.

import type { Topology } from '../topology/graph.js';

export interface HalfEdges {
  /** owner[h]: the node whose adjacency list holds h (the peer is topology.neighbours[h]). */
  readonly owner: Int32Array;
  /** reverse[h]: the half-edge of the same link at the peer. */
  readonly reverse: Int32Array;
}

export function halfEdges(topology: Topology): HalfEdges {
  const { nodeCount, offsets, edgeIds } = topology;
  const owner = new Int32Array(edgeIds.length);
  const reverse = new Int32Array(edgeIds.length);
  const first = new Int32Array(topology.edgeCount).fill(-1);
  for (let u = 0; u < nodeCount; u++) {
    for (let h = offsets[u]!; h < offsets[u + 1]!; h++) {
      owner[h] = u;
      const e = edgeIds[h]!;
      if (first[e] === -1) first[e] = h;
      else {
        reverse[h] = first[e]!;
        reverse[first[e]!] = h;
      }
    }
  }
  return { owner, reverse };
}
