// SimBackend's network calls: Z-Net re-apply and gateway requests on the World's lazily
// built network model, answered as plain data. Leaves out waiting for the request's latency.

import type { World } from '../sim/grid/world.js';
import type { GatewayAnswerView, ZNetReapplyView, ZNetView } from './backend.js';
import { InputError } from '../sim/errors.js';
import { hasPublicConfig } from '../sim/network/grid-network-public.js';
import { staleMembers } from '../sim/network/znet/index.js';
import { compileNetworkWorkloads } from '../sim/network/znet/workloads.js';
import type { NodeNetInfo } from '../sim/network/znet/validate.js';
import type { ZNet } from '../sim/network/znet/znet.js';
import { WorkerError, WorkerErrorCode } from './errors.js';

export function simZnetReapply(world: World, network: string): ZNetReapplyView {
  const net = world.net;
  const name = network.slice(network.indexOf('/') + 1);
  if (!net.znets.keys().some((k) => k === network || k.slice(k.indexOf('/') + 1) === name)) {
    throw new WorkerError(WorkerErrorCode.notFound, `no Z-Net '${network}' is deployed`);
  }
  const { key, previousAccessNode, result } = net.reapplyZNet(network);
  // No public member up: nothing was applied; one may come back, so another attempt may help.
  if (result.problem !== undefined) throw new WorkerError(WorkerErrorCode.nodeDown, result.problem, true);
  return {
    network: key,
    version: result.net.version,
    accessNode: result.net.accessNode,
    previousAccessNode,
    updated: result.updated,
    skipped: result.skipped,
    membersCutOff: net.znetMembersCutOff(key),
  };
}

export function simGatewayRequest(world: World, host: string): GatewayAnswerView {
  const r = world.net.gatewayRequest(host);
  return { host: r.host, status: r.status ?? null, outcome: r.outcome, latencyS: r.latencyS ?? null, gateway: r.gateway ?? null, backend: r.backend ?? null };
}

/**
 * Z-Nets with an access node. Until something builds the network model, they are compiled from the
 * registry the network workloads fill (what the model would compile when built; only a re-apply,
 * which builds it, changes a net afterwards), so answering does not build the overlay and its events.
 */
export function simZnets(world: World): ZNetView[] {
  if (world.netRegistry.znets.size === 0) return [];
  const built = world.netIfBuilt;
  if (built !== undefined) return built.znets.keys().flatMap((network) => znetView(world, network, built.znets.get(network)!));
  return unbuiltZnets(world);
}

/**
 * The registry's Z-Nets compiled as the model would, each again only after its workloads changed
 * (the registry's listener tells which), so a step costs the Z-Nets with an access node, not all.
 */
class UnbuiltZnets {
  private readonly dirty = new Set<string>();
  /**
   * By Z-Net, the members whose workload lists peers: only such a member can make another its access
   * node, so a network of members without peers (every VM of a group shares one name) is never compiled.
   */
  private readonly withPeers = new Map<string, Set<number>>();
  /** Compiled Z-Nets that route through an access node, by key. */
  private readonly routed = new Map<string, ZNet>();
  private readonly info: NodeNetInfo;

  constructor(private readonly world: World) {
    const { grid, netRegistry } = world;
    this.info = { isPublic: (node) => hasPublicConfig(grid.farms, grid.farmOf(node), node) };
    for (const [key, members] of netRegistry.znets) for (const node of members.keys()) this.memberChanged(key, node);
    // The registry has one listener; the network model takes it over once built, and then answers itself.
    netRegistry.listen((change) => {
      if (change.kind === 'znet' && change.node !== undefined) this.memberChanged(change.key, change.node);
    });
  }

  private memberChanged(key: string, node: number): void {
    const entry = this.world.netRegistry.znets.get(key)?.get(node);
    let peers = this.withPeers.get(key);
    if (entry !== undefined && (!Array.isArray(entry.data.peers) || entry.data.peers.length > 0)) {
      if (peers === undefined) this.withPeers.set(key, (peers = new Set()));
      peers.add(node);
    } else if (peers !== undefined) {
      peers.delete(node);
      if (peers.size === 0) this.withPeers.delete(key);
    }
    // A change to a network that had or has a member with peers may change its access node.
    if (this.withPeers.has(key) || this.routed.has(key)) this.dirty.add(key);
  }

  views(): ZNetView[] {
    for (const key of this.dirty) this.compile(key);
    this.dirty.clear();
    return [...this.routed.keys()].sort().flatMap((network) => znetView(this.world, network, this.routed.get(network)!));
  }

  /**
   * A Z-Net of one member has no hidden member to route; a network whose workloads form no valid
   * Z-Net is left out, as the model does.
   */
  private compile(key: string): void {
    this.routed.delete(key);
    const members = this.world.netRegistry.znets.get(key);
    if (members === undefined || members.size < 2 || !this.withPeers.has(key)) return;
    const entries = [...members.values()].sort((a, b) => a.node - b.node);
    try {
      const net = compileNetworkWorkloads(key.slice(key.indexOf('/') + 1), entries, this.info);
      if (net.accessNode >= 0) this.routed.set(key, net);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
    }
  }
}

const unbuilt = new WeakMap<World, UnbuiltZnets>();

function unbuiltZnets(world: World): ZNetView[] {
  let book = unbuilt.get(world);
  if (book === undefined) unbuilt.set(world, (book = new UnbuiltZnets(world)));
  return book.views();
}

function znetView(world: World, network: string, net: ZNet): ZNetView[] {
  if (net.accessNode < 0) return [];
  const stale = staleMembers(net).filter((node) => world.grid.isOn(node));
  return [{ network, accessNode: net.accessNode, members: net.members.map((m) => m.node), staleMembers: stale }];
}
