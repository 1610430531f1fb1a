// SimBackend's network calls: link faults, Z-Net re-apply and gateway requests on the World's lazily
// built network model, answered as plain data. Leaves out waiting for the request's latency.

import type { World } from '../sim/grid/world.js';
import type { GatewayAnswerView, ZNetReapplyView, ZNetView } from './backend.js';
import { staleMembers } from '../sim/network/znet/index.js';
import { WorkerError, WorkerErrorCode } from './errors.js';

export function simCutLink(world: World, a: number, b: number): void {
  world.net.cutLink(a, b);
}

export function simHealLink(world: World, a: number, b: number): void {
  world.net.healLink(a, b);
}

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
 * Z-Nets with an access node. Reading them builds the network model, but only on a grid that has
 * Z-Nets at all: a world without network workloads keeps its trace and hash.
 */
export function simZnets(world: World): ZNetView[] {
  if (world.netRegistry.znets.size === 0) return [];
  const book = world.net.znets;
  return book.keys().flatMap((network) => {
    const net = book.get(network)!;
    if (net.accessNode < 0) return [];
    const stale = staleMembers(net).filter((node) => world.grid.isOn(node));
    return [{ network, accessNode: net.accessNode, members: net.members.map((m) => m.node), staleMembers: stale }];
  });
}
