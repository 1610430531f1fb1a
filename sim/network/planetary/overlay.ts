// The Planetary Network (Yggdrasil v0.5 / ironwood-like) over a topology: keys, tree, coordinates, routing,
// failures and soft-state repair in virtual time. Leaves out the gossip's transient ancestor "wobble" and wire traffic.

import { Simulation } from '../../engine/simulation.js';
import { RngStreams } from '../../engine/rng.js';
import { SimulationError } from '../../errors.js';
import { findEdge, type Topology } from '../topology/graph.js';
import { routeGreedy, type RouteResult, type RoutingView, type TreeCoords } from './greedy.js';
import { compareKeys, drawKeys } from './keys.js';
import { Sessions, type SendResult } from './sessions.js';
import { SoftStateClock } from './soft-state.js';
import { compileTimers, type PlanetaryTimers } from './timers.js';
import { planReelection } from './reelect.js';
import { attach, growForest, subtreeList, type Attachment, type ParentRule, type TreeContext } from './tree.js';

export interface PlanetaryOptions {
  readonly seed: string | number;
  readonly timers?: Partial<PlanetaryTimers>;
  /** The clock to run on; a private one when absent. */
  readonly sim?: Simulation;
  /** How a node picks its parent (tree.ts): 'zos' (yggdrasil 0.5.4, the default) or 'ironwood' (since Sep 2024). */
  readonly parentRule?: ParentRule;
  /** Our extension for measuring over roots: this node gets the smallest key, so it is the root. */
  readonly rootNode?: number;
}

/** One failure or restore and how long the overlay took to settle after it. */
export interface Reconvergence {
  readonly cause: string;
  readonly atS: number;
  /** When the routers noticed (the peer timeout later, for failures). */
  detectedAtS: number;
  /** When the last node affected had its new coordinates; NaN while waiting for a record to expire. */
  convergedAtS: number;
  /** Nodes whose parent or coordinates changed. */
  affectedNodes: number;
  /** The root elected when the tree was regrown (root loss, partition), else -1. */
  newRoot: number;
}

/**
 * Changes cost events only when they happen, never a per-node tick: a failure is noticed after the peer
 * timeout, orphaned subtrees re-attach at once, and new coordinates reach each node when the announcement
 * does. Nodes cut off from their root (root loss, partition) keep stale coordinates until the root's
 * record expires (its last refresh + the router timeout) and then elect the smallest key among them.
 * A restored link is a shortcut at once and a parent candidate from the next refresh.
 */
export class PlanetaryOverlay implements RoutingView, TreeContext {
  readonly keys: Float64Array;
  readonly sim: Simulation;
  readonly timers: PlanetaryTimers;
  readonly parentRule: ParentRule;
  readonly nodeUp: Uint8Array;
  /** Physically up: not failed, and both ends alive. */
  readonly linkUp: Uint8Array;
  /** Up as the routers believe: a failure counts only after the peer timeout. */
  readonly linkKnownUp: Uint8Array;
  /** Each node's root path (root first, itself last) as the rest of the network sees it. */
  readonly coords: TreeCoords[];
  /** The routers' parent choices (-1 for roots and dead nodes); coordinates follow with a delay. */
  readonly parent: Int32Array;
  readonly depth: Int32Array;
  /** Cut off from the root, waiting for its record to expire. */
  readonly stale: Uint8Array;
  readonly history: Reconvergence[] = [];
  /** Record expiry and parent refresh, scheduled only when a change waits on them. */
  readonly softState: SoftStateClock<Reconvergence>;
  /** The sources' caches of looked-up coordinates. */
  readonly sessions: Sessions;
  private readonly linkFailed: Uint8Array;
  /** Scratch, one byte per node, zero between operations (repairs touch their subtree only). */
  private readonly mark: Uint8Array;
  private readonly pendingMark: Uint8Array;
  private readonly applyGeneration: Int32Array;
  /** When each node's latest coordinates apply, so that a child's never overtake its parent's. */
  private readonly pendingApplyS: Float64Array;
  /** Nodes waiting for a root record to expire since the last expiry (filtered when it comes). */
  private waitingExpiry: number[] = [];

  constructor(
    readonly topology: Topology,
    options: PlanetaryOptions,
  ) {
    const n = topology.nodeCount;
    this.sim = options.sim ?? new Simulation();
    this.timers = compileTimers(options.timers);
    this.parentRule = options.parentRule ?? 'zos';
    this.keys = drawKeys(n, options.seed);
    if (options.rootNode !== undefined) this.keys[options.rootNode] = -1;
    const phaseS = new RngStreams(options.seed).stream('planetary/refresh-phase').next() * this.timers.routerRefreshS;
    this.softState = new SoftStateClock(this.sim, this.timers, phaseS, (waiting) => this.regrow(...waiting), (waiting) => this.reelect(waiting));
    this.nodeUp = new Uint8Array(n).fill(1);
    this.linkUp = new Uint8Array(topology.edgeCount).fill(1);
    this.linkKnownUp = new Uint8Array(topology.edgeCount).fill(1);
    this.linkFailed = new Uint8Array(topology.edgeCount);
    this.coords = new Array<TreeCoords>(n).fill([]);
    this.parent = new Int32Array(n).fill(-1);
    this.depth = new Int32Array(n).fill(-1);
    this.stale = new Uint8Array(n);
    this.mark = new Uint8Array(n);
    this.pendingMark = new Uint8Array(n);
    this.applyGeneration = new Int32Array(n);
    this.pendingApplyS = new Float64Array(n);
    this.sessions = new Sessions(this);
    // The first tree is the steady state: the run starts converged.
    for (const a of growForest(this).attachments) this.place(a, true);
  }

  /** The root of `node`'s tree as its coordinates say (-1 for a dead node). */
  rootOf(node: number): number {
    return this.coords[node]!.length > 0 ? this.coords[node]![0]! : -1;
  }

  /**
   * The root of `node`'s tree as its parents say now (-1 when it is in none). Its coordinates may
   * still name an earlier root: they change when the new root's announcement arrives, later in
   * virtual time, and two restores in one instant must see each other's re-rooting.
   */
  private treeRoot(node: number): number {
    if (this.depth[node]! < 0) return -1;
    let x = node;
    for (let steps = 0; this.parent[x]! >= 0 && steps < this.topology.nodeCount; steps++) x = this.parent[x]!;
    return x;
  }

  /** Routes with the destination's current coordinates: a fresh lookup, as in steady-state measurement. */
  route(src: number, dst: number, path?: Int32Array): RouteResult {
    return routeGreedy(this, src, dst, this.coords[dst]!, path);
  }

  /** Sends as a node's session would: see Sessions.send. */
  send(src: number, dst: number): SendResult {
    return this.sessions.send(src, dst);
  }

  failLink(a: number, b: number): void {
    const e = this.edge(a, b);
    this.linkFailed[e] = 1;
    this.linkUp[e] = 0;
    const record = this.record(`link ${a}-${b}`);
    this.sim.schedule(this.timers.peerTimeoutS, () => this.detectLinks([e], record));
  }

  failNode(x: number): void {
    if (this.nodeUp[x] === 0) return;
    this.nodeUp[x] = 0;
    const edges: number[] = [];
    for (let h = this.topology.offsets[x]!; h < this.topology.offsets[x + 1]!; h++) {
      const e = this.topology.edgeIds[h]!;
      this.linkUp[e] = 0;
      edges.push(e);
    }
    const record = this.record(`node ${x}`);
    this.sim.schedule(this.timers.peerTimeoutS, () => {
      // Back before its peers timed out: nobody noticed the blip.
      if (this.nodeUp[x] === 1) return void (record.convergedAtS = record.detectedAtS = this.sim.nowS);
      const wasRoot = this.parent[x] === -1 && this.depth[x] === 0;
      const orphans = subtreeList(this.topology, this.parent, [x], this.mark).slice(1);
      this.parent[x] = -1;
      this.depth[x] = -1;
      this.coords[x] = [];
      this.applyGeneration[x]!++;
      for (const e of edges) this.linkKnownUp[e] = 0;
      record.detectedAtS = this.sim.nowS;
      if (wasRoot) this.strand(orphans, record);
      else this.repair(orphans, record);
    });
  }

  restoreLink(a: number, b: number): void {
    const e = this.edge(a, b);
    this.linkFailed[e] = 0;
    this.linkUp[e] = this.nodeUp[a]! & this.nodeUp[b]!;
    const record = this.record(`restore link ${a}-${b}`);
    // Peers handshake over the link itself; after that it serves as a shortcut at once.
    this.sim.schedule(this.topology.edgeLatencyS[e]!, () => {
      this.linkKnownUp[e] = this.linkUp[e]!;
      record.detectedAtS = this.sim.nowS;
      this.adopt(a, b, record);
    });
  }

  /**
   * A node comes back with its old key and attaches at once to the peer whose announcement reaches
   * it first. Peers under different roots: the best root's announcement spreads through x into the
   * other trees, which re-attach (their nodes only). Peers all cut off from a dead root: x waits for
   * its record to expire with them. A key better than its peers' roots makes x the root of their trees.
   */
  restoreNode(x: number): void {
    if (this.nodeUp[x] === 1) return;
    this.nodeUp[x] = 1;
    const record = this.record(`restore node ${x}`);
    record.detectedAtS = this.sim.nowS;
    const seeds: number[] = [];
    const roots = new Set<number>();
    let staleNear = false;
    for (let h = this.topology.offsets[x]!; h < this.topology.offsets[x + 1]!; h++) {
      const e = this.topology.edgeIds[h]!;
      const v = this.topology.neighbours[h]!;
      this.linkUp[e] = this.linkFailed[e] === 0 && this.nodeUp[v] === 1 ? 1 : 0;
      this.linkKnownUp[e] = this.linkUp[e]!;
      if (this.linkUp[e] === 0) continue;
      if (this.stale[v] === 1) staleNear = true;
      else if (this.depth[v]! >= 0) {
        seeds.push(v);
        roots.add(this.treeRoot(v));
      }
    }
    if (this.depth[x]! >= 0) {
      record.convergedAtS = this.sim.nowS;
      return;
    }
    const best = [...roots].sort((a, b) => compareKeys(this.keys, a, b))[0] ?? -1;
    if (best >= 0 && compareKeys(this.keys, x, best) < 0) {
      // x's key wins: it roots the trees of all its peers, which re-attach under it (those trees only).
      record.affectedNodes = 1;
      record.convergedAtS = this.place({ node: x, parent: -1, depth: 0, arrivalS: 0 }, false);
      this.reattach(subtreeList(this.topology, this.parent, [...roots], this.mark), [x], record);
      return;
    }
    if (best < 0) {
      // Only stale peers: x hears their dead root's records and re-elects with them at expiry.
      if (staleNear) {
        this.waitingExpiry.push(x);
        return this.softState.expire(record);
      }
      record.affectedNodes = 1;
      record.convergedAtS = this.place({ node: x, parent: -1, depth: 0, arrivalS: 0 }, false);
      return;
    }
    const joining = seeds.filter((v) => this.treeRoot(v) === best);
    this.reattach([x], joining, record);
    const others = [...roots].filter((r) => r !== best);
    if (others.length > 0) this.reattach(subtreeList(this.topology, this.parent, others, this.mark), [x], record);
    if (this.parentRule === 'ironwood') this.softState.refresh(record);
  }

  /**
   * Attaches `nodes` (their depth reset) through `seeds`, in order of the announcement's arrival; any
   * it cannot reach are cut off from their root and wait for expiry. Costs those nodes' links only.
   */
  private reattach(nodes: readonly number[], seeds: readonly number[], record: Reconvergence): void {
    const pending = this.pendingMark;
    for (const x of nodes) {
      this.depth[x] = -1;
      pending[x] = 1;
    }
    let doneS = Number.isNaN(record.convergedAtS) ? this.sim.nowS : Math.max(this.sim.nowS, record.convergedAtS);
    const attached = attach(this, this.depth, pending, seeds, this.stale);
    for (const a of attached) {
      pending[a.node] = 0;
      doneS = Math.max(doneS, this.place(a, false));
    }
    record.affectedNodes += attached.length;
    record.convergedAtS = doneS;
    const cutOff = nodes.filter((x) => pending[x] === 1);
    for (const x of nodes) pending[x] = 0;
    this.strand(cutOff, record);
  }

  private edge(a: number, b: number): number {
    const e = findEdge(this.topology, a, b);
    if (e < 0) throw new SimulationError(`no link between ${a} and ${b}`);
    return e;
  }

  private record(cause: string): Reconvergence {
    const r: Reconvergence = { cause, atS: this.sim.nowS, detectedAtS: NaN, convergedAtS: NaN, affectedNodes: 0, newRoot: -1 };
    this.history.push(r);
    return r;
  }

  private detectLinks(edges: number[], record: Reconvergence): void {
    record.detectedAtS = this.sim.nowS;
    const heads: number[] = [];
    for (const e of edges) {
      if (this.linkFailed[e] === 0) continue; // restored before anyone noticed
      this.linkKnownUp[e] = 0;
      const a = this.topology.edgeA[e]!;
      const b = this.topology.edgeB[e]!;
      if (this.parent[a] === b) heads.push(a);
      else if (this.parent[b] === a) heads.push(b);
    }
    // A link off the tree only removes a shortcut: nothing to repair once it is known.
    if (heads.length === 0) {
      record.convergedAtS = this.sim.nowS;
      return;
    }
    this.repair(subtreeList(this.topology, this.parent, heads, this.mark), record);
  }

  /**
   * Orphans re-attach through the rest of the tree at once (ironwood picks a new parent as soon as
   * the old one is gone); any that cannot reach it are cut off from the root and wait for expiry.
   * The seeds are the orphans' peers outside the subtree: the work is the subtree and its border.
   */
  private repair(orphans: readonly number[], record: Reconvergence): void {
    const { offsets, neighbours } = this.topology;
    const mark = this.mark;
    for (const x of orphans) mark[x] = 1;
    const seeds: number[] = [];
    for (const x of orphans) {
      for (let h = offsets[x]!, end = offsets[x + 1]!; h < end; h++) {
        const v = neighbours[h]!;
        if (mark[v] !== 0 || this.depth[v]! < 0 || this.stale[v] === 1 || this.nodeUp[v] === 0) continue;
        mark[v] = 2;
        seeds.push(v);
      }
    }
    for (const x of orphans) mark[x] = 0;
    for (const v of seeds) mark[v] = 0;
    // Stale nodes hold coordinates under a root that is gone: no orphan may take one as its parent.
    this.reattach(orphans, seeds, record);
  }

  /** Nodes cut off from their root keep stale coordinates until the root's record expires. */
  private strand(cutOff: readonly number[], record: Reconvergence): void {
    let any = false;
    for (const x of cutOff) {
      if (this.nodeUp[x] === 0) continue;
      this.stale[x] = 1;
      this.waitingExpiry.push(x);
      any = true;
    }
    if (any) this.softState.expire(record);
  }

  /**
   * A restored link that joins two trees, or reaches stale nodes, spreads the better root at once;
   * inside one tree it is a shortcut at once and a parent candidate from the next refresh.
   */
  private adopt(a: number, b: number, record: Reconvergence): void {
    if (this.rootOf(a) !== this.rootOf(b) || this.stale[a] === 1 || this.stale[b] === 1 || this.depth[a]! < 0 || this.depth[b]! < 0) {
      this.regrow(record);
      return;
    }
    record.convergedAtS = this.sim.nowS;
    // yggdrasil 0.5.4 keeps a working parent at refresh; ironwood since ca35d0d may move to the new link.
    if (this.parentRule === 'ironwood') this.softState.refresh(record);
  }

  /**
   * Regrows the whole forest from its smallest keys; new coordinates reach each node with the
   * announcement. Only nodes whose root path changed get an event: a regrow that moves few nodes
   * schedules few.
   */
  private regrow(...records: Reconvergence[]): void {
    const oldParent = this.parent.slice();
    const oldDepth = this.depth.slice();
    const wasStale = this.stale.slice();
    this.depth.fill(-1);
    this.stale.fill(0);
    const { roots, attachments } = growForest(this);
    const moved = this.mark;
    let changed = 0;
    let doneS = this.sim.nowS;
    for (const a of attachments) {
      const same = a.parent === oldParent[a.node] && a.depth === oldDepth[a.node] && wasStale[a.node] === 0 && (a.parent < 0 || moved[a.parent] === 0);
      if (same) {
        this.depth[a.node] = a.depth;
        continue;
      }
      moved[a.node] = 1;
      changed++;
      doneS = Math.max(doneS, this.place(a, false));
    }
    for (const a of attachments) moved[a.node] = 0;
    for (const r of records) {
      r.affectedNodes += changed;
      r.convergedAtS = doneS;
      r.newRoot = roots[0] ?? -1;
    }
  }

  /**
   * A dead root's record expired: the nodes still cut off re-elect (reelect.ts), piece by piece, the
   * rest of the forest staying as it is; the whole forest regrows only if a live tree would move.
   */
  private reelect(records: readonly Reconvergence[]): void {
    const waiting = this.waitingExpiry;
    this.waitingExpiry = [];
    const plan = planReelection(this, waiting, this.mark);
    if (plan === 'regrow') return this.regrow(...records);
    // Gathers what the pieces did; the waiting records are the ones reported.
    const scratch: Reconvergence = { cause: 're-election', atS: this.sim.nowS, detectedAtS: this.sim.nowS, convergedAtS: NaN, affectedNodes: 0, newRoot: -1 };
    const newRoots: number[] = [];
    for (const piece of plan) {
      if (piece.root >= 0) {
        this.reattach(piece.nodes, piece.seeds, scratch);
        continue;
      }
      const [root, ...rest] = piece.nodes;
      newRoots.push(root!);
      scratch.affectedNodes++;
      scratch.convergedAtS = Math.max(Number.isNaN(scratch.convergedAtS) ? this.sim.nowS : scratch.convergedAtS, this.place({ node: root!, parent: -1, depth: 0, arrivalS: 0 }, false));
      if (rest.length > 0) this.reattach(rest, [root!], scratch);
    }
    newRoots.sort((a, b) => compareKeys(this.keys, a, b));
    for (const r of records) {
      r.affectedNodes += scratch.affectedNodes;
      r.convergedAtS = Number.isNaN(scratch.convergedAtS) ? this.sim.nowS : scratch.convergedAtS;
      r.newRoot = newRoots[0] ?? -1;
    }
  }

  /**
   * Records a parent choice; the coordinates follow when the announcement arrives, and never before
   * the parent's own pending coordinates, which they extend. Returns when they apply.
   */
  private place(a: Attachment, now: boolean): number {
    this.parent[a.node] = a.parent;
    this.depth[a.node] = a.depth;
    this.stale[a.node] = 0;
    const generation = ++this.applyGeneration[a.node]!;
    if (now) {
      this.applyCoords(a.node, a.parent);
      return this.sim.nowS;
    }
    // Same-time events run in scheduling order, so a parent scheduled first also applies first.
    const atS = Math.max(this.sim.nowS + a.arrivalS, a.parent >= 0 ? this.pendingApplyS[a.parent]! : 0);
    this.pendingApplyS[a.node] = atS;
    // One number as the event's argument, no closure: a churn run schedules hundreds of thousands.
    this.sim.scheduleAt(atS, this.applyPending, generation * this.topology.nodeCount + a.node);
    return atS;
  }

  /**
   * A scheduled coordinate update, `generation × nodeCount + node`: applies only if no later place()
   * or failure superseded it. Only place() writes a live node's parent, and it bumps the generation,
   * so the parent now is the one that place() recorded.
   */
  private readonly applyPending = (packed: unknown): void => {
    const n = this.topology.nodeCount;
    const node = (packed as number) % n;
    const generation = ((packed as number) - node) / n;
    if (this.applyGeneration[node] === generation) this.applyCoords(node, this.parent[node]!);
  };

  private applyCoords(node: number, parent: number): void {
    this.coords[node] = parent < 0 ? [node] : [...this.coords[parent]!, node];
  }
}
