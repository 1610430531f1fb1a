// The port's network calls on one real host: gateway requests go over HTTP to the node's HostGateway;
// `network` workloads and Z-Net re-applies are real WireGuard when nodes are namespaces (network
// 'netns', workers/host/znet/), and refuse without (no underlay, no mesh to act on).

import { request } from 'node:http';
import type { NetworkData, Workload } from '../../sim/grid/deployment.js';
import { InputError } from '../../sim/errors.js';
import type { GatewayAnswerView, ZNetReapplyView } from '../backend.js';
import { WorkerError, WorkerErrorCode } from '../errors.js';
import { PUBLIC_NODES_PER_FARM } from '../../sim/network/grid-network-public.js';
import { HostGridNetworks, HostZNet } from '../host/znet/index.js';
import type { KindContext, WorkloadKind } from './kinds.js';
import type { HostNode } from './nodes.js';
import type { HostRegistry } from './registry.js';

/** Not retryable: another attempt cannot help. */
export const notSupportedCode = WorkerErrorCode.notSupported;

/** A single host has no underlay links and no WireGuard mesh to re-apply. */
export function notSupportedOnHost(what: string): WorkerError {
  return new WorkerError(notSupportedCode, `${what} is not supported by the host backend: one real host has no underlay links or Z-Net mesh to act on`);
}

/** Answers within this long or counts as no answer, as a client's timeout would. */
const clientTimeoutS = 5;

export async function hostGatewayRequest(nodes: readonly HostNode[], registry: HostRegistry, host: string): Promise<GatewayAnswerView> {
  const name = host.toLowerCase();
  const record = [...registry.gateways.values()].find((g) => g.fqdn.toLowerCase() === name);
  if (record === undefined) return { host, status: null, outcome: 'unknown-host', latencyS: null, gateway: null, backend: null };
  // With nodes as namespaces, at the node's address: a cut or partition is then on the client's way too.
  const endpoint = nodes[record.node]!.up ? nodes[record.node]!.gatewayEndpoint() : undefined;
  if (endpoint === undefined) return { host, status: null, outcome: 'no-answer', latencyS: null, gateway: null, backend: null };
  const startedMs = performance.now();
  const status = await get(endpoint, host);
  if (status === null) return { host, status: null, outcome: 'no-answer', latencyS: null, gateway: null, backend: null };
  const latencyS = (performance.now() - startedMs) / 1000;
  return { host, status, outcome: outcomeOf(status), latencyS, gateway: record.node, backend: record.backend };
}

function outcomeOf(status: number): string {
  if (status === 502 || status === 504) return 'bad-gateway';
  if (status === 503) return 'no-healthy-backend';
  if (status === 404) return 'not-found';
  return 'ok';
}

/** One GET with the Host header; null when the gateway does not answer in time. */
function get(endpoint: { host: string; port: number }, host: string): Promise<number | null> {
  return new Promise((resolve) => {
    const req = request({ host: endpoint.host, port: endpoint.port, path: '/', headers: { host }, timeout: clientTimeoutS * 1000, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end();
  });
}

/**
 * `network` workloads: with nodes as namespaces, a real network resource (workers/host/znet/); without,
 * recorded only, as before. The Z-Net is named per twin (`<twin>/<name>`), as zos's NetworkID.
 */
export function networkKind(networks: () => HostGridNetworks | undefined): WorkloadKind {
  const apply = async (ctx: KindContext, workload: Workload): Promise<null> => {
    const grid = networks();
    if (grid === undefined) return null;
    await grid.provision(ctx.node.node, ctx.twin, workload.name, ctx.workloadId, workload.data as NetworkData);
    // The node's gateway may now front backends inside this network (zos's gateway `network` check).
    if (!ctx.node.zNetNames.includes(workload.name)) ctx.node.zNetNames.push(workload.name);
    return null;
  };
  return {
    provision: apply,
    update: (ctx, _previous, next) => apply(ctx, next),
    async deprovision(ctx, workload) {
      const names = ctx.node.zNetNames;
      if (names.includes(workload.name)) names.splice(names.indexOf(workload.name), 1);
      await networks()?.deprovision(ctx.node.node, ctx.twin, workload.name);
    },
    restore: async (ctx, workload) => networks()?.restore(ctx.node.node, ctx.twin, workload.name, workload.data as NetworkData),
  };
}

/** znet.reapply on hosts: the simulator's re-apply pushed to the real members that are up. */
export async function hostZnetReapply(networks: HostGridNetworks | undefined, network: string): Promise<ZNetReapplyView> {
  if (networks === undefined) throw notSupportedOnHost("znet.reapply without network 'netns'");
  let result;
  try {
    result = await networks.reapply(network);
  } catch (error) {
    if (error instanceof InputError) throw new WorkerError(WorkerErrorCode.notFound, `no Z-Net '${network}' is deployed: ${error.message}`);
    throw error;
  }
  // No public member up: nothing was applied; one may come back, so another attempt may help (as SimBackend).
  if (result.problem !== undefined) throw new WorkerError(WorkerErrorCode.nodeDown, result.problem, true);
  const { network: key, version, accessNode, previousAccessNode, updated, skipped, membersCutOff } = result;
  return { network: key, version, accessNode, previousAccessNode, updated, skipped, membersCutOff };
}

/**
 * The Z-Nets of a backend whose nodes are namespaces of netns run `run`: NRs and machine NICs named
 * `zn<run>-…` (swept with the run, workers/host/znet/sweep.ts). Public nodes as in simulation: the
 * first PUBLIC_NODES_PER_FARM of each farm (sim/network/grid-network-public.ts), the others hidden.
 */
export function hostNetworks(nodes: readonly HostNode[], run: string): HostGridNetworks {
  const indexInFarm = nodes.map((n) => nodes.filter((m) => m.farm === n.farm && m.node < n.node).length);
  const grid = new HostGridNetworks({
    znet: new HostZNet(`zn${run}-`),
    nodeNamespace: (node) => nodes[node]?.namespace,
    isUp: (node) => nodes[node]?.up ?? false,
    isPublic: (node) => (indexInFarm[node] ?? Infinity) < PUBLIC_NODES_PER_FARM,
  });
  for (const n of nodes) n.zNetConnect = grid.connectFrom(n.node);
  return grid;
}
