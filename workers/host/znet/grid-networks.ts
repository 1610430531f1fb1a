// The grid's Z-Nets on a host whose nodes are namespaces: every `network` workload becomes a real
// network resource on its node (host-znet.ts), its members are recorded in the simulator's own registry
// and compiled by its ZNetBook (sim/network/grid-network-znets.ts), so access node, versions, stale
// members and the re-apply mesh are decided exactly as in simulation; a re-apply then pushes each up
// member's new peers to its wireguard-go, with the members' own keys. Leaves out rewriting the
// deployments (as the simulator: the mesh is pushed to the nodes) and latency-aware access choice.

import { createHash } from 'node:crypto';
import type { NetworkData } from '../../../sim/grid/deployment.js';
import type { ZNetReapplyView } from '../../backend.js';
import type { VmNic } from '../vm/nic.js';
import { checkMachineIp } from './machine-nic.js';
import { InputError } from '../../../sim/errors.js';
import { NetworkRegistry, znetKey } from '../../../sim/network/grid-network-registry.js';
import { ZNetBook } from '../../../sim/network/grid-network-znets.js';
import type { Socket } from 'node:net';
import { cidrContainsIp, formatCidr, networkWorkloads, parseIpv4, type Cidr, type NodeNetInfo, type ZNet } from '../../../sim/network/znet/index.js';
import { withHostEndpoints, type EndpointEnv } from './endpoints.js';
import type { NamespaceDialer } from './dialer.js';
import type { HostZNet } from './host-znet.js';
import { privateKeyOf, publicKeyOf } from './keys.js';
import type { NodeNamespace } from './node-namespace.js';

export interface GridNetworksDeps {
  readonly znet: HostZNet;
  nodeNamespace(node: number): NodeNamespace | undefined;
  isUp(node: number): boolean;
  /** Has a public config: others dial it; a hidden node only dials out. */
  isPublic(node: number): boolean;
}

/** What a re-apply did, in the Backend port's words, and why nothing was when no public member is up. */
export interface GridReapply extends ZNetReapplyView {
  readonly problem?: string;
}

export class HostGridNetworks {
  readonly registry = new NetworkRegistry();
  private readonly book: ZNetBook;
  /** What each NR (`<node>/<twin>/<name>`) last ran: a node that boots runs it again, stale or not. */
  private readonly lastApplied = new Map<string, NetworkData>();

  constructor(private readonly deps: GridNetworksDeps) {
    const info: NodeNetInfo = { isPublic: (node) => deps.isPublic(node) };
    this.book = new ZNetBook(this.registry, info);
  }

  /** A `network` workload provisioned or updated on `node`: the document as written, then recorded. */
  async provision(node: number, twin: number, name: string, workloadId: string, data: NetworkData): Promise<void> {
    const key = znetKey(twin, name);
    await this.applyOn(node, key, data);
    this.registry.setMember(key, { node, workloadId, data });
    this.book.refresh(key);
  }

  /** After the node boots: what it ran before (a member that missed a re-apply stays stale until the next). */
  async restore(node: number, twin: number, name: string, data: NetworkData): Promise<void> {
    const key = znetKey(twin, name);
    await this.applyOn(node, key, this.lastApplied.get(nrKey(node, key)) ?? data);
  }

  async deprovision(node: number, twin: number, name: string): Promise<void> {
    const key = znetKey(twin, name);
    this.lastApplied.delete(nrKey(node, key));
    await this.deps.znet.removeNetwork(nrKey(node, key));
    this.registry.removeMember(key, node);
    this.book.refresh(key);
  }

  /** The simulator's re-apply on the recorded members, pushed to the members that are up. */
  async reapply(network: string): Promise<GridReapply> {
    const key = this.book.resolve(network);
    const previousAccessNode = this.book.get(key)!.accessNode;
    const result = this.book.reapply(key, { isUp: (n) => this.deps.isUp(n) });
    const base = { network: key, version: result.net.version, accessNode: result.net.accessNode, previousAccessNode, updated: result.updated, skipped: result.skipped };
    if (result.problem !== undefined) return { ...base, membersCutOff: this.membersCutOff(key), problem: result.problem };
    const docs = this.hostDocuments(key, result.net);
    for (const node of result.updated) await this.applyOn(node, key, docs.get(node)!);
    return { ...base, membersCutOff: this.membersCutOff(key) };
  }

  /** Z-Nets with an access node, as the reconciler watches them (workers/sim-backend-network.ts znetView). */
  views(): { network: string; accessNode: number; members: number[]; staleMembers: number[] }[] {
    return this.book.keys().flatMap((key) => {
      const net = this.book.get(key)!;
      if (net.accessNode < 0) return [];
      const stale = net.members.filter((m) => (net.applied.get(m.node)?.version ?? -1) !== net.version && this.deps.isUp(m.node)).map((m) => m.node);
      return [{ network: key, accessNode: net.accessNode, members: net.members.map((m) => m.node), staleMembers: stale }];
    });
  }

  /**
   * A zmachine's private NIC in Z-Net `<twin>/<network>` on its node (zos's vm primitive takes one
   * private network per machine: "only one private network is support"). A container gets a namespace of its own on the NR's
   * bridge; a VM a tap on that bridge, qemu run in the node's namespace. `ip` '' takes the next free one.
   */
  async attachMachine(node: number, twin: number, network: string, workloadId: string, ip: string, vm: boolean): Promise<MachineNic> {
    const key = nrKey(node, znetKey(twin, network));
    const plan = this.deps.znet.applied(key);
    if (plan === undefined) throw new InputError('zmachine', 'network.interfaces[0].network', `network '${network}' is not deployed on node ${node}`);
    const address = ip === '' || ip === undefined ? this.deps.znet.freeMachineIp(key, workloadId) : checkMachineIp(plan, ip);
    if (!vm) return { ip: address, netns: (await this.deps.znet.attachMachine(key, workloadId, address)).name };
    const tap = await this.deps.znet.createTap(key, workloadId);
    const mac = macOf(workloadId);
    return { ip: address, nic: { kind: 'tap', ifname: tap, mac, netns: this.deps.nodeNamespace(node)!.name, ipCidr: `${address}/24`, gateway: plan.gateway } };
  }

  /**
   * For a gateway on `node` in front of a backend inside Z-Net `<twin>/<network>`: the relay that dials
   * from the node's network resource of that Z-Net (its `connect` fits http's createConnection).
   */
  dialerFor(node: number, twin: number, network: string): Promise<NamespaceDialer> {
    return this.deps.znet.dialerOf(nrKey(node, znetKey(twin, network)));
  }

  /** Where a container machine's CoreX answers in its Z-Net and how to dial it (workers/host/corex/endpoints.ts). */
  machineReach(workloadId: string): ReturnType<HostZNet['machineReach']> {
    return this.deps.znet.machineReach(workloadId);
  }

  /**
   * How a gateway on `node` dials an address inside one of the node's Z-Nets (from that network
   * resource, as zos's gateway reaches a private backend); undefined for any other address.
   */
  connectFrom(node: number): (host: string, port: number) => Promise<Socket> | undefined {
    return (host, port) => {
      const ip = parseIpv4(host);
      const key = this.deps.znet.resourceKeys().find((k) => k.startsWith(`${node}/`) && ip >= 0 && cidrContainsIp(this.deps.znet.applied(k)!.ipRange, ip));
      return key === undefined ? undefined : this.deps.znet.dialerOf(key).then((d) => d.connect(host, port));
    };
  }

  /** Where a container machine's Z-Net traffic starts (zmachine.connect), and the range it reaches. */
  machineNet(workloadId: string): { readonly namespace: NodeNamespace; readonly ipRange: Cidr } | undefined {
    return this.deps.znet.machineNet(workloadId);
  }

  async detachMachine(workloadId: string): Promise<void> {
    await this.deps.znet.detachMachine(workloadId);
    await this.deps.znet.deleteTap(workloadId);
  }

  /** Removes every network resource and machine NIC (the owner calls it on close). */
  close(): Promise<void> {
    return this.deps.znet.close();
  }

  hashState(): unknown {
    return this.book.hashState();
  }

  private async applyOn(node: number, key: string, data: NetworkData): Promise<void> {
    const ns = this.deps.nodeNamespace(node);
    if (ns === undefined) throw new InputError(`network ${key}`, 'node', `node ${node} has no network namespace on this host`);
    const hostData = withHostEndpoints(data, this.endpointEnv(key));
    await this.deps.znet.applyNetwork(ns, nrKey(node, key), hostData, `network ${key} on node ${node}`);
    this.lastApplied.set(nrKey(node, key), data);
  }

  private endpointEnv(key: string): EndpointEnv {
    const members = this.registry.znets.get(key);
    return {
      memberBySubnet: (subnet) => [...(members?.values() ?? [])].find((m) => m.data.subnet === subnet)?.node,
      nodeAddress: (node) => this.deps.nodeNamespace(node)?.address,
    };
  }

  /**
   * The mesh's documents with each member's own private key and its peers' public keys: the
   * simulator writes stand-ins (`wg-key:<net>:<node>`), a member may have deployed real keys.
   */
  private hostDocuments(key: string, net: ZNet): Map<number, NetworkData> {
    const members = this.registry.znets.get(key)!;
    const privateOf = (node: number) => members.get(node)?.data.wireguard_private_key ?? `wg-key:${net.name}:${node}`;
    const subnetNode = new Map(net.members.map((m) => [formatCidr(m.subnet), m.node]));
    const docs = networkWorkloads(net);
    for (const [node, doc] of docs) {
      docs.set(node, {
        ...doc,
        wireguard_private_key: privateOf(node),
        peers: doc.peers.map((p) => {
          const peerNode = subnetNode.get(p.subnet);
          return peerNode === undefined ? p : { ...p, wireguard_public_key: publicKeyOf(privateKeyOf(privateOf(peerNode))) };
        }),
      });
    }
    return docs;
  }

  /** Up members that cannot reach another up member by the applied meshes (the model's answer; links ignored). */
  private membersCutOff(key: string): number {
    return this.book.membersCutOff(key, { isUp: (n) => this.deps.isUp(n), latencyS: () => 0 });
  }
}

/** What a machine's Z-Net NIC is: a namespace to run a container in, or a tap for a VM. */
export interface MachineNic {
  readonly ip: string;
  readonly netns?: string;
  readonly nic?: VmNic;
}

/** A stable, locally administered unicast MAC per machine (zos: ifaceutil.HardwareAddrFromInputBytes). */
function macOf(workloadId: string): string {
  const bytes = createHash('sha256').update(`zmachine:${workloadId}`).digest().subarray(0, 6);
  bytes[0] = (bytes[0]! & 0xfe) | 0x02;
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
}

function nrKey(node: number, key: string): string {
  return `${node}/${key}`;
}
