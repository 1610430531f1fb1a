// Every network resource and machine NIC one owner (a HostBackend, a test) made, under one prefix so
// that nothing collides with another owner's and close() or a later sweep can find it all.
// Leaves out persistence: after a crash of the owner, sweep.ts removes what it left.

import type { NetworkData } from '../../../sim/grid/deployment.js';
import { formatCidr, formatIpv4, type Cidr } from '../../../sim/network/znet/index.js';
import { compileNetworkDocument, type NrPlan } from './document.js';
import { attachMachine, createTap, deleteTap, detachMachine } from './machine-nic.js';
import { checkPrefix, machineNames, nrNames, tapName, type MachineNames } from './names.js';
import { HostNetworkResource } from './network-resource.js';
import type { Socket } from 'node:net';
import { dialerSocketDir, NamespaceDialer } from './dialer.js';
import { ipNetnsNamespace, type NodeNamespace } from './node-namespace.js';

interface MachineEntry {
  readonly names: MachineNames;
  readonly nr: string;
  readonly namespace: NodeNamespace;
}

export class HostZNet {
  private nextSlot = 0;
  private readonly resources = new Map<string, HostNetworkResource>();
  private readonly machines = new Map<string, MachineEntry>();
  /** By machine id: the VM's tap and the NR it is on. */
  private readonly taps = new Map<string, { node: NodeNamespace; tap: string; nr: string }>();
  /** By NR key: the relay that dials from inside the NR (dialer.ts). */
  private readonly dialers = new Map<string, NamespaceDialer>();

  constructor(readonly prefix: string) {
    checkPrefix(prefix);
  }

  /**
   * Applies a `network` document on a node; `key` names the NR (one per node and network, e.g.
   * `<node>/<twin>/<name>`). Applying again with the same key re-applies: peers rewritten, stale ones gone.
   */
  async applyNetwork(node: NodeNamespace, key: string, data: NetworkData, where = `network ${key}`): Promise<NrPlan> {
    const plan = compileNetworkDocument(data, where);
    let nr = this.resources.get(key);
    if (nr !== undefined && nr.node.name !== node.name) {
      await this.removeNetwork(key);
      nr = undefined;
    }
    if (nr === undefined) {
      nr = new HostNetworkResource(node, nrNames(this.prefix, this.nextSlot++));
      this.resources.set(key, nr);
    }
    await nr.apply(plan);
    return plan;
  }

  /** Keys of the network resources applied here. */
  resourceKeys(): string[] {
    return [...this.resources.keys()].filter((k) => this.resources.get(k)!.applied !== undefined);
  }

  resource(key: string): HostNetworkResource | undefined {
    return this.resources.get(key);
  }

  /** Tears the NR down, with the machines still attached to it. */
  async removeNetwork(key: string): Promise<void> {
    const nr = this.resources.get(key);
    if (nr === undefined) return;
    for (const [id, m] of [...this.machines]) if (m.nr === key) await this.detachMachine(id);
    for (const [id, t] of [...this.taps]) if (t.nr === key) await this.deleteTap(id);
    this.resources.delete(key);
    await this.dialers.get(key)?.stop();
    this.dialers.delete(key);
    await nr.teardown();
  }

  /** A machine's NIC in the NR `key` at `ip`: answers the namespace its processes run in. */
  async attachMachine(key: string, machineId: string, ip: string): Promise<NodeNamespace> {
    const nr = this.needResource(key);
    await this.detachMachine(machineId);
    const names = machineNames(this.prefix, this.nextSlot++);
    const namespace = await attachMachine(nr.node, nr.names.bridge, names, nr.applied!, ip);
    this.machines.set(machineId, { names, nr: key, namespace });
    return namespace;
  }

  machine(machineId: string): NodeNamespace | undefined {
    return this.machines.get(machineId)?.namespace;
  }

  /** A container machine's namespace and a TCP dial from its NR into the Z-Net (CoreX's clients use it). */
  async machineReach(machineId: string): Promise<{ namespace: NodeNamespace; dial: (host: string, port: number) => Socket } | undefined> {
    const m = this.machines.get(machineId);
    if (m === undefined) return undefined;
    const dialer = await this.dialerOf(m.nr);
    return { namespace: m.namespace, dial: (host, port) => dialer.connect(host, port) };
  }

  /** A container machine's namespace and the Z-Net range its NIC reaches (its NR's ip_range). */
  machineNet(machineId: string): { readonly namespace: NodeNamespace; readonly ipRange: Cidr } | undefined {
    const m = this.machines.get(machineId);
    const plan = m === undefined ? undefined : this.applied(m.nr);
    return m === undefined || plan === undefined ? undefined : { namespace: m.namespace, ipRange: plan.ipRange };
  }

  async detachMachine(machineId: string): Promise<void> {
    const m = this.machines.get(machineId);
    if (m === undefined) return;
    this.machines.delete(machineId);
    await detachMachine(m.names);
  }

  /** A tap on the NR's bridge for a VM; answers its name (qemu runs in the node's namespace). */
  async createTap(key: string, machineId: string): Promise<string> {
    const nr = this.needResource(key);
    await this.deleteTap(machineId);
    const tap = tapName(this.prefix, this.nextSlot++);
    await createTap(nr.node, nr.names.bridge, tap);
    this.taps.set(machineId, { node: nr.node, tap, nr: key });
    return tap;
  }

  async deleteTap(machineId: string): Promise<void> {
    const t = this.taps.get(machineId);
    if (t === undefined) return;
    this.taps.delete(machineId);
    await deleteTap(t.node, t.tap);
  }

  /** The lowest host address from .2 that no machine on the NR holds (zos reserves .1 for the NR). */
  freeMachineIp(key: string, machineId: string): string {
    const plan = this.needResource(key).applied!;
    const taken = new Set([...this.machines].filter(([id, m]) => m.nr === key && id !== machineId).map(([, m]) => m.namespace.address));
    for (let host = 2; host < 255; host++) {
      const ip = formatIpv4(plan.subnet.base + host);
      if (!taken.has(ip)) return ip;
    }
    throw new Error(`network resource ${key} has no free address left in ${formatCidr(plan.subnet)}`);
  }

  /** The document last applied on the NR `key`, if any. */
  applied(key: string): NrPlan | undefined {
    return this.resources.get(key)?.applied;
  }

  /**
   * A TCP socket to host:port opened from inside the NR `key` (its Z-Net routes), for the owner
   * process: a gateway in front of a Z-Net backend, a test. The relay starts on first use.
   */
  async dial(key: string, host: string, port: number): Promise<Socket> {
    return (await this.dialerOf(key)).connect(host, port);
  }

  /** The NR's relay, started if needed; `connect` on it returns a socket at once (http's createConnection). */
  async dialerOf(key: string): Promise<NamespaceDialer> {
    const nr = this.needResource(key);
    let dialer = this.dialers.get(key);
    if (dialer === undefined || !dialer.running) {
      dialer = await NamespaceDialer.start(ipNetnsNamespace(nr.names.namespace, nr.applied!.gateway), `${dialerSocketDir}/${nr.names.namespace}.sock`);
      this.dialers.set(key, dialer);
    }
    return dialer;
  }

  /** Removes every machine NIC and network resource this owner made. */
  async close(): Promise<void> {
    for (const id of [...this.machines.keys()]) await this.detachMachine(id);
    for (const id of [...this.taps.keys()]) await this.deleteTap(id);
    for (const key of [...this.resources.keys()]) await this.removeNetwork(key);
  }

  private needResource(key: string): HostNetworkResource {
    const nr = this.resources.get(key);
    if (nr === undefined || nr.applied === undefined) throw new Error(`network resource ${key} is not applied on this host`);
    return nr;
  }
}
