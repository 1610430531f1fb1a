// The `network` and gateway workload managers: they record what the deployments ask of the network in
// the NetworkRegistry, which the network model (World.net) reads when built. Leaves out WireGuard ports.

import type { SimEvent } from '../../engine/events.js';
import { gatewayIssues, type GatewayProxyType } from '../../network/gateway/validate.js';
import { gatewayDomain } from '../../network/grid-network-public.js';
import { znetKey, type MachineEntry, type NetworkRegistry } from '../../network/grid-network-registry.js';
import type { NetworkData, Workload, ZMachineData } from '../deployment.js';
import { noCapacity } from '../node-api.js';
import { WorkloadError, type ManagerContext, type WorkloadManager } from '../provision/manager.js';

export interface NetworkManagerDeps {
  readonly registry: NetworkRegistry;
  /** Whether the node has a public config (a gateway needs one). */
  readonly isPublic: (node: number) => boolean;
}

function done(ctx: ManagerContext, data: unknown = null): SimEvent<unknown> {
  return ctx.sim.event().succeed(data);
}

/** Each member's workload joins its Z-Net; the result stays null, as before, so states hash the same. */
export function networkManager(deps: NetworkManagerDeps): WorkloadManager {
  const join = (ctx: ManagerContext, twin: number, workload: Workload, workloadId: string): void =>
    deps.registry.setMember(znetKey(twin, workload.name), { node: ctx.node, workloadId, data: workload.data as NetworkData });
  return {
    type: 'network',
    capacity: () => noCapacity,
    provision(ctx, deployment, workload) {
      join(ctx, deployment.twin_id, workload, ctx.workloadId(deployment, workload));
      return done(ctx);
    },
    update(ctx, deployment, _previous, next) {
      join(ctx, deployment.twin_id, next, ctx.workloadId(deployment, next));
      return done(ctx);
    },
    deprovision(ctx, deployment, workload) {
      deps.registry.removeMember(znetKey(deployment.twin_id, workload.name), ctx.node);
      return done(ctx);
    },
  };
}

/**
 * A proxy needs a node with a public config; a name proxy lives under the node's domain. The
 * name contract is assumed held by the deploying twin (the chain leaves name contracts out).
 */
export function gatewayManager(type: GatewayProxyType, deps: NetworkManagerDeps): WorkloadManager {
  return {
    type,
    capacity: () => noCapacity,
    provision(ctx, deployment, workload) {
      const issue = gatewayIssues(type, workload.data)[0];
      if (issue !== undefined) return ctx.sim.event().fail(new WorkloadError(`${issue.field}: ${issue.message}`));
      if (!deps.isPublic(ctx.node)) return ctx.sim.event().fail(new WorkloadError('gateway node has no public config with a domain'));
      const data = workload.data as { name?: string; fqdn?: string };
      const fqdn = type === 'gateway-name-proxy' ? `${data.name}.${gatewayDomain(ctx.node)}` : data.fqdn!;
      const workloadId = ctx.workloadId(deployment, workload);
      deps.registry.setGateway({ workloadId, node: ctx.node, twin: deployment.twin_id, type, data: workload.data, fqdn });
      return done(ctx, { fqdn });
    },
    deprovision(ctx, deployment, workload) {
      deps.registry.removeGateway(ctx.workloadId(deployment, workload));
      return done(ctx);
    },
  };
}

/** What a zmachine asks of the network: its first private interface and the planetary flag. */
export function machineNetworkEntry(node: number, workloadId: string, twin: number, data: ZMachineData): MachineEntry | undefined {
  const nic = data.network?.interfaces?.[0];
  if (nic === undefined) return undefined;
  return { workloadId, node, network: znetKey(twin, nic.network), ip: nic.ip ?? '', planetary: data.network.planetary === true };
}
