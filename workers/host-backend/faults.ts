// Faults on host nodes, as real events: power off / crash kill a node's processes (0-db server,
// machines, gateway) and keep its files; power on / repair start them again from those files; a failed
// HDD deletes 0-db's data files; the hub goes down by closing its HTTP server. Link faults and
// partitions need an underlay: with network 'netns' they take real links down (workers/host/netns/links.ts),
// and a power-off also kills whatever still runs in the node's namespace and takes its LAN link down;
// on loopback they refuse with E_NOT_SUPPORTED.

import type { FaultInjector } from '../backend.js';
import { WorkerError, WorkerErrorCode } from '../errors.js';
import type { HubServer } from '../host/flist/index.js';
import type { NetnsLinks } from '../host/netns/index.js';
import type { HostDeployments } from './deployments.js';
import { notSupportedOnHost } from './network-ops.js';
import type { HostNode } from './nodes.js';
import type { ZdbClients } from './zdb-client.js';

export class HostFaults implements FaultInjector {
  hubUp = true;

  constructor(
    private readonly nodes: readonly HostNode[],
    private readonly deployments: HostDeployments,
    private readonly clients: ZdbClients,
    /** Undefined when the hub runs elsewhere: this backend cannot take it down. */
    private readonly hub: HubServer | undefined,
    private readonly nowS: () => number,
    /** With network 'netns': the real links. */
    private readonly links?: NetnsLinks,
  ) {}

  /** `crash`: 0-db gets SIGKILL (when it runs as a process) instead of a clean shutdown. */
  async powerOff(node: number, crash = false): Promise<void> {
    const host = this.mustHaveNode(node);
    this.clients.dropNode(node);
    await host.stop(this.nowS(), crash);
    await this.links?.setPower(node, false);
  }

  /** 0-db reopens its files; then deletions that waited run, and proxies and machines come back. */
  async powerOn(node: number): Promise<void> {
    const host = this.mustHaveNode(node);
    if (host.up) return;
    await this.links?.setPower(node, true);
    await host.start(this.nowS());
    await this.deployments.afterBoot(node);
  }

  /** As powerOff, but a 0-db running as a process is killed with SIGKILL. */
  crash(node: number): Promise<void> {
    return this.powerOff(node, true);
  }

  repair(node: number): Promise<void> {
    return this.powerOn(node);
  }

  /** A clean stop, then a start from the node's files. */
  async reboot(node: number): Promise<void> {
    await this.powerOff(node);
    await this.powerOn(node);
  }

  /** A host node has one disk of each kind; the SSD holds the zmount pool, which we do not destroy. */
  async failDisk(node: number, device: 'ssd' | 'hdd', index: number): Promise<void> {
    const host = this.mustHaveNode(node);
    if (index !== 0) throw new WorkerError(WorkerErrorCode.notFound, `node ${node} has no ${device} ${index} (it has 1)`);
    if (device === 'ssd') throw notSupportedOnHost('failing the SSD (zmount pool) of a host node');
    this.clients.dropNode(node);
    await host.wipeZdb(this.nowS());
  }

  /** Reopens on the same port, so flist URLs stay valid. */
  async setHub(up: boolean): Promise<void> {
    if (this.hub === undefined) throw notSupportedOnHost('hub.down/hub.up with a hub given by URL (it runs elsewhere)');
    if (up && !this.hub.listening) await this.hub.listen();
    if (!up) await this.hub.close();
    this.hubUp = up;
  }

  async cutLink(a: number, b: number): Promise<void> {
    await this.mustHaveLinks('link.cut').setCut(a, b, true);
  }

  async healLink(a: number, b: number): Promise<void> {
    await this.mustHaveLinks('link.heal').setCut(a, b, false);
  }

  async partitionFarms(farms: readonly number[]): Promise<void> {
    await this.mustHaveLinks('a farm partition').partition(farms);
  }

  async healPartition(): Promise<void> {
    await this.mustHaveLinks('healing a farm partition').healPartition();
  }

  private mustHaveLinks(what: string): NetnsLinks {
    // The words the loopback host always used (the behaviour suite matches them); netns is the option that lifts it.
    if (this.links === undefined) throw notSupportedOnHost(what);
    return this.links;
  }

  mustHaveNode(node: number): HostNode {
    const host = Number.isInteger(node) ? this.nodes[node] : undefined;
    if (host === undefined) throw new WorkerError(WorkerErrorCode.notFound, `node ${node} does not exist (the grid has ${this.nodes.length})`);
    return host;
  }
}
