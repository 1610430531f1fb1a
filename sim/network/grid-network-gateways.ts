// The grid's gateway workloads served by a GatewayService whose gateway nodes are the grid's public
// nodes, with backends reached over the underlay. Leaves out ACME, name contracts (the twin is assumed
// to hold its name) and health-checked failover (available on the service, off here as in zos).

import type { RngStreams } from '../engine/rng.js';
import type { Simulation } from '../engine/simulation.js';
import type { Farms } from '../grid/farms.js';
import type { BackendAddress } from './gateway/backend-address.js';
import type { GatewayNode } from './gateway/gateway-node.js';
import { UnderlayPathProvider } from './gateway/path.js';
import { GatewayService, type RequestRecord } from './gateway/service.js';
import type { GatewayEntry, NetworkRegistry } from './grid-network-registry.js';
import { gatewayDomain, publicIpv4Of } from './grid-network-public.js';
import type { GridUnderlay } from './grid-network-underlay.js';
import type { GridNics } from './grid-network-nics.js';
import type { ZNetBook } from './grid-network-znets.js';
import { cidrContainsIp, parseIpv4 } from './znet/ipv4.js';

export interface GatewayDeps {
  readonly sim: Simulation;
  readonly rngs: RngStreams;
  readonly farms: Farms;
  readonly underlay: GridUnderlay;
  readonly nodeUp: Uint8Array;
  readonly linkUp: Uint8Array;
  readonly registry: NetworkRegistry;
  readonly znets: ZNetBook;
  readonly nics: GridNics;
  readonly isOn: (node: number) => boolean;
}

export class GatewayBook {
  readonly service: GatewayService;
  readonly paths: UnderlayPathProvider;
  /** Deploy failures of registered proxies, by workload id (the node-side checks the manager cannot make). */
  readonly refused = new Map<string, string>();
  private okCount = 0;
  private counted = 0;

  constructor(private readonly deps: GatewayDeps) {
    this.paths = new UnderlayPathProvider(deps.underlay.topology, { hostOf: (b) => this.hostOf(b), nodeUp: deps.nodeUp, linkUp: deps.linkUp });
    this.service = new GatewayService(deps.sim, { paths: this.paths.provider, rng: deps.rngs.stream('net.gateway') });
    for (const entry of [...deps.registry.gateways.values()].sort((a, b) => (a.workloadId < b.workloadId ? -1 : 1))) this.deploy(entry);
  }

  deploy(entry: GatewayEntry): void {
    const gateway = this.gatewayOn(entry.node);
    const wasUp = gateway.up;
    gateway.restore(); // deploy checks run as the node boots its config, even if it went down since
    const context = { twin: entry.twin, nameContractOwner: () => entry.twin, resolve: () => [publicIpv4Of(entry.node)] };
    const result = this.deps.registry.gateways.has(entry.workloadId) ? this.service.deploy(entry.node, entry.workloadId, entry.type, entry.data, context) : undefined;
    if (result !== undefined && !result.ok) this.refused.set(entry.workloadId, result.reason);
    else this.refused.delete(entry.workloadId);
    if (!wasUp) gateway.fail();
  }

  remove(entry: GatewayEntry): void {
    this.refused.delete(entry.workloadId);
    if (this.gatewayOn(entry.node).proxyFor(entry.fqdn)?.workloadId === entry.workloadId) this.service.remove(entry.node, entry.fqdn);
  }

  setPower(node: number, on: boolean): void {
    const gateway = this.existing(node);
    if (gateway === undefined) return;
    if (on) this.service.restoreGateway(node);
    else this.service.failGateway(node);
  }

  request(host: string): RequestRecord {
    this.paths.invalidate();
    return this.service.serve(host);
  }

  get requests(): number {
    return this.service.log.length;
  }

  get ok(): number {
    const log = this.service.log;
    for (; this.counted < log.length; this.counted++) if (log[this.counted]!.status === 200) this.okCount++;
    return this.okCount;
  }

  /** DNS records, for the state hash. */
  hashState(): unknown[] {
    return [...this.deps.registry.gateways.values()]
      .map((e) => [e.fqdn.toLowerCase(), this.service.front.recordsFor(e.fqdn).map((g) => g.node)] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  // Called on every node power change: a lookup, not a caught InputError (building one per non-gateway
  // node was 15 % of a 10k-node swarm case's CPU).
  private existing(node: number): GatewayNode | undefined {
    return this.service.gatewayIfAny(node);
  }

  private gatewayOn(node: number): GatewayNode {
    const found = this.existing(node);
    if (found !== undefined) return found;
    const networks = this.deps.znets.keys().filter((k) => this.deps.znets.get(k)!.members.some((m) => m.node === node)).map((k) => k.slice(k.indexOf('/') + 1));
    const gateway = this.service.addGateway({ node, domain: gatewayDomain(node), publicIps: [publicIpv4Of(node)], networks });
    if (!this.deps.isOn(node)) gateway.fail();
    return gateway;
  }

  /**
   * Where a backend IP lives: a zmachine's private or planetary address, a Z-Net member whose /24
   * holds it (the named network first), a public node's address, or a farm's public IPv4 pool
   * (reached at the farm's site router).
   */
  private hostOf(backend: BackendAddress): number | undefined {
    const machineNode = this.deps.nics.nodeOfAddress(backend.ip);
    if (machineNode !== undefined) return machineNode;
    const ip = parseIpv4(backend.ip);
    if (ip < 0) return undefined;
    const { znets, farms, underlay } = this.deps;
    const keys = znets.keys().sort((a, b) => Number(nameOf(b) === backend.network) - Number(nameOf(a) === backend.network));
    for (const key of keys) {
      const member = znets.get(key)!.members.find((m) => cidrContainsIp(m.subnet, ip));
      if (member !== undefined) return member.node;
    }
    const standIn = ip - parseIpv4('198.18.0.0') - 1;
    if (standIn >= 0 && standIn < underlay.gridNodes && publicIpv4Of(standIn) === backend.ip) return standIn;
    for (let f = 0; f < farms.farmCount; f++) {
      const total = farms.ipv4Total(f);
      if (total === 0) continue;
      const first = parseIpv4(farms.ipv4Address(f, 0));
      if (ip >= first && ip < first + total) return underlay.gridNodes + f;
    }
    return undefined;
  }
}

function nameOf(key: string): string {
  return key.slice(key.indexOf('/') + 1);
}
