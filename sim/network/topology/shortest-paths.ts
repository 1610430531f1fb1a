// Shortest paths on a topology: BFS hop counts and Dijkstra latencies, one source at a time.
// Leaves out all-pairs tables (O(n²) memory); callers reuse one searcher across sources.

import type { Topology } from './graph.js';

/** A binary min-heap of (priority, item) on typed arrays, with lazy decrease-key by re-insertion. */
export class MinHeap {
  private prio: Float64Array;
  private items: Int32Array;
  size = 0;

  constructor(capacity = 64) {
    this.prio = new Float64Array(capacity);
    this.items = new Int32Array(capacity);
  }

  push(priority: number, item: number): void {
    if (this.size === this.prio.length) {
      const p = new Float64Array(this.size * 2);
      p.set(this.prio);
      const it = new Int32Array(this.size * 2);
      it.set(this.items);
      this.prio = p;
      this.items = it;
    }
    let hole = this.size++;
    while (hole > 0) {
      const up = (hole - 1) >> 1;
      if (this.prio[up]! <= priority) break;
      this.prio[hole] = this.prio[up]!;
      this.items[hole] = this.items[up]!;
      hole = up;
    }
    this.prio[hole] = priority;
    this.items[hole] = item;
  }

  /** The smallest priority; call before pop(). */
  peekPriority(): number {
    return this.prio[0]!;
  }

  pop(): number {
    const top = this.items[0]!;
    const last = --this.size;
    const p = this.prio[last]!;
    const item = this.items[last]!;
    let hole = 0;
    while (2 * hole + 1 < last) {
      let child = 2 * hole + 1;
      if (child + 1 < last && this.prio[child + 1]! < this.prio[child]!) child++;
      if (this.prio[child]! >= p) break;
      this.prio[hole] = this.prio[child]!;
      this.items[hole] = this.items[child]!;
      hole = child;
    }
    this.prio[hole] = p;
    this.items[hole] = item;
    return top;
  }
}

/** Reusable BFS/Dijkstra state over one topology; `up` masks (0 = down) restrict both. */
export class ShortestPaths {
  readonly hops: Int32Array;
  readonly latencyS: Float64Array;
  private readonly queue: Int32Array;
  private readonly heap = new MinHeap(1024);
  /** Marks the current BFS's targets: wanted[x] === generation. */
  private readonly wanted: Int32Array;
  private generation = 0;

  constructor(
    private readonly topology: Topology,
    private readonly nodeUp?: Uint8Array,
    private readonly linkUp?: Uint8Array,
  ) {
    this.hops = new Int32Array(topology.nodeCount);
    this.latencyS = new Float64Array(topology.nodeCount);
    this.queue = new Int32Array(topology.nodeCount);
    this.wanted = new Int32Array(topology.nodeCount);
  }

  /**
   * Fills `hops` from `source`; -1 where unreachable. With `targets`, it stops once all of them are
   * labelled (nodes further out may stay -1): on a small-world graph most pairs end a few levels early.
   */
  bfs(source: number, targets?: ArrayLike<number>): Int32Array {
    const { offsets, neighbours, edgeIds } = this.topology;
    const hops = this.hops.fill(-1);
    const queue = this.queue;
    let head = 0;
    let tail = 0;
    hops[source] = 0;
    queue[tail++] = source;
    let missing = Infinity;
    if (targets !== undefined) {
      this.generation++;
      missing = 0;
      for (let i = 0; i < targets.length; i++) {
        const x = targets[i]!;
        if (x !== source && this.wanted[x] !== this.generation) {
          this.wanted[x] = this.generation;
          missing++;
        }
      }
    }
    while (head < tail && missing > 0) {
      const u = queue[head++]!;
      const next = hops[u]! + 1;
      for (let h = offsets[u]!, end = offsets[u + 1]!; h < end; h++) {
        const v = neighbours[h]!;
        if (hops[v] !== -1 || !this.usable(v, edgeIds[h]!)) continue;
        hops[v] = next;
        queue[tail++] = v;
        if (this.wanted[v] === this.generation) missing--;
      }
    }
    return hops;
  }

  /** Fills `latencyS` from `source`; Infinity where unreachable. */
  dijkstra(source: number): Float64Array {
    const { offsets, neighbours, edgeIds, latencyS: linkLatencyS } = this.topology;
    const dist = this.latencyS.fill(Infinity);
    const heap = this.heap;
    heap.size = 0;
    dist[source] = 0;
    heap.push(0, source);
    while (heap.size > 0) {
      const d = heap.peekPriority();
      const u = heap.pop();
      if (d > dist[u]!) continue;
      for (let h = offsets[u]!, end = offsets[u + 1]!; h < end; h++) {
        const v = neighbours[h]!;
        const alt = d + linkLatencyS[h]!;
        if (alt < dist[v]! && this.usable(v, edgeIds[h]!)) {
          dist[v] = alt;
          heap.push(alt, v);
        }
      }
    }
    return dist;
  }

  private usable(v: number, edge: number): boolean {
    return (this.nodeUp === undefined || this.nodeUp[v] !== 0) && (this.linkUp === undefined || this.linkUp[edge] !== 0);
  }
}
