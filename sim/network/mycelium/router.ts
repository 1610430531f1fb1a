// Mycelium 0.7.x routing as zos runs it: Babel-derived distance vector over every node's peers, one
// destination subnet (a node's /64) at a time, event-driven on the discrete-event engine. Each handler
// follows threefoldtech/mycelium v0.7.3 mycelium/src/router.rs (handle_incoming_update,
// find_best_route, route_selection, handle_dead_peer, handle_incoming_seqno_request,
// handle_incoming_route_request, send_seqno_request, propagate_selected_route), source_table.rs
// (feasibility) and seqno_cache.rs. Leaves out the data plane, encryption, the update-queue overflow
// drop, peer reconnection, and the expiry of unrefreshed finite routes (held 3.5 × 300 s; routes in
// use are refreshed by route requests before that, router.rs route_packet).

import { Simulation } from '../../engine/simulation.js';
import { RngStreams } from '../../engine/rng.js';
import { SimulationError } from '../../errors.js';
import type { Topology } from '../topology/graph.js';
import { MinHeap } from '../topology/shortest-paths.js';
import {
  bigMetricChange,
  deadPeerCheckIntervalS,
  helloIntervalS,
  maxRouteRequestGeneration,
  metricInfinite,
  noRouteExpirationS,
  packetHeaderBytes,
  retractedHoldS,
  routeQueryTimeoutS,
  routeRequestBytes,
  routeRequestCacheS,
  seqnoBumpTimeoutS,
  seqnoDedupTtlS,
  seqnoForwardHoldS,
  seqnoRequestBytes,
  seqnoRequestHopCount,
  significantImprovement,
  updateBytes,
  type PeerTransport,
} from './constants.js';
import { silentDetectionS, type TimerPhases } from './detection.js';
import { DestinationTable, type SeqnoForward } from './destination-table.js';
import { halfEdges, type HalfEdges } from './half-edges.js';
import { addMetric, steadyLinkCosts } from './link-cost.js';

/**
 * 0.7.3 (what zos pins) has the seqno-bump rate limit inverted: a source bumps only within 4 s of its
 * previous bump (or of start-up), so in practice never; 0.7.5 fixed it (commit 939acc3, "Fix seqno
 * handling"). Both are offered; 0.7.3 is the default because it is what the grid runs.
 */
export type MyceliumVersion = '0.7.3' | '0.7.5';
export const myceliumVersions: readonly MyceliumVersion[] = ['0.7.3', '0.7.5'];

/**
 * How seqno requests travel. 'mycelium' is router.rs as released (0.7.3 and 0.7.5 alike): a node that
 * loses its route asks only the peers it holds entries from, and a relay passes an answer on only if
 * its seqno is exactly the one requested. 'rfc8966' is ours, a proposal for upstream: the node asks
 * every peer (RFC 8966 3.8.2.1 lets a starving node send its request to all neighbours), and a relay
 * passes on any answer with a seqno at least the one requested (an answer "satisfies" a request,
 * RFC 8966 3.8.1.2). On a ring-like map the first lets the request leave the lost subtree, the
 * second lets a bump that overtook the request come back.
 */
export type SeqnoRequestRule = 'mycelium' | 'rfc8966';
export const seqnoRequestRules: readonly SeqnoRequestRule[] = ['mycelium', 'rfc8966'];

/** Seqnos below an update's that a relay still treats as answered by it ('rfc8966'): requests ask FD + 1. */
const answeredWindow = 4;

export interface MyceliumOptions {
  readonly seed: string | number;
  readonly version?: MyceliumVersion;
  /** 'mycelium' (default) or our 'rfc8966' proposal; see SeqnoRequestRule. */
  readonly seqnoRequests?: SeqnoRequestRule;
  readonly transport?: PeerTransport;
  /** Per-message processing time added to the link latency (default 0.1 ms). */
  readonly processingDelayS?: number;
  /** Share an engine with other models; by default the network has its own. */
  readonly sim?: Simulation;
}

const enum Kind {
  update,
  seqnoRequest,
  routeRequest,
}

/** A control TLV in flight; `h` is the half-edge at the receiver that points back to the sender. */
interface Message {
  readonly kind: Kind;
  readonly table: DestinationTable;
  readonly h: number;
  readonly metric: number;
  readonly seqno: number;
  /** Update: the router id is the destination's (false: a retraction carrying the sender's own id). */
  readonly fromSource: boolean;
  /** Seqno request: hop count; route request: generation. */
  readonly count: number;
  readonly epoch: number;
}

/** How a failed link is noticed (router.rs: process_dead_peers at once, check_for_dead_peers otherwise). */
export type FailureNotice = 'silent' | 'connection-error';

export interface LinkFailure {
  readonly edge: number;
  readonly failS: number;
  /** When each end removed the peer: [edgeA side, edgeB side]. */
  readonly detectedS: readonly [number, number];
}

export class MyceliumNetwork {
  readonly sim: Simulation;
  readonly version: MyceliumVersion;
  readonly seqnoRequests: SeqnoRequestRule;
  readonly halves: HalfEdges;
  /** Per half-edge: the link cost the owner sees towards that peer. */
  readonly linkCost: Uint16Array;
  /** Per link: physically up. */
  readonly linkUp: Uint8Array;
  /** Per half-edge: the owner still has the peer among its interfaces (not yet declared dead). */
  readonly peerAlive: Uint8Array;
  readonly phases: TimerPhases;
  /** Control bytes each node sent through routing events (hellos/IHUs are added analytically by callers). */
  readonly controlBytes: Float64Array;
  readonly tables = new Map<number, DestinationTable>();
  /** Called after any node's selected route changes (for observers; keep it cheap). */
  onRouteChange: ((table: DestinationTable) => void) | undefined;
  messageCount = 0;
  private readonly linkEpoch: Int32Array;
  private readonly processingDelayS: number;

  constructor(
    readonly topology: Topology,
    options: MyceliumOptions,
  ) {
    this.sim = options.sim ?? new Simulation();
    this.version = options.version ?? '0.7.3';
    this.seqnoRequests = options.seqnoRequests ?? 'mycelium';
    this.processingDelayS = options.processingDelayS ?? 0.0001;
    this.halves = halfEdges(topology);
    this.linkCost = steadyLinkCosts(topology, options.transport ?? 'tcp6');
    this.linkUp = new Uint8Array(topology.edgeCount).fill(1);
    this.linkEpoch = new Int32Array(topology.edgeCount);
    this.peerAlive = new Uint8Array(topology.neighbours.length).fill(1);
    this.controlBytes = new Float64Array(topology.nodeCount);
    const rng = new RngStreams(options.seed).stream('mycelium/timer-phases');
    const helloPhaseS = new Float64Array(topology.nodeCount);
    const checkPhaseS = new Float64Array(topology.nodeCount);
    for (let u = 0; u < topology.nodeCount; u++) {
      helloPhaseS[u] = rng.next() * helloIntervalS;
      checkPhaseS[u] = rng.next() * deadPeerCheckIntervalS;
    }
    this.phases = { helloPhaseS, checkPhaseS };
  }

  get nowS(): number {
    return this.sim.nowS;
  }

  table(dest: number): DestinationTable {
    let t = this.tables.get(dest);
    if (t === undefined) {
      if (!(dest >= 0 && dest < this.topology.nodeCount)) throw new SimulationError(`mycelium: no node ${dest}`);
      t = new DestinationTable(dest, this.topology.nodeCount, this.topology.neighbours.length);
      this.tables.set(dest, t);
    }
    return t;
  }

  // ---- entry points -------------------------------------------------------------------------------

  /** The destination announces its own subnet to its peers (router.rs propagate_static_routes_to_peers): the route floods. */
  announce(dest: number): DestinationTable {
    const t = this.table(dest);
    this.propagateStatic(t);
    return t;
  }

  /** A packet from `source` finds no route entry: it floods a route request (router.rs route_packet, send_route_request). */
  requestRoute(source: number, dest: number): DestinationTable {
    const t = this.table(dest);
    if (source === dest || t.entryCount[source]! > 0 || this.queried(t, source) !== 'none') return t;
    t.queriedAtS.set(source, this.nowS);
    const cached = this.routeRequestCache(t, source);
    const skip = cached !== undefined && cached.generation === 0 ? cached.receivers : [];
    const peers = this.alivePeers(source);
    for (const h of peers) if (!skip.includes(h)) this.send(source, h, Kind.routeRequest, t, 0, 0, false, 0);
    t.routeRequests.set(source, { generation: 0, receivers: peers, sentS: this.nowS });
    return t;
  }

  /** Fails link `edge` now; each end notices at once (connection error) or at its dead-peer check. */
  failLink(edge: number, notice: FailureNotice): LinkFailure {
    if (this.linkUp[edge] === 0) throw new SimulationError(`mycelium: link ${edge} is already down`);
    this.linkUp[edge] = 0;
    this.linkEpoch[edge]!++;
    const failS = this.nowS;
    const { edgeA, edgeB, edgeLatencyS } = this.topology;
    const rttS = 2 * edgeLatencyS[edge]!;
    const ends = [edgeA[edge]!, edgeB[edge]!] as const;
    const detectedS = ends.map((u) => (notice === 'connection-error' ? failS : silentDetectionS(this.phases, u, failS, rttS))) as [number, number];
    ends.forEach((u, side) => {
      const h = this.halfEdgeOf(u, edge);
      this.sim.scheduleAt(detectedS[side]!, () => this.peerDied(h));
    });
    return { edge, failS, detectedS };
  }

  /** Runs the engine until no routing event is left (or `untilS`). */
  run(untilS?: number): void {
    this.sim.run(untilS === undefined ? {} : { untilS });
  }

  // ---- steady state without events ---------------------------------------------------------------

  /**
   * The state a quiet network settles in once `dest`'s route has spread with updates arriving in metric
   * order: every node selects its least-metric peer (Dijkstra over link costs, ties to the first peer in
   * adjacency order), holds an entry from every peer whose next hop is not itself (router.rs
   * propagate_selected_route skips the next hop), and its feasibility distance is what it advertised.
   * Used to set up large networks fast; tests compare it with the event-driven spread.
   */
  installSteadyState(dest: number): DestinationTable {
    const t = this.table(dest);
    const { offsets, neighbours, edgeIds } = this.topology;
    const n = this.topology.nodeCount;
    const dist = new Float64Array(n).fill(Infinity);
    const heap = new MinHeap(1024);
    dist[dest] = 0;
    heap.push(0, dest);
    while (heap.size > 0) {
      const d = heap.peekPriority();
      const v = heap.pop();
      if (d > dist[v]!) continue;
      for (let h = offsets[v]!; h < offsets[v + 1]!; h++) {
        if (this.linkUp[edgeIds[h]!] === 0 || this.peerAlive[h] === 0) continue;
        const u = neighbours[h]!;
        const back = this.halves.reverse[h]!;
        const alt = addMetric(d, this.linkCost[back]!);
        if (alt < dist[u]!) {
          dist[u] = alt;
          heap.push(alt, u);
        }
      }
    }
    for (let u = 0; u < n; u++) {
      if (u === dest || dist[u] === Infinity) continue;
      let best = -1;
      for (let h = offsets[u]!; h < offsets[u + 1]!; h++) {
        const v = neighbours[h]!;
        if (this.linkUp[edgeIds[h]!] === 0 || dist[v] === Infinity) continue;
        if (best === -1 || dist[v]! + this.linkCost[h]! < dist[neighbours[best]!]! + this.linkCost[best]!) best = h;
      }
      t.select(u, best);
      t.fdMetric[u] = dist[u]!;
      t.fdSeqno[u] = t.sourceSeqno;
    }
    for (let u = 0; u < n; u++) {
      if (u === dest || dist[u] === Infinity) continue;
      for (let h = offsets[u]!; h < offsets[u + 1]!; h++) {
        const v = neighbours[h]!;
        if (this.linkUp[edgeIds[h]!] === 0 || dist[v] === Infinity) continue;
        if (v !== dest && t.selected[v] === this.halves.reverse[h]) continue;
        t.present[h] = 1;
        t.metric[h] = dist[v]!;
        t.seqno[h] = t.sourceSeqno;
        t.entryCount[u]!++;
      }
    }
    t.takeChanged();
    return t;
  }

  // ---- transport ----------------------------------------------------------------------------------

  private send(u: number, h: number, kind: Kind, table: DestinationTable, metric: number, seqno: number, fromSource: boolean, count: number): void {
    // Only peers still among u's interfaces get anything (router.rs send_update: "refusing to send to dead peer").
    if (this.peerAlive[h] === 0) return;
    this.controlBytes[u]! += packetHeaderBytes + (kind === Kind.update ? updateBytes : kind === Kind.seqnoRequest ? seqnoRequestBytes : routeRequestBytes);
    this.messageCount++;
    const edge = this.topology.edgeIds[h]!;
    if (this.linkUp[edge] === 0) return; // written into a dead connection: lost
    const message: Message = { kind, table, h: this.halves.reverse[h]!, metric, seqno, fromSource, count, epoch: this.linkEpoch[edge]! };
    this.sim.schedule(this.topology.latencyS[h]! + this.processingDelayS, this.deliver, message);
  }

  private readonly deliver = (m: Message): void => {
    const edge = this.topology.edgeIds[m.h]!;
    if (this.linkEpoch[edge] !== m.epoch || this.linkUp[edge] === 0) return;
    // TLVs from a peer the receiver already declared dead are dropped (router.rs *_processor: "sender is dead").
    if (this.peerAlive[m.h] === 0) return;
    if (m.kind === Kind.update) this.handleUpdate(m.table, m.h, m.metric, m.seqno, m.fromSource);
    else if (m.kind === Kind.seqnoRequest) this.handleSeqnoRequest(m.table, m.h, m.seqno, m.count);
    else this.handleRouteRequest(m.table, m.h, m.count);
  };

  private alivePeers(u: number): number[] {
    const out: number[] = [];
    for (let h = this.topology.offsets[u]!; h < this.topology.offsets[u + 1]!; h++) if (this.peerAlive[h] === 1) out.push(h);
    return out;
  }

  private halfEdgeOf(u: number, edge: number): number {
    for (let h = this.topology.offsets[u]!; h < this.topology.offsets[u + 1]!; h++) if (this.topology.edgeIds[h] === edge) return h;
    throw new SimulationError(`mycelium: node ${u} has no link ${edge}`);
  }

  // ---- feasibility (source_table.rs) --------------------------------------------------------------

  /** is_update_feasible: newer seqno, or same seqno and strictly smaller metric, or a retraction; no entry: feasible. */
  private feasible(t: DestinationTable, u: number, metric: number, seqno: number, fromSource: boolean): boolean {
    if (metric === metricInfinite || !fromSource) return true;
    const fdSeqno = t.fdSeqno[u]!;
    return fdSeqno < 0 || seqno > fdSeqno || (seqno === fdSeqno && metric < t.fdMetric[u]!);
  }

  /** update_source_table for an update node u sends with the destination's router id. */
  private noteAdvertised(t: DestinationTable, u: number, metric: number, seqno: number): void {
    const fdSeqno = t.fdSeqno[u]!;
    if (fdSeqno < 0 || seqno > fdSeqno || (seqno === fdSeqno && metric < t.fdMetric[u]!)) {
      t.fdSeqno[u] = seqno;
      t.fdMetric[u] = metric;
    }
  }

  // ---- route selection (router.rs find_best_route, route_selection) -------------------------------

  private findBest(t: DestinationTable, u: number): number {
    let best = -1;
    let bestTotal = metricInfinite;
    for (let h = this.topology.offsets[u]!; h < this.topology.offsets[u + 1]!; h++) {
      if (t.present[h] === 0 || t.metric[h] === metricInfinite) continue;
      if (!this.feasible(t, u, t.metric[h]!, t.seqno[h]!, true)) continue;
      const total = addMetric(t.metric[h]!, this.linkCost[h]!);
      if (best === -1 || total < bestTotal) {
        best = h;
        bestTotal = total;
      }
    }
    const current = t.selected[u]!;
    if (best !== -1 && current !== -1 && best !== current) {
      const currentTotal = addMetric(t.metric[current]!, this.linkCost[current]!);
      const threshold = currentTotal === metricInfinite ? metricInfinite : Math.max(0, currentTotal - significantImprovement);
      if (!(bestTotal < threshold || t.metric[best] === 0)) return current;
    }
    return best;
  }

  private routeSelection(t: DestinationTable, u: number): void {
    const current = t.selected[u]!;
    const best = this.findBest(t, u);
    if (best !== -1) {
      if (best === current) return;
      t.select(u, best);
    } else if (current !== -1) {
      this.sendSeqnoRequest(t, u, -1, -1);
      t.select(u, -1);
    }
    this.propagateSelected(t, u, undefined);
    this.onRouteChange?.(t);
  }

  // ---- updates (router.rs handle_incoming_update) -------------------------------------------------

  private handleUpdate(t: DestinationTable, h: number, metric: number, seqno: number, fromSource: boolean): void {
    const u = this.halves.owner[h]!;
    if (u === t.dest) return; // own subnet (is_static_subnet)
    const interested = fromSource ? this.interestedPeers(t, u, seqno) : undefined;
    const feasible = this.feasible(t, u, metric, seqno, fromSource);
    if (t.entryCount[u] === 0) {
      if (!feasible || metric === metricInfinite) {
        if (!feasible) this.sendSeqnoRequest(t, u, h, -1);
        return;
      }
    }
    const old = t.selected[u]!;
    const oldMetric = old === -1 ? -1 : t.metric[old]!;
    if (t.present[h] === 1) {
      if (old === h && !feasible) {
        this.sendSeqnoRequest(t, u, h, -1);
        return;
      }
      if (t.metric[h] === metricInfinite && metric === metricInfinite) return;
      t.metric[h] = metric;
      t.seqno[h] = fromSource ? seqno : t.seqno[h]!;
      if (feasible && metric === metricInfinite) this.schedulePurge(t, h);
      if (old !== h && !feasible) return;
    } else {
      if (metric === metricInfinite || !feasible) {
        if (!feasible && old === -1) this.sendSeqnoRequest(t, u, h, -1);
        return;
      }
      t.present[h] = 1;
      t.metric[h] = metric;
      t.seqno[h] = seqno;
      t.entryCount[u]!++;
      t.queriedAtS.delete(u);
    }
    const chosen = this.findBest(t, u);
    if (chosen !== -1) t.select(u, chosen);
    else if (old !== -1) {
      this.sendSeqnoRequest(t, u, -1, -1);
      t.select(u, -1);
    }
    const now = t.selected[u]!;
    if (now !== old) this.onRouteChange?.(t);
    let trigger: boolean;
    if (old !== -1 && now !== -1) trigger = Math.abs(t.metric[now]! - oldMetric) > bigMetricChange;
    else trigger = old !== now;
    if (trigger) this.propagateSelected(t, u, undefined);
    else if (interested !== undefined) this.propagateSelected(t, u, interested);
  }

  /** propagate_selected_route: the selected route to every peer but its next hop, or a retraction to all. */
  private propagateSelected(t: DestinationTable, u: number, peers: readonly number[] | undefined): void {
    const sel = t.selected[u]!;
    const targets = peers ?? this.alivePeers(u);
    if (sel !== -1) {
      const metric = addMetric(t.metric[sel]!, this.linkCost[sel]!);
      const seqno = t.seqno[sel]!;
      this.noteAdvertised(t, u, metric, seqno);
      for (const h of targets) if (h !== sel) this.send(u, h, Kind.update, t, metric, seqno, true, 0);
    } else {
      for (const h of targets) this.send(u, h, Kind.update, t, metricInfinite, 0, false, 0);
    }
  }

  /** The destination advertises its subnet with metric 0 and its router seqno (propagate_static_route_to_peer). */
  private propagateStatic(t: DestinationTable): void {
    for (const h of this.alivePeers(t.dest)) this.send(t.dest, h, Kind.update, t, 0, t.sourceSeqno, true, 0);
  }

  private schedulePurge(t: DestinationTable, h: number): void {
    const at = this.nowS + retractedHoldS;
    t.purgeAtS[h] = at;
    this.sim.scheduleAt(at, () => {
      // Still the same retraction: an unselected retracted entry is simply removed (process_expired_route_keys).
      if (t.present[h] === 0 || t.metric[h] !== metricInfinite || t.purgeAtS[h] !== Math.fround(at)) return;
      const u = this.halves.owner[h]!;
      if (t.selected[u] === h) return;
      this.removeEntry(t, h);
    });
  }

  private removeEntry(t: DestinationTable, h: number): void {
    t.present[h] = 0;
    t.metric[h] = metricInfinite;
    t.entryCount[this.halves.owner[h]!]!--;
  }

  // ---- dead peers (router.rs handle_dead_peer) -----------------------------------------------------

  private peerDied(h: number): void {
    if (this.peerAlive[h] === 0) return;
    this.peerAlive[h] = 0;
    const u = this.halves.owner[h]!;
    for (const t of this.tables.values()) {
      if (t.present[h] === 0) continue;
      if (t.selected[u] === h) {
        t.metric[h] = metricInfinite;
        this.schedulePurge(t, h);
        this.routeSelection(t, u);
      } else this.removeEntry(t, h);
    }
  }

  // ---- seqno requests -----------------------------------------------------------------------------

  /** The peers that asked u for this update's seqno (router.rs: seqno_cache.get of the exact seqno), or, under 'rfc8966', for any it answers. */
  private interestedPeers(t: DestinationTable, u: number, seqno: number): readonly number[] | undefined {
    const exact = t.seqnoCache.get(this.cacheKey(u, seqno))?.sources;
    if (this.seqnoRequests === 'mycelium') return exact;
    let out: number[] | undefined = exact === undefined ? undefined : [...exact];
    for (let back = 1; back <= answeredWindow; back++) {
      const more = t.seqnoCache.get(this.cacheKey(u, seqno - back))?.sources;
      if (more === undefined) continue;
      out ??= [];
      for (const h of more) if (!out.includes(h)) out.push(h);
    }
    return out;
  }

  private cacheKey(u: number, seqno: number): number {
    return u * 65536 + (seqno & 0xffff);
  }

  private cacheEntry(t: DestinationTable, u: number, seqno: number): SeqnoForward | undefined {
    const entry = t.seqnoCache.get(this.cacheKey(u, seqno));
    if (entry !== undefined && this.nowS - entry.firstSentS > seqnoDedupTtlS) {
      t.seqnoCache.delete(this.cacheKey(u, seqno)); // swept (seqno_cache.rs sweep_entries)
      return undefined;
    }
    return entry;
  }

  private noteForward(t: DestinationTable, u: number, seqno: number, target: number, origin: number): void {
    const key = this.cacheKey(u, seqno);
    let entry = this.cacheEntry(t, u, seqno);
    if (entry === undefined) {
      entry = { firstSentS: this.nowS, lastSentS: this.nowS, targets: [], sources: [] };
      t.seqnoCache.set(key, entry);
    }
    entry.lastSentS = this.nowS;
    if (!entry.targets.includes(target)) entry.targets.push(target);
    if (origin !== -1 && !entry.sources.includes(origin)) entry.sources.push(origin);
  }

  /** send_seqno_request: ask for seqno FD+1, to one peer, or to every peer that announced the route. */
  private sendSeqnoRequest(t: DestinationTable, u: number, to: number, origin: number): void {
    const fdSeqno = t.fdSeqno[u]! < 0 ? 0 : t.fdSeqno[u]!;
    const want = fdSeqno + 1;
    const info = this.cacheEntry(t, u, want);
    let targets: number[];
    if (to !== -1) targets = [to];
    else {
      const sent = info !== undefined && this.nowS - info.lastSentS < seqnoBumpTimeoutS ? info.targets : [];
      if (origin === -1 && (t.entryCount[u] === 0 || this.seqnoRequests === 'rfc8966')) targets = this.alivePeers(u);
      else {
        targets = [];
        for (let h = this.topology.offsets[u]!; h < this.topology.offsets[u + 1]!; h++) if (t.present[h] === 1 && !sent.includes(h)) targets.push(h);
      }
    }
    const already = info?.sources ?? [];
    for (const h of targets) {
      if (already.includes(h) || this.peerAlive[h] === 0) continue;
      this.send(u, h, Kind.seqnoRequest, t, 0, want, true, seqnoRequestHopCount);
      this.noteForward(t, u, want, h, origin);
    }
  }

  private bumpAllowed(t: DestinationTable): boolean {
    const sinceS = this.nowS - t.lastBumpS;
    return this.version === '0.7.3' ? sinceS < seqnoBumpTimeoutS : sinceS >= seqnoBumpTimeoutS;
  }

  /** handle_incoming_seqno_request: answer from a good route, bump at the source, or forward once. */
  private handleSeqnoRequest(t: DestinationTable, h: number, want: number, hopCount: number): void {
    const u = this.halves.owner[h]!;
    const info = this.cacheEntry(t, u, want);
    if (info !== undefined && this.nowS - info.lastSentS <= seqnoForwardHoldS) return;
    const sel = t.selected[u]!;
    if (sel !== -1 && t.metric[sel] !== metricInfinite && !(t.seqno[sel]! < want)) {
      // The reply adds the cost of the link to the asking peer, not to the next hop, as the source does.
      const metric = addMetric(t.metric[sel]!, this.linkCost[h]!);
      this.noteAdvertised(t, u, metric, t.seqno[sel]!);
      this.send(u, h, Kind.update, t, metric, t.seqno[sel]!, true, 0);
      return;
    }
    if (u === t.dest) {
      if (want > t.sourceSeqno && this.bumpAllowed(t)) {
        t.sourceSeqno++;
        t.lastBumpS = this.nowS;
        this.propagateStatic(t);
      }
      return;
    }
    if (hopCount < 2) return;
    const visited = info !== undefined && this.nowS - info.lastSentS < seqnoBumpTimeoutS ? info.targets : [];
    // The route list keeps the selected entry first (routing_table/route_list.rs), so it is tried first.
    const candidates = sel === -1 ? this.entriesOf(u) : [sel, ...this.entriesOf(u).filter((r) => r !== sel)];
    for (const feasibleOnly of [true, false]) {
      for (const r of candidates) {
        if (t.present[r] === 0 || t.metric[r] === metricInfinite || r === h || this.peerAlive[r] === 0 || visited.includes(r)) continue;
        if (feasibleOnly && !this.feasible(t, u, t.metric[r]!, t.seqno[r]!, true)) continue;
        this.send(u, r, Kind.seqnoRequest, t, 0, want, true, hopCount - 1);
        this.noteForward(t, u, want, r, h);
        return;
      }
    }
  }

  private entriesOf(u: number): number[] {
    const out: number[] = [];
    for (let h = this.topology.offsets[u]!; h < this.topology.offsets[u + 1]!; h++) out.push(h);
    return out;
  }

  // ---- route requests (router.rs handle_incoming_route_request, 0.6+) ------------------------------

  private queried(t: DestinationTable, u: number): 'none' | 'queried' | 'no-route' {
    const at = t.queriedAtS.get(u);
    if (at === undefined) return 'none';
    const age = this.nowS - at;
    if (age < routeQueryTimeoutS) return 'queried';
    if (age < routeQueryTimeoutS + noRouteExpirationS[this.version]) return 'no-route';
    t.queriedAtS.delete(u);
    return 'none';
  }

  private routeRequestCache(t: DestinationTable, u: number) {
    const cached = t.routeRequests.get(u);
    if (cached !== undefined && this.nowS - cached.sentS >= routeRequestCacheS[this.version]) {
      t.routeRequests.delete(u);
      return undefined;
    }
    return cached;
  }

  private handleRouteRequest(t: DestinationTable, h: number, generation: number): void {
    const u = this.halves.owner[h]!;
    if (u === t.dest) {
      this.send(u, h, Kind.update, t, 0, t.sourceSeqno, true, 0);
      return;
    }
    if (t.entryCount[u]! > 0) {
      const sel = t.selected[u]!;
      if (sel === -1 || sel === h) return;
      const metric = addMetric(t.metric[sel]!, this.linkCost[sel]!);
      this.noteAdvertised(t, u, metric, t.seqno[sel]!);
      this.send(u, h, Kind.update, t, metric, t.seqno[sel]!, true, 0);
      return;
    }
    const state = this.queried(t, u);
    if (state === 'queried') return;
    if (state === 'no-route') {
      this.send(u, h, Kind.update, t, metricInfinite, 0, false, 0);
      return;
    }
    if (generation + 1 >= maxRouteRequestGeneration) return;
    const next = generation + 1;
    t.queriedAtS.set(u, this.nowS);
    const cached = this.routeRequestCache(t, u);
    const skip = cached !== undefined && !(next < cached.generation) ? cached.receivers : [];
    const peers = this.alivePeers(u);
    for (const r of peers) if (r !== h && !skip.includes(r)) this.send(u, r, Kind.routeRequest, t, 0, 0, false, next);
    t.routeRequests.set(u, { generation: next, receivers: peers, sentS: this.nowS });
  }
}
