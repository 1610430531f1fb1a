// An undirected underlay graph in compressed sparse row form: typed arrays, one latency per link.
// Leaves out bandwidth, link state and routing; loaders (graphml.ts, snap.ts) and overlays build on it.

import { InputError } from '../../errors.js';

/** A link with no coordinates behind it: every hop costs the same, so latency reduces to hop count. */
export const defaultLinkLatencyS = 0.001;

/**
 * The graph after loading: node i's peers are neighbours[offsets[i] .. offsets[i+1]), sorted by id.
 * Arrays are indexed by "half-edge" h (one per direction); edgeIds[h] names the undirected link.
 */
export interface Topology {
  /** The file (or generator) it came from, for messages. */
  readonly source: string;
  readonly nodeCount: number;
  /** Unique undirected links, self-loops and parallel edges left out. */
  readonly edgeCount: number;
  readonly offsets: Int32Array;
  readonly neighbours: Int32Array;
  /** One-way latency of each half-edge's link. */
  readonly latencyS: Float64Array;
  readonly edgeIds: Int32Array;
  /** Link e joins edgeA[e] < edgeB[e]. */
  readonly edgeA: Int32Array;
  readonly edgeB: Int32Array;
  readonly edgeLatencyS: Float64Array;
  /** The node ids as the file wrote them. */
  readonly labels: readonly string[];
  /** True when latencies come from geography; false when every link costs defaultLinkLatencyS. */
  readonly hasCoordinates: boolean;
}

export interface EdgeListInput {
  readonly source: string;
  readonly labels: readonly string[];
  /** Endpoints of each edge record, in file order; loops and repeats are allowed here. */
  readonly from: ArrayLike<number>;
  readonly to: ArrayLike<number>;
  /** Per record; defaults to defaultLinkLatencyS. The first record of a repeated pair wins. */
  readonly latencyS?: ArrayLike<number>;
  readonly hasCoordinates?: boolean;
}

/** Builds the CSR form, dropping self-loops and duplicate (or reversed) edges. */
export function buildTopology(input: EdgeListInput): Topology {
  const n = input.labels.length;
  const records = input.from.length;
  if (input.to.length !== records) throw new InputError(input.source, '', 'edge endpoint arrays differ in length');
  // Sort record indices by the unordered pair; n·lo + hi is exact below 2^53 for any n we load.
  const keyOf = new Float64Array(records);
  const order: number[] = [];
  for (let r = 0; r < records; r++) {
    const a = input.from[r]!;
    const b = input.to[r]!;
    if (a === b) continue;
    keyOf[r] = Math.min(a, b) * n + Math.max(a, b);
    order.push(r);
  }
  order.sort((x, y) => keyOf[x]! - keyOf[y]! || x - y);
  const unique: number[] = [];
  for (let i = 0; i < order.length; i++) {
    if (i === 0 || keyOf[order[i]!] !== keyOf[order[i - 1]!]) unique.push(order[i]!);
  }
  const m = unique.length;
  const edgeA = new Int32Array(m);
  const edgeB = new Int32Array(m);
  const edgeLatencyS = new Float64Array(m);
  const degree = new Int32Array(n);
  for (let e = 0; e < m; e++) {
    const r = unique[e]!;
    const a = Math.min(input.from[r]!, input.to[r]!);
    const b = Math.max(input.from[r]!, input.to[r]!);
    edgeA[e] = a;
    edgeB[e] = b;
    edgeLatencyS[e] = input.latencyS?.[r] ?? defaultLinkLatencyS;
    degree[a]!++;
    degree[b]!++;
  }
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + degree[i]!;
  const fill = offsets.slice(0, n);
  const neighbours = new Int32Array(2 * m);
  const latencyS = new Float64Array(2 * m);
  const edgeIds = new Int32Array(2 * m);
  // Links are sorted by (low, high), so each node receives its lower peers before its higher ones,
  // both in increasing order: every adjacency list comes out sorted without a second sort.
  for (let e = 0; e < m; e++) {
    for (const [x, y] of [[edgeA[e]!, edgeB[e]!], [edgeB[e]!, edgeA[e]!]] as const) {
      const h = fill[x]!++;
      neighbours[h] = y;
      latencyS[h] = edgeLatencyS[e]!;
      edgeIds[h] = e;
    }
  }
  return {
    source: input.source,
    nodeCount: n,
    edgeCount: m,
    offsets,
    neighbours,
    latencyS,
    edgeIds,
    edgeA,
    edgeB,
    edgeLatencyS,
    labels: input.labels,
    hasCoordinates: input.hasCoordinates ?? false,
  };
}

/** Connected components over the links for which `linkUp` (if given) is non-zero; -1 for dead nodes. */
export function components(topology: Topology, nodeUp?: Uint8Array, linkUp?: Uint8Array): Int32Array {
  const { nodeCount, offsets, neighbours, edgeIds } = topology;
  const label = new Int32Array(nodeCount).fill(-1);
  const queue = new Int32Array(nodeCount);
  let next = 0;
  for (let s = 0; s < nodeCount; s++) {
    if (label[s] !== -1 || (nodeUp !== undefined && nodeUp[s] === 0)) continue;
    let head = 0;
    let tail = 0;
    queue[tail++] = s;
    label[s] = next;
    while (head < tail) {
      const u = queue[head++]!;
      for (let h = offsets[u]!; h < offsets[u + 1]!; h++) {
        const v = neighbours[h]!;
        if (label[v] !== -1 || (linkUp !== undefined && linkUp[edgeIds[h]!] === 0)) continue;
        if (nodeUp !== undefined && nodeUp[v] === 0) continue;
        label[v] = next;
        queue[tail++] = v;
      }
    }
    next++;
  }
  return label;
}

/** The members of the largest component, in increasing id order (the smallest label wins ties). */
export function largestComponent(label: Int32Array): Int32Array {
  const sizes = new Map<number, number>();
  for (const c of label) if (c >= 0) sizes.set(c, (sizes.get(c) ?? 0) + 1);
  let best = -1;
  let bestSize = 0;
  for (const [c, size] of sizes) if (size > bestSize || (size === bestSize && c < best)) [best, bestSize] = [c, size];
  const members: number[] = [];
  label.forEach((c, i) => c === best && members.push(i));
  return Int32Array.from(members);
}

/** The undirected link between a and b, or -1; adjacency lists are sorted, so this is a binary search. */
export function findEdge(topology: Topology, a: number, b: number): number {
  let lo = topology.offsets[a]!;
  let hi = topology.offsets[a + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = topology.neighbours[mid]!;
    if (v === b) return topology.edgeIds[mid]!;
    if (v < b) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * Cut vertices and bridges (Tarjan's low-link, iterative so deep chains cannot overflow the stack):
 * losing a cut vertex or a bridge splits its component.
 */
export function cutPoints(topology: Topology): { cutVertex: Uint8Array; bridge: Uint8Array } {
  const { nodeCount: n, offsets, neighbours, edgeIds } = topology;
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const viaEdge = new Int32Array(n).fill(-1);
  const cursor = new Int32Array(n);
  const stack = new Int32Array(n);
  const cutVertex = new Uint8Array(n);
  const bridge = new Uint8Array(topology.edgeCount);
  let clock = 0;
  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue;
    let top = 0;
    stack[0] = root;
    order[root] = low[root] = clock++;
    cursor[root] = offsets[root]!;
    let rootChildren = 0;
    while (top >= 0) {
      const u = stack[top]!;
      if (cursor[u]! < offsets[u + 1]!) {
        const h = cursor[u]!++;
        const v = neighbours[h]!;
        const e = edgeIds[h]!;
        if (e === viaEdge[u]) continue;
        if (order[v] === -1) {
          order[v] = low[v] = clock++;
          viaEdge[v] = e;
          cursor[v] = offsets[v]!;
          stack[++top] = v;
          if (u === root) rootChildren++;
        } else low[u] = Math.min(low[u]!, order[v]!);
        continue;
      }
      top--;
      if (top < 0) break;
      const p = stack[top]!;
      low[p] = Math.min(low[p]!, low[u]!);
      if (low[u]! > order[p]!) bridge[viaEdge[u]!] = 1;
      if (p !== root && low[u]! >= order[p]!) cutVertex[p] = 1;
    }
    if (rootChildren > 1) cutVertex[root] = 1;
  }
  return { cutVertex, bridge };
}
