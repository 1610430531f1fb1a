// qsfs and gateway workloads on a host node. A qsfs is a HostZstor over the namespaces its config names
// (found by address and namespace on whichever node holds them); a gateway proxy lives on the node's HostGateway.
// Leaves out the qsfs FUSE frontend and its local cache: files go straight to the backends.

import type { QsfsConfig, QsfsData, Workload, ZdbBackend } from '../../sim/grid/deployment.js';
import { HostZstor } from '../host/zstor/index.js';
import type { HostNode } from './nodes.js';
import type { KindContext, WorkloadKind } from './kinds.js';
import { hostZdbNode } from './zdb-address.js';

/** Short enough that a dead backend costs a store little; a dial to a stopped port fails at once anyway. */
const zstorOpTimeoutS = 2;

/**
 * The config with every backend pointing at the 0-db of the node holding it (its address and port). An address
 * that names one of this backend's 0-dbs (a zdb result's IPs and Port) must hold the namespace, as
 * zstor selects it there; any other address (a made-up or real-grid one) is found by namespace id,
 * the same rule as the simulated qsfs manager's (sim/storage/qsfs-manager.ts backendAt).
 */
function hostConfig(config: QsfsConfig, nodes: readonly HostNode[], ctx: KindContext): QsfsConfig {
  const local = (b: ZdbBackend): ZdbBackend => {
    const ns = ctx.registry.namespaces.get(b.namespace);
    const named = hostZdbNode(b.address, nodes);
    if (ns === undefined || (named !== null && named.node !== ns.node)) {
      // The simulated manager's words, so a refusal reads the same on both backends.
      throw new Error(`failed to start zstor: zstor noPlacement: backend ${b.address}/${b.namespace} unreachable`);
    }
    return { ...b, address: `${nodes[ns.node]!.address}:${nodes[ns.node]!.zdbPort}` };
  };
  return {
    ...config,
    meta: { ...config.meta, config: { ...config.meta.config, backends: config.meta.config.backends.map(local) } },
    groups: config.groups.map((g) => ({ backends: g.backends.map(local) })),
  };
}

export function qsfsKind(nodes: readonly HostNode[]): WorkloadKind {
  return {
    async provision(ctx, workload) {
      const existing = ctx.registry.qsfs.get(ctx.workloadId);
      if (existing === undefined) {
        const zstor = new HostZstor(hostConfig((workload.data as QsfsData).config, nodes, ctx), { opTimeoutS: zstorOpTimeoutS, seed: ctx.workloadId });
        ctx.registry.qsfs.set(ctx.workloadId, { node: ctx.node.node, zstor, fileSizes: new Map() });
      }
      return { path: `/mnt/${ctx.workloadId}`, metrics_endpoint: '' };
    },
    async deprovision(ctx) {
      ctx.registry.qsfs.get(ctx.workloadId)?.zstor.close();
      ctx.registry.qsfs.delete(ctx.workloadId);
    },
  };
}

interface ProxyData {
  readonly name?: string;
  readonly fqdn?: string;
  readonly backends: readonly string[];
}

async function addProxy(ctx: KindContext, workload: Workload): Promise<{ fqdn: string }> {
  const gateway = await ctx.node.ensureGateway();
  const data = workload.data as unknown as ProxyData;
  const added = workload.type === 'gateway-name-proxy' ? gateway.addNameProxy(ctx.workloadId, data, ctx.twin) : gateway.addFqdnProxy(ctx.workloadId, data, ctx.twin);
  ctx.registry.gateways.set(ctx.workloadId, { node: ctx.node.node, fqdn: added.fqdn, backend: data.backends[0] ?? '' });
  return added;
}

export const gatewayKind: WorkloadKind = {
  async provision(ctx, workload) {
    const { fqdn } = await addProxy(ctx, workload);
    return { fqdn };
  },
  async deprovision(ctx) {
    const record = ctx.registry.gateways.get(ctx.workloadId);
    ctx.registry.gateways.delete(ctx.workloadId);
    if (record !== undefined) ctx.node.gateway?.remove(record.fqdn);
  },
  async restore(ctx, workload) {
    await addProxy(ctx, workload);
  },
};
