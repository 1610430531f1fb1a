// The Backend port answered by real processes on this Linux host: N "nodes" under a data dir, each
// with its own 0-db server, zmount pool, flist cache, machines and gateway; a hub served over HTTP.
// Waits are in wall time. Leaves out networks (recorded only), CPU/memory admission and billing.
// With `network: 'netns'` each node is a network namespace (workers/host/netns/) reached at its address.

import { join } from 'node:path';
import type { WorkloadType } from '../../sim/grid/deployment.js';
import type { Backend, ConnectView, GatewayAnswerView, GridObserver, NodeCapacityView, NodeStatusView, WorkloadView, ZdbValue, ZNetReapplyView, ZNetView } from '../backend.js';
import { WorkerError, WorkerErrorCode } from '../errors.js';
import { HubServer, mountFlist } from '../host/flist/index.js';
import { NetnsGrid, NetnsLinks, type NodeNamespace } from '../host/netns/index.js';
import type { Deployment } from '../operations.js';
import { HostDeployments } from './deployments.js';
import { zdbKind, zmountKind } from './kind-storage.js';
import { gatewayKind, qsfsKind } from './kind-services.js';
import { zmachineKind } from './kind-zmachine.js';
import { hubUrlMapper } from './hub-map.js';
import type { WorkloadKind } from './kinds.js';
import { hostZmachineConnect } from './connect-ops.js';
import { hostGatewayRequest, hostNetworks, hostZnetReapply, networkKind } from './network-ops.js';
import { sweepOrphanRuns, type HostGridNetworks } from '../host/znet/index.js';
import type { HostNode } from './nodes.js';
import { compileHostOptions, type HostBackendOptions } from './options.js';
import { HostRegistry } from './registry.js';
import { hostStateHash } from './state-hash.js';
import { HostFaults } from './faults.js';
import { HostMachineOps } from './machine-ops.js';
import { HostStorageOps } from './storage-ops.js';
import { hostNodeCapacities, hostNodeStatus, hostZnets } from './views.js';
import { ZdbClients } from './zdb-client.js';
import { ZdbTagRegistry } from './zdb-values.js';

/** One namespace per node on its farm's LAN; the gateway relays' sockets sit next to the owner record. */
async function attachNetns(nodes: readonly HostNode[]): Promise<{ grid: NetnsGrid; links: NetnsLinks }> {
  const grid = await NetnsGrid.create(nodes.map((n) => n.farm));
  await sweepOrphanRuns(); // Z-Net namespaces of runs whose node namespaces that create() just swept
  nodes.forEach((n, i) => n.attachNamespace(grid.nodes[i]!, join(grid.stateDir, `${grid.names.run}-n${i}-`)));
  return { grid, links: new NetnsLinks(grid) };
}

export class HostBackend implements Backend, GridObserver {
  private readonly startMs = performance.now();
  private readonly registry = new HostRegistry();
  private readonly clients: ZdbClients;
  private readonly deployments: HostDeployments;
  private readonly storage: HostStorageOps;
  private readonly machines: HostMachineOps;
  /** The Z-Nets as real WireGuard, with network 'netns' (workers/host/znet/). */
  private readonly networks: HostGridNetworks | undefined;
  /** The harness's faults on these nodes (the owner's, never the handlers'): Testbed takes it from here. */
  readonly faults: HostFaults;

  private constructor(
    readonly dataDir: string,
    private readonly nodes: readonly HostNode[],
    /** The hub this backend serves (undefined when given by URL): publish flists on `hubServer.hub`. */
    readonly hubServer: HubServer | undefined,
    /** The hub's base URL: a flist published under `name` is `${hubUrl}flists/<name>`. */
    readonly hubUrl: string,
    allowLoopbackBackends: boolean,
    /** Real hub URLs → this backend's hub (hub-map.ts). */
    private readonly localFlistUrl: (url: string) => string,
    /** The nodes' namespaces and links with network 'netns'. */
    readonly netns: { readonly grid: NetnsGrid; readonly links: NetnsLinks } | undefined,
  ) {
    this.clients = new ZdbClients((node) => nodes[node]!.address);
    this.networks = netns === undefined ? undefined : hostNetworks(nodes, netns.grid.names.run);
    const kinds = new Map<WorkloadType, WorkloadKind>([
      ['zdb', zdbKind], ['zmount', zmountKind], ['qsfs', qsfsKind(nodes)], ['zmachine', zmachineKind(localFlistUrl, () => this.networks)],
      ['network', networkKind(() => this.networks)],
      ['gateway-name-proxy', gatewayKind], ['gateway-fqdn-proxy', gatewayKind],
    ]);
    this.deployments = new HostDeployments(nodes, this.registry, kinds, { allowLoopbackBackends });
    this.machines = new HostMachineOps(nodes, () => this.networks);
    this.faults = new HostFaults(nodes, this.deployments, this.clients, hubServer, () => this.nowS(), netns?.links);
    this.storage = new HostStorageOps(nodes, this.registry, this.clients, new ZdbTagRegistry(join(dataDir, 'zdb-tags.jsonl')));
  }

  /** Starts every node's processes and the hub; close() stops them. */
  static async open(options: HostBackendOptions): Promise<HostBackend> {
    const compiled = compileHostOptions(options);
    const hub = compiled.hubDir === undefined ? undefined : new HubServer({ dir: compiled.hubDir, port: 0 });
    await hub?.listen();
    const hubUrl = hub?.url ?? compiled.hubUrl!;
    let netns: { grid: NetnsGrid; links: NetnsLinks } | undefined;
    try {
      netns = compiled.network === 'netns' ? await attachNetns(compiled.nodes) : undefined;
    } catch (error) {
      await hub?.close();
      throw error;
    }
    const backend = new HostBackend(compiled.dataDir, compiled.nodes, hub, hubUrl, compiled.allowLoopbackBackends, hubUrlMapper(hubUrl, compiled.hubAliases), netns);
    try {
      // At once: a 0-db run as a process takes a second or two to start.
      await Promise.all(compiled.nodes.map((node) => node.start(0)));
    } catch (error) {
      await backend.close();
      throw error;
    }
    return backend;
  }

  /** Stops every process this backend started. */
  async close(): Promise<void> {
    this.registry.close();
    this.clients.close();
    await this.machines.close(); // the machines' CoreX web servers
    await Promise.all(this.nodes.map((node) => node.stop(this.nowS())));
    await this.networks?.close(); // before the node namespaces its wireguard-go processes run in
    await this.hubServer?.close();
    await this.netns?.grid.close();
  }

  /** The node's namespace with network 'netns' (run commands inside with its exec); else undefined. */
  nodeNamespace(node: number): NodeNamespace | undefined {
    return this.mustHaveNode(node).namespace;
  }

  nowS(): number {
    return (performance.now() - this.startMs) / 1000;
  }

  /** The URL nodes fetch a flist published on this backend's hub under `name`. */
  flistUrl(name: string): string {
    return `${this.hubUrl}flists/${name}`;
  }

  // Deployments ----------------------------------------------------------------------------------

  async createDeployment(node: number, deployment: Deployment): Promise<{ contractId: number }> {
    return { contractId: this.deployments.create(node, deployment) };
  }

  async updateDeployment(contractId: number, deployment: Deployment): Promise<void> {
    this.deployments.update(contractId, deployment);
  }

  async deleteDeployment(contractId: number): Promise<void> {
    this.deployments.delete(contractId);
  }

  async pauseDeployment(contractId: number): Promise<void> {
    this.deployments.pause(contractId, true);
  }

  async resumeDeployment(contractId: number): Promise<void> {
    this.deployments.pause(contractId, false);
  }

  async deployment(contractId: number): Promise<{ node: number; workloads: readonly WorkloadView[] } | undefined> {
    const record = this.deployments.contracts.get(contractId);
    if (record === undefined || record.doc === undefined) return undefined;
    return { node: record.node, workloads: record.doc.workloads.map((w) => record.results.get(w.name)!).filter((w) => w !== undefined) };
  }

  async settled(contractId: number, timeoutS: number): Promise<readonly WorkloadView[]> {
    await this.deployments.settled(contractId, timeoutS);
    return (await this.deployment(contractId))?.workloads ?? [];
  }

  // Storage --------------------------------------------------------------------------------------

  zdbSet(namespace: string, key: string, value: ZdbValue): Promise<string | null> {
    return this.storage.zdbSet(namespace, key, value);
  }

  zdbGet(namespace: string, key: string): Promise<ZdbValue | null> {
    return this.storage.zdbGet(namespace, key);
  }

  zdbDel(namespace: string, key: string): Promise<void> {
    return this.storage.zdbDel(namespace, key);
  }

  zdbHistory(namespace: string, key: string): Promise<readonly { value: ZdbValue | null; timestampS: number }[]> {
    return this.storage.zdbHistory(namespace, key);
  }

  zstorStore(qsfs: string, path: string, sizeBytes: number): Promise<void> {
    return this.storage.zstorStore(qsfs, path, sizeBytes);
  }

  zstorRetrieve(qsfs: string, path: string): Promise<number> {
    return this.storage.zstorRetrieve(qsfs, path);
  }

  zstorCheck(qsfs: string, path: string): Promise<'cached' | 'uploaded' | 'lost'> {
    return this.storage.zstorCheck(qsfs, path);
  }

  // Machines and flists --------------------------------------------------------------------------

  zmachineStart(workloadId: string): Promise<void> {
    return this.machines.zmachineStart(workloadId);
  }

  zmachineStop(workloadId: string): Promise<void> {
    return this.machines.zmachineStop(workloadId);
  }

  corexList(workloadId: string): Promise<readonly { pid: number; command: string }[]> {
    return this.machines.corexList(workloadId);
  }

  corexStart(workloadId: string, command: string): Promise<number> {
    return this.machines.corexStart(workloadId, command);
  }

  corexKill(workloadId: string, pid: number): Promise<void> {
    return this.machines.corexKill(workloadId, pid);
  }

  /** Mounts the flist on the node (metadata and every block through its cache); answers the hub bytes. */
  async flistFetch(node: number, url: string): Promise<{ fetchedBytes: number }> {
    const mounted = await mountFlist(this.localFlistUrl(url), this.upNode(node).flistStore);
    return { fetchedBytes: mounted.fetchedBytes };
  }

  // Network ---------------------------------------------------------------------------------

  znetReapply(network: string): Promise<ZNetReapplyView> {
    return hostZnetReapply(this.networks, network);
  }

  gatewayRequest(host: string): Promise<GatewayAnswerView> {
    return hostGatewayRequest(this.nodes, this.registry, host);
  }

  zmachineConnect(workloadId: string, address: string, port: number): Promise<ConnectView> {
    return hostZmachineConnect(this.nodes, this.networks, workloadId, address, port);
  }

  stateHash(): Promise<string> {
    return hostStateHash({ nodes: this.nodes, deployments: this.deployments, registry: this.registry, clients: this.clients, hubUp: this.faults.hubUp });
  }

  // Views for the scheduler's owner --------------------------------------------------------------

  async nodeCapacities(): Promise<readonly NodeCapacityView[]> {
    return hostNodeCapacities(this.nodes, this.dataDir);
  }

  async nodeStatus(node: number): Promise<NodeStatusView> {
    return hostNodeStatus(this.mustHaveNode(node));
  }

  async znets(): Promise<readonly ZNetView[]> {
    return this.networks?.views() ?? hostZnets();
  }

  // ----------------------------------------------------------------------------------------------

  private mustHaveNode(node: number): HostNode {
    return this.faults.mustHaveNode(node);
  }

  private upNode(node: number): HostNode {
    const host = this.mustHaveNode(node);
    if (!host.up) throw new WorkerError(WorkerErrorCode.nodeDown, `node ${node} is off`, true);
    return host;
  }
}
