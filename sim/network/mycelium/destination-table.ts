// One destination subnet's routing state at every node (Mycelium routes one /64 per node): the route
// entries each node holds from its peers, its selected entry and its source-table feasibility distance.
// Typed arrays sized n + 2m per destination in use, so memory grows with destinations × graph, never n².

import { metricInfinite } from './constants.js';

/** Seqno-cache record of one node for one requested seqno (seqno_cache.rs SeqnoForwardInfo). */
export interface SeqnoForward {
  firstSentS: number;
  lastSentS: number;
  /** Half-edges (at this node) the request went to. */
  readonly targets: number[];
  /** Half-edges (at this node) of the peers that asked us: they get the answer (router.rs interested_peers). */
  readonly sources: number[];
}

/** Route-request cache record (rr_cache.rs RouteRequestInfo). */
export interface RouteRequestSent {
  readonly generation: number;
  readonly receivers: readonly number[];
  readonly sentS: number;
}

export class DestinationTable {
  /** The destination node's router seqno, the only one its updates carry. */
  sourceSeqno = 0;
  /**
   * When the destination last bumped its seqno (router.rs router_seqno.1, set at router start): routers
   * have run long before the model's time 0, so "never".
   */
  lastBumpS = -Infinity;
  /** Per node: the selected half-edge (its next hop), or -1. */
  readonly selected: Int32Array;
  /** Per node: the source-table entry for (subnet, destination router id); seqno -1 when absent. */
  readonly fdMetric: Uint16Array;
  readonly fdSeqno: Int32Array;
  /** Per node: how many route entries it holds (0: the subnet is unknown, Routes::None). */
  readonly entryCount: Uint16Array;
  /** Per half-edge h at node u (peer v = neighbours[h]): the entry u holds from v. */
  readonly present: Uint8Array;
  readonly metric: Uint16Array;
  readonly seqno: Uint16Array;
  /** When a retracted entry is purged (only meaningful for retracted entries). */
  readonly purgeAtS: Float32Array;
  /** Sparse per-node protocol state, created only at nodes that take part in a request. */
  readonly seqnoCache = new Map<number, SeqnoForward>();
  readonly routeRequests = new Map<number, RouteRequestSent>();
  readonly queriedAtS = new Map<number, number>();
  /** Nodes whose selected route changed since the last call of takeChanged(). */
  private changed: number[] = [];
  private readonly changedMark: Uint8Array;

  constructor(
    readonly dest: number,
    nodeCount: number,
    halfEdgeCount: number,
  ) {
    this.selected = new Int32Array(nodeCount).fill(-1);
    this.fdMetric = new Uint16Array(nodeCount);
    this.fdSeqno = new Int32Array(nodeCount).fill(-1);
    this.entryCount = new Uint16Array(nodeCount);
    this.changedMark = new Uint8Array(nodeCount);
    this.present = new Uint8Array(halfEdgeCount);
    this.metric = new Uint16Array(halfEdgeCount).fill(metricInfinite);
    this.seqno = new Uint16Array(halfEdgeCount);
    this.purgeAtS = new Float32Array(halfEdgeCount);
  }

  select(u: number, h: number): void {
    if (this.selected[u] === h) return;
    this.selected[u] = h;
    if (this.changedMark[u] === 0) {
      this.changedMark[u] = 1;
      this.changed.push(u);
    }
  }

  /** The nodes whose selection changed since the last call; resets the list. */
  takeChanged(): number[] {
    const out = this.changed;
    this.changed = [];
    for (const u of out) this.changedMark[u] = 0;
    return out;
  }

  /** Bytes of typed-array state this table holds (its sparse maps are not counted). */
  get stateBytes(): number {
    return this.selected.byteLength + this.fdMetric.byteLength + this.fdSeqno.byteLength + this.entryCount.byteLength +
      this.changedMark.byteLength + this.present.byteLength + this.metric.byteLength + this.seqno.byteLength + this.purgeAtS.byteLength;
  }
}
