// How a gateway node reaches a backend, kept abstract so that ZNIC, Z-Net and the planetary overlays
// can plug in later. Ships one provider over the underlay's shortest paths; it ignores overlay stretch.

import { InputError } from '../../errors.js';
import type { Topology } from '../topology/graph.js';
import { ShortestPaths } from '../topology/shortest-paths.js';
import type { BackendAddress } from './backend-address.js';

/** A usable path right now: the one-way latency from the gateway node to the backend. */
export interface BackendPath {
  readonly latencyS: number;
}

/** `undefined` means the backend cannot be reached from that gateway node at this moment. */
export type BackendPathProvider = (gatewayNode: number, backend: BackendAddress) => BackendPath | undefined;

export interface UnderlayPathOptions {
  /** The underlay node hosting each backend IP (its ZNIC, or the node of its Z-Net/overlay address). */
  readonly hostOf: (backend: BackendAddress) => number | undefined;
  /** Live masks the caller flips (0 = down); call invalidate() after changing them. */
  readonly nodeUp?: Uint8Array;
  readonly linkUp?: Uint8Array;
}

/**
 * Dijkstra latencies over the underlay, one search per gateway node, cached until invalidate().
 * Every route (public, planetary, Z-Net) uses the same shortest path here: a first-order model.
 */
export class UnderlayPathProvider {
  private readonly searcher: ShortestPaths;
  private readonly cache = new Map<number, Float64Array>();

  constructor(
    private readonly topology: Topology,
    private readonly options: UnderlayPathOptions,
  ) {
    for (const [field, mask, size] of [['nodeUp', options.nodeUp, topology.nodeCount], ['linkUp', options.linkUp, topology.edgeCount]] as const) {
      if (mask !== undefined && mask.length !== size) throw new InputError('underlay path provider', field, `needs ${size} entries, got ${mask.length}`);
    }
    this.searcher = new ShortestPaths(topology, options.nodeUp, options.linkUp);
  }

  /** The provider as a plain function, which is what gateways take. */
  readonly provider: BackendPathProvider = (gatewayNode, backend) => this.path(gatewayNode, backend);

  path(gatewayNode: number, backend: BackendAddress): BackendPath | undefined {
    const host = this.options.hostOf(backend);
    if (host === undefined || !this.isNode(host) || !this.isNode(gatewayNode)) return undefined;
    if (!this.isUp(gatewayNode) || !this.isUp(host)) return undefined;
    const latencyS = this.latenciesFrom(gatewayNode)[host]!;
    return latencyS === Infinity ? undefined : { latencyS };
  }

  /** Drops cached searches; needed after the masks change. */
  invalidate(): void {
    // Every power change calls this; V8's Map#clear allocates a fresh table even when empty.
    if (this.cache.size > 0) this.cache.clear();
  }

  private latenciesFrom(source: number): Float64Array {
    let latencies = this.cache.get(source);
    if (latencies === undefined) {
      // The searcher reuses one array per search, so keep a copy per source.
      latencies = Float64Array.from(this.searcher.dijkstra(source));
      this.cache.set(source, latencies);
    }
    return latencies;
  }

  private isNode(node: number): boolean {
    return Number.isInteger(node) && node >= 0 && node < this.topology.nodeCount;
  }

  private isUp(node: number): boolean {
    return this.options.nodeUp === undefined || this.options.nodeUp[node] !== 0;
  }
}
