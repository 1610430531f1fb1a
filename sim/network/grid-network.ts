// The grid's networks in one place, built on first use (World.net): the underlay derived from the grid
// spec, the Planetary Network over the nodes, the Z-Nets and gateways the deployments define, faults, and
// bulk transfers sharing underlay links max-min fairly (built on the first transfer). Leaves out mycelium.

import type { RngStreams } from '../engine/rng.js';
import type { Simulation } from '../engine/simulation.js';
import type { Grid } from '../grid/grid.js';
import type { FlowEvent, FlowNetwork } from '../hardware/flow-network.js';
import { setUnderlayBandwidth, UnderlayFlows } from './grid-network-flows.js';
import { GatewayBook } from './grid-network-gateways.js';
import { checkLink, componentsNow, linkCutsOf, partitionLinks } from './grid-network-links.js';
import { GridNics } from './grid-network-nics.js';
import { buildOverlayPeers, PeeringFaults } from './grid-network-overlay.js';
import { PlanetaryProbes } from './grid-network-probes.js';
import { hasPublicConfig } from './grid-network-public.js';
import type { NetworkRegistry, RegistryChange } from './grid-network-registry.js';
import { buildGridUnderlay, LAN_LATENCY_S, type GridUnderlay } from './grid-network-underlay.js';
import { ZNetBook } from './grid-network-znets.js';
import { PlanetaryOverlay } from './planetary/overlay.js';
import type { RequestRecord } from './gateway/service.js';
import { znetPath, type ReachEnv, type ZNetPath } from './znet/reach.js';
import { UnderlayLatency } from './znet/underlay.js';
import type { ReapplyResult } from './znet/plan.js';

export interface NetworkStats {
  /** Underlay links cut right now. */
  readonly linksDown: number;
  /** Connected components among powered nodes' underlay, minus 1 (0 = the grid is in one piece). */
  readonly partitions: number;
  /** Cumulative planetary probes routed, and delivered (probes run only after startProbes). */
  readonly probesRouted: number;
  readonly probesDelivered: number;
  /** Mean hop stretch over delivered probes so far (NaN before any). */
  readonly meanStretch: number;
  /** Z-Nets known, and their members that cannot reach every other member now. */
  readonly znets: number;
  readonly znetMembersCutOff: number;
  /** Cumulative gateway requests served by the simulated gateways, and those answered 200. */
  readonly gatewayRequests: number;
  readonly gatewayOk: number;
}

export interface GridNetworkDeps {
  readonly sim: Simulation;
  readonly grid: Grid;
  readonly rngs: RngStreams;
  readonly registry: NetworkRegistry;
  /** Where underlay transfers add their links (the world's flow network); a private one when absent. */
  readonly flowNetwork?: FlowNetwork;
}

export class GridNetwork {
  readonly underlay: GridUnderlay;
  readonly overlay: PlanetaryOverlay;
  /** Underlay masks (0 = down): a grid node is down while powered off; site routers never are. */
  readonly nodeUp: Uint8Array;
  readonly linkUp: Uint8Array;
  readonly znets: ZNetBook;
  readonly gateways: GatewayBook;
  /** The zmachines' interfaces: private Z-Net and planetary addresses. */
  readonly nics: GridNics;
  /** One-way underlay latency between grid nodes now (Infinity when cut apart). */
  readonly latency: UnderlayLatency;
  private readonly cutByUser: Uint8Array;
  private readonly cutByPartition: Uint8Array;
  private readonly peerings: PeeringFaults;
  private readonly probes: PlanetaryProbes;
  private flowModel: UnderlayFlows | undefined;

  constructor(private readonly deps: GridNetworkDeps) {
    const { grid, sim, rngs, registry } = deps;
    const n = grid.nodeCount;
    this.underlay = buildGridUnderlay(grid.farms, n, rngs.stream('net.sites'));
    const { topology } = this.underlay;
    this.nodeUp = new Uint8Array(topology.nodeCount).fill(1);
    this.linkUp = new Uint8Array(topology.edgeCount).fill(1);
    this.cutByUser = new Uint8Array(topology.edgeCount);
    this.cutByPartition = new Uint8Array(topology.edgeCount);
    const identity = Int32Array.from({ length: n }, (_, i) => i);
    this.latency = new UnderlayLatency(topology, identity, { nodeUp: this.nodeUp, linkUp: this.linkUp });
    // Peerings cost their underlay path: two LAN hops, plus the sites' shortest path between farms
    // (one Dijkstra per site, not per node, so a 10,000-node grid builds in a blink).
    const sites = new UnderlayLatency(topology, identity, { maxSources: grid.farms.farmCount });
    const peeringLatencyS = (a: number, b: number): number => {
      const [fa, fb] = [grid.farmOf(a), grid.farmOf(b)];
      return 2 * LAN_LATENCY_S + (fa === fb ? 0 : sites.underlayLatencyS(n + fa, n + fb));
    };
    const peers = buildOverlayPeers(grid.farms, n, topology, peeringLatencyS);
    this.overlay = new PlanetaryOverlay(peers, { seed: rngs.stream('net.planetary').seed, sim });
    this.peerings = new PeeringFaults(this.overlay);
    this.probes = new PlanetaryProbes(sim, this.overlay, rngs.stream('net.probes'));
    this.znets = new ZNetBook(registry, { isPublic: (node) => this.isPublic(node) });
    this.nics = new GridNics(registry, this.znets, (node) => this.overlay.keys[node]!);
    this.gateways = new GatewayBook({ sim, rngs, farms: grid.farms, underlay: this.underlay, nodeUp: this.nodeUp, linkUp: this.linkUp, registry, znets: this.znets, nics: this.nics, isOn: (x) => grid.isOn(x) });
    for (let node = 0; node < n; node++) if (!grid.isOn(node)) this.power(node, false);
    grid.onPower((node, event) => this.power(node, event !== 'off'));
    registry.listen((change) => this.registryChanged(change));
  }

  // Contract API (net-contract.md) ----------------------------------------------------------------

  stats(): NetworkStats {
    return {
      linksDown: this.linksDownList().length,
      partitions: this.partitions(),
      probesRouted: this.probes.routed,
      probesDelivered: this.probes.delivered,
      meanStretch: this.probes.meanStretch,
      znets: this.znets.size,
      znetMembersCutOff: this.znets.totalCutOff(this.reachEnv()),
      gatewayRequests: this.gateways.requests,
      gatewayOk: this.gateways.ok,
    };
  }

  links(): ReadonlyArray<{ readonly a: number; readonly b: number }> {
    const { edgeA, edgeB, edgeCount } = this.underlay.topology;
    return Array.from({ length: edgeCount }, (_, e) => ({ a: edgeA[e]!, b: edgeB[e]! }));
  }

  cutLink(a: number, b: number): void {
    this.cutByUser[checkLink(this.underlay.topology, a, b)] = 1;
    this.linksChanged();
  }

  healLink(a: number, b: number): void {
    this.cutByUser[checkLink(this.underlay.topology, a, b)] = 0;
    this.linksChanged();
  }

  partitionFarms(farms: readonly number[]): void {
    for (const e of partitionLinks(this.underlay, farms)) this.cutByPartition[e] = 1;
    this.linksChanged();
  }

  healPartition(): void {
    this.cutByPartition.fill(0);
    this.linksChanged();
  }

  startProbes(intervalS: number, pairs: number): void {
    this.probes.start(intervalS, pairs);
  }

  stopProbes(): void {
    this.probes.stop();
  }

  /** The root most powered nodes' coordinates start from (-1 when every node is off). */
  planetaryRoot(): number {
    const votes = new Map<number, number>();
    for (let x = 0; x < this.overlay.topology.nodeCount; x++) {
      const root = this.overlay.nodeUp[x] === 1 ? this.overlay.rootOf(x) : -1;
      if (root >= 0) votes.set(root, (votes.get(root) ?? 0) + 1);
    }
    let best = -1;
    for (const [root, count] of votes) if (best < 0 || count > votes.get(best)! || (count === votes.get(best)! && root < best)) best = root;
    return best;
  }

  /** Underlay transfers, built on first use so that worlds that never transfer keep their traces. */
  get flows(): UnderlayFlows {
    const { sim, flowNetwork } = this.deps;
    this.flowModel ??= new UnderlayFlows({ sim, underlay: this.underlay, nodeUp: this.nodeUp, linkUp: this.linkUp, ...(flowNetwork === undefined ? {} : { network: flowNetwork }) });
    return this.flowModel;
  }

  get flowsIfBuilt(): UnderlayFlows | undefined {
    return this.flowModel;
  }

  /** Moves bytes between grid nodes over the underlay's shortest path; see UnderlayFlows.transfer. */
  transfer(fromNode: number, toNode: number, bytes: number): FlowEvent {
    return this.flows.transfer(fromNode, toNode, bytes);
  }

  /** A link's capacity from now on (a degraded port); transfers on it are re-shared at once. */
  setLinkBandwidth(a: number, b: number, bandwidthBytesPerS: number): void {
    const e = checkLink(this.underlay.topology, a, b);
    setUnderlayBandwidth(this.underlay, e, bandwidthBytesPerS);
    this.flowModel?.bandwidthChanged(e);
  }

  // Operations -------------------------------------------------------------------------------------

  /** Our reconciler's self-healing: re-apply the Z-Net, through another public access node if needed. */
  reapplyZNet(network: string): { key: string; previousAccessNode: number; result: ReapplyResult } {
    const key = this.znets.resolve(network);
    const previousAccessNode = this.znets.get(key)!.accessNode;
    const result = this.znets.reapply(key, { isUp: (x) => this.deps.grid.isOn(x), latencyS: (a, b) => this.latency.latencyS(a, b) });
    return { key, previousAccessNode, result };
  }

  znetMembersCutOff(network: string): number {
    return this.znets.membersCutOff(this.znets.resolve(network), this.reachEnv());
  }

  /** The path between two members of a Z-Net as the members' applied peers route it now. */
  znetPath(key: string, from: number, to: number): ZNetPath {
    const net = this.znets.get(key);
    return net === undefined ? { reachable: false, reason: `no Z-Net '${key}'` } : znetPath(net, from, to, this.reachEnv());
  }

  gatewayRequest(host: string): RequestRecord {
    return this.gateways.request(host);
  }

  isPublic(node: number): boolean {
    return hasPublicConfig(this.deps.grid.farms, this.deps.grid.farmOf(node), node);
  }

  /** What enters the world's state hash: cuts, Z-Net versions and access nodes, gateway DNS records. */
  hashState(): unknown {
    return { linksDown: this.linksDownList(), znets: this.znets.hashState(), gateways: this.gateways.hashState() };
  }

  // ------------------------------------------------------------------------------------------------

  private linksDownList(): [number, number][] {
    return linkCutsOf(this.underlay.topology, this.cutByUser, this.cutByPartition);
  }

  private reachEnv(): ReachEnv {
    return { isUp: (x) => this.deps.grid.isOn(x), latencyS: (a, b) => this.latency.latencyS(a, b) };
  }

  private partitions(): number {
    const label = componentsNow(this.underlay.topology, this.nodeUp, this.linkUp);
    const seen = new Set<number>();
    for (let x = 0; x < this.underlay.gridNodes; x++) if (this.nodeUp[x] === 1) seen.add(label[x]!);
    return Math.max(0, seen.size - 1);
  }

  private linksChanged(): void {
    const { topology } = this.underlay;
    for (let e = 0; e < topology.edgeCount; e++) this.linkUp[e] = this.cutByUser[e]! | this.cutByPartition[e]! ? 0 : 1;
    this.invalidate();
    this.peerings.update(componentsNow(topology, undefined, this.linkUp));
  }

  private power(node: number, on: boolean): void {
    const up = on ? 1 : 0;
    if (this.nodeUp[node] === up) return;
    this.nodeUp[node] = up;
    this.invalidate();
    if (on) this.overlay.restoreNode(node);
    else this.overlay.failNode(node);
    this.gateways.setPower(node, on);
  }

  private invalidate(): void {
    this.latency.invalidate();
    this.gateways.paths.invalidate();
    this.flowModel?.underlayChanged();
  }

  private registryChanged(change: RegistryChange): void {
    if (change.kind === 'znet') return this.znets.refresh(change.key);
    if (change.kind === 'machine') return this.nics.sync(change.workloadId);
    const entry = this.deps.registry.gateways.get(change.workloadId);
    if (entry !== undefined) this.gateways.deploy(entry);
    else if (change.removed !== undefined) this.gateways.remove(change.removed);
  }
}
