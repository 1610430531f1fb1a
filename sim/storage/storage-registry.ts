// Where each storage workload's bytes live on a grid: vdisks by workload id, one 0-db server per
// HDD, and the free extents of each SSD pool. Leaves out persistence across reboots (zos rediscovers
// disks and namespaces from the filesystem; here the registry simply outlives the node's power state).

import type { Simulation } from '../engine/simulation.js';
import { SimulationError } from '../errors.js';
import type { Hdd } from '../hardware/hdd.js';
import type { Ssd } from '../hardware/ssd.js';
import { ExtentAllocator } from './extent-allocator.js';
import type { VirtualDisk } from './virtual-disk.js';
import type { Namespace } from './zdb/namespace.js';
import { ZdbServer } from './zdb/server.js';

/** A zdb workload's namespace and where it sits. */
export interface ZdbPlacement {
  readonly id: string;
  readonly node: number;
  readonly disk: number;
  readonly server: ZdbServer;
  /** HDD bytes held for it on the grid: the namespace's maxsize. */
  reservedBytes: number;
}

/** One per simulated grid, shared by the disk managers and whoever needs to find a workload's storage. */
export class StorageRegistry {
  private readonly vdisks = new Map<string, VirtualDisk>();
  private readonly zdbs = new Map<string, ZdbPlacement>();
  private readonly servers = new Map<string, ZdbServer>();
  private readonly allocators = new Map<string, ExtentAllocator>();

  /** The vdisk of a zmount or volume workload id, if it is provisioned. */
  vdisk(workloadId: string): VirtualDisk | undefined {
    return this.vdisks.get(workloadId);
  }

  /** The zdb namespace of a workload id, if it is provisioned. */
  zdb(workloadId: string): ZdbPlacement | undefined {
    return this.zdbs.get(workloadId);
  }

  zdbNamespace(workloadId: string): Namespace | undefined {
    const placement = this.zdbs.get(workloadId);
    return placement?.server.namespace(workloadId);
  }

  /** The 0-db server on one HDD, started on first use as zos starts a container per disk. */
  zdbServer(sim: Simulation, node: number, disk: number, hdd: Hdd): ZdbServer {
    const key = `${node}/${disk}`;
    let server = this.servers.get(key);
    if (server === undefined) {
      server = new ZdbServer(sim, hdd);
      this.servers.set(key, server);
    }
    return server;
  }

  existingZdbServer(node: number, disk: number): ZdbServer | undefined {
    return this.servers.get(`${node}/${disk}`);
  }

  /** Set by the zmachine manager when a VM attaches or detaches the disk. */
  setMounted(workloadId: string, mounted: boolean): void {
    const vdisk = this.vdisks.get(workloadId);
    if (vdisk === undefined) throw new SimulationError(`no vdisk ${workloadId} to ${mounted ? 'mount' : 'unmount'}`);
    vdisk.isMounted = mounted;
  }

  isMounted(workloadId: string): boolean {
    return this.vdisks.get(workloadId)?.isMounted ?? false;
  }

  /** Internal (managers). */
  allocator(node: number, pool: number, ssd: Ssd): ExtentAllocator {
    const key = `${node}/${pool}`;
    let allocator = this.allocators.get(key);
    if (allocator === undefined) {
      allocator = new ExtentAllocator(ssd.capacityBytes);
      this.allocators.set(key, allocator);
    }
    return allocator;
  }

  addVdisk(vdisk: VirtualDisk): void {
    if (this.vdisks.has(vdisk.id)) throw new SimulationError(`vdisk ${vdisk.id} exists`);
    this.vdisks.set(vdisk.id, vdisk);
  }

  removeVdisk(workloadId: string): void {
    this.vdisks.delete(workloadId);
  }

  addZdb(placement: ZdbPlacement): void {
    if (this.zdbs.has(placement.id)) throw new SimulationError(`zdb ${placement.id} exists`);
    this.zdbs.set(placement.id, placement);
  }

  removeZdb(workloadId: string): void {
    this.zdbs.delete(workloadId);
  }
}
