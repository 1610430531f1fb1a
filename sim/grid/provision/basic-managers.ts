// Minimal managers for network, public IPs, gateways and zlogs: enough for the provision engine to run
// whole deployments. Leaves out all packet-level behaviour; the network issue will deepen each of them.

import type { SimEvent } from '../../engine/events.js';
import type { Deployment, IpData, Workload, WorkloadType } from '../deployment.js';
import { noCapacity, type Capacity } from '../node-api.js';
import { gatewayManager, networkManager, type NetworkManagerDeps } from '../primitives/network-managers.js';
import { WorkloadError, type ManagerContext, type ManagerRegistry, type WorkloadManager } from './manager.js';

function done(ctx: ManagerContext, data: unknown = null): SimEvent<unknown> {
  return ctx.sim.event().succeed(data);
}

function failed(ctx: ManagerContext, message: string): SimEvent<unknown> {
  return ctx.sim.event().fail(new WorkloadError(message));
}

/**
 * A manager with no resources of its own: always ok, idempotent because it holds nothing.
 * The network issue will deepen these: WireGuard ports and peers for `network`, name contracts,
 * DNS and backend reachability for gateways, a live log stream for `zlogs`.
 */
function stateless(type: WorkloadType, dataOf: (workload: Workload) => unknown = () => null): WorkloadManager {
  return {
    type,
    capacity: () => noCapacity,
    provision: (ctx, _deployment, workload) => done(ctx, dataOf(workload)),
    deprovision: (ctx) => done(ctx),
    // A network is updatable in zos (new peers); with nothing modelled the new config just takes effect.
    ...(type === 'network' ? { update: (ctx: ManagerContext) => done(ctx) } : {}),
  };
}

/**
 * `ip` (v4 requested) and the deprecated `ipv4` take one public IPv4 from the farm's pool and hold
 * it until deprovisioned. IPv6 (SLAAC) and the node's public config are left for the network issue.
 */
function publicIp(type: 'ip' | 'ipv4'): WorkloadManager {
  // Keyed by node and workload id, so a re-run after reboot finds the address it already holds.
  const held = new Map<string, string>();
  const wantsV4 = (workload: Workload): boolean => type === 'ipv4' || (workload.data as IpData).v4;
  const key = (ctx: ManagerContext, deployment: Deployment, workload: Workload): string => `${ctx.node}/${ctx.workloadId(deployment, workload)}`;
  return {
    type,
    capacity: (workload): Capacity => ({ ...noCapacity, ipv4: wantsV4(workload) ? 1 : 0 }),
    provision(ctx, deployment, workload) {
      if (!wantsV4(workload)) return done(ctx, { ip: null });
      const id = key(ctx, deployment, workload);
      let ip = held.get(id);
      if (ip === undefined) {
        const reserved = ctx.grid.reserveIpv4(ctx.node);
        if (reserved === null) return failed(ctx, 'no public ipv4 left');
        ip = reserved;
        held.set(id, ip);
      }
      return done(ctx, { ip });
    },
    deprovision(ctx, deployment, workload) {
      const id = key(ctx, deployment, workload);
      const ip = held.get(id);
      if (ip !== undefined) {
        ctx.grid.releaseIpv4(ctx.node, ip);
        held.delete(id);
      }
      return done(ctx);
    },
  };
}

/**
 * Fresh instances: the IP managers keep per-run state, so each simulation needs its own. With `network`
 * the network and gateway workloads are recorded for the network model (World passes it).
 */
export function basicManagers(network?: NetworkManagerDeps): ManagerRegistry {
  const gatewayData = (workload: Workload): unknown => {
    const data = workload.data as { name?: string; fqdn?: string };
    return { fqdn: data.fqdn ?? data.name ?? '' };
  };
  return {
    network: network === undefined ? stateless('network') : networkManager(network),
    ip: publicIp('ip'),
    ipv4: publicIp('ipv4'),
    'gateway-name-proxy': network === undefined ? stateless('gateway-name-proxy', gatewayData) : gatewayManager('gateway-name-proxy', network),
    'gateway-fqdn-proxy': network === undefined ? stateless('gateway-fqdn-proxy', gatewayData) : gatewayManager('gateway-fqdn-proxy', network),
    zlogs: stateless('zlogs'),
  };
}
