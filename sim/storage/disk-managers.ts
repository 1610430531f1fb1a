// WorkloadManagers for zmount and volume (fully allocated vdisks on the SSD pool with most free space)
// and zdb (a 0-db namespace on an HDD with room), with zos's update, pause and result rules.
// Leaves out formatting, btrfs quotas and subvolumes, zos-cache reserve and 0-db container networking.

import type { SimEvent } from '../engine/events.js';
import type { Simulation } from '../engine/simulation.js';
import type { DiskData, Workload, WorkloadType, ZdbData } from '../grid/deployment.js';
import type { GridNodeApi } from '../grid/node-api.js';
import { noCapacity } from '../grid/node-api.js';
import { WorkloadError, type ManagerContext, type WorkloadManager } from '../grid/provision/manager.js';
import type { StorageRegistry } from './storage-registry.js';
import { VirtualDisk, type VirtualDiskKind } from './virtual-disk.js';
import { zdbPort } from './zdb/server.js';

/**
 * Reserving more on a given device, which a grow needs (zos resizes the vdisk file in its pool and
 * the namespace on its disk). GridNodeApi only offers "the best device"; if the grid also has these,
 * they are used, otherwise a grow succeeds only when the best device happens to be the disk's own.
 */

/** zmount result data. */
export interface ZmountResult {
  readonly volume_id: string;
}

/** zdb result data; zos's struct has no json tags, hence the capitalised keys. */
export interface ZdbResult {
  readonly Namespace: string;
  readonly IPs: readonly string[];
  readonly Port: number;
}

export function createZmountManager(registry: StorageRegistry): WorkloadManager {
  return diskManager('zmount', registry);
}

export function createVolumeManager(registry: StorageRegistry): WorkloadManager {
  return diskManager('volume', registry);
}

export function createDiskManagers(registry: StorageRegistry): { zmount: WorkloadManager; volume: WorkloadManager; zdb: WorkloadManager } {
  return { zmount: createZmountManager(registry), volume: createVolumeManager(registry), zdb: createZdbManager(registry) };
}

function diskManager(kind: VirtualDiskKind, registry: StorageRegistry): WorkloadManager {
  return {
    type: kind satisfies WorkloadType,
    capacity: (workload) => ({ ...noCapacity, sruBytes: diskData(workload).size }),

    provision(ctx, deployment, workload) {
      const id = ctx.workloadId(deployment, workload);
      const result: ZmountResult = { volume_id: id };
      // Idempotent: a reboot re-run finds the disk in place.
      if (registry.vdisk(id) !== undefined) return ok(ctx.sim, result);
      const sizeBytes = diskData(workload).size;
      const pool = ctx.grid.reserveSsd(ctx.node, sizeBytes);
      if (pool < 0) return refuse(ctx.sim, `not enough storage space for ${kind} of ${sizeBytes} bytes`);
      const ssd = ctx.grid.ssd(ctx.node, pool);
      const extents = ssd.failed ? null : registry.allocator(ctx.node, pool, ssd).allocate(sizeBytes);
      if (extents === null) {
        ctx.grid.releaseSsd(ctx.node, pool, sizeBytes);
        return refuse(ctx.sim, ssd.failed ? `failed to allocate ${kind}: disk ${ssd.name} failed` : `not enough storage space on pool ${pool}`);
      }
      registry.addVdisk(new VirtualDisk(ctx.sim, id, kind, ctx.node, pool, ssd, extents));
      return ok(ctx.sim, result);
    },

    deprovision(ctx, deployment, workload) {
      const id = ctx.workloadId(deployment, workload);
      const vdisk = registry.vdisk(id);
      if (vdisk === undefined) return ok(ctx.sim, null);
      registry.allocator(vdisk.node, vdisk.pool, vdisk.ssd).free(vdisk.extents);
      ctx.grid.releaseSsd(vdisk.node, vdisk.pool, vdisk.sizeBytes);
      registry.removeVdisk(id);
      return ok(ctx.sim, null);
    },

    update(ctx, deployment, _previous, next) {
      const id = ctx.workloadId(deployment, next);
      const vdisk = registry.vdisk(id);
      if (vdisk === undefined) return refuse(ctx.sim, `${kind} ${id} does not exist`);
      const result: ZmountResult = { volume_id: id };
      const currentBytes = vdisk.sizeBytes;
      const wantBytes = diskData(next).size;
      if (wantBytes === currentBytes) return ok(ctx.sim, result);
      if (wantBytes < currentBytes) return refuse(ctx.sim, 'not safe to shrink');
      // A vdisk file under a running VM cannot be resized; a volume (btrfs quota) grows online.
      if (kind === 'zmount' && vdisk.isMounted) return refuse(ctx.sim, 'disk is mounted, please delete the VM first');
      const moreBytes = wantBytes - currentBytes;
      if (!reserveOn(ctx.grid, 'ssd', ctx.node, vdisk.pool, moreBytes)) return refuse(ctx.sim, `not enough storage space on pool ${vdisk.pool} to grow ${kind}`);
      const extents = registry.allocator(vdisk.node, vdisk.pool, vdisk.ssd).allocate(moreBytes);
      if (extents === null) {
        ctx.grid.releaseSsd(ctx.node, vdisk.pool, moreBytes);
        return refuse(ctx.sim, `not enough storage space on pool ${vdisk.pool} to grow ${kind}`);
      }
      vdisk.extend(extents);
      return ok(ctx.sim, result);
    },
  };
}

export function createZdbManager(registry: StorageRegistry): WorkloadManager {
  return {
    type: 'zdb',
    capacity: (workload) => ({ ...noCapacity, hruBytes: zdbData(workload).size }),

    provision(ctx, deployment, workload) {
      const id = ctx.workloadId(deployment, workload);
      const placed = registry.zdb(id);
      if (placed !== undefined) return ok(ctx.sim, zdbResult(id, placed.node, placed.disk));
      const data = zdbData(workload);
      const disk = ctx.grid.reserveHdd(ctx.node, data.size);
      if (disk < 0) return refuse(ctx.sim, `no HDD with ${data.size} bytes free for a zdb namespace`);
      const hdd = ctx.grid.hdd(ctx.node, disk);
      if (hdd.failed) {
        ctx.grid.releaseHdd(ctx.node, disk, data.size);
        return refuse(ctx.sim, `failed to create namespace: disk ${hdd.name} failed`);
      }
      const server = registry.zdbServer(ctx.sim, ctx.node, disk, hdd);
      // NSNEW, then NSSET mode (only now: it must be empty), password, public, maxsize.
      server.nsnew(id, { mode: data.mode, password: data.password, public: data.public, maxsizeBytes: data.size });
      registry.addZdb({ id, node: ctx.node, disk, server, reservedBytes: data.size });
      return ok(ctx.sim, zdbResult(id, ctx.node, disk));
    },

    deprovision(ctx, deployment, workload) {
      const id = ctx.workloadId(deployment, workload);
      const placed = registry.zdb(id);
      if (placed === undefined) return ok(ctx.sim, null);
      if (placed.server.namespace(id) !== undefined) placed.server.nsdel(id);
      ctx.grid.releaseHdd(placed.node, placed.disk, placed.reservedBytes);
      registry.removeZdb(id);
      return ok(ctx.sim, null);
    },

    update(ctx, deployment, _previous, next) {
      const id = ctx.workloadId(deployment, next);
      const placed = registry.zdb(id);
      const ns = registry.zdbNamespace(id);
      if (placed === undefined || ns === undefined) return refuse(ctx.sim, `zdb namespace ${id} does not exist`);
      const data = zdbData(next);
      if (data.mode !== ns.settings.mode) return refuse(ctx.sim, 'cannot change namespace mode');
      if (data.size < placed.reservedBytes) return refuse(ctx.sim, 'cannot shrink zdb namespace');
      if (data.size > placed.reservedBytes) {
        const moreBytes = data.size - placed.reservedBytes;
        if (!reserveOn(ctx.grid, 'hdd', placed.node, placed.disk, moreBytes)) return refuse(ctx.sim, `not enough space on disk ${placed.disk} to grow namespace`);
        placed.reservedBytes = data.size;
        ns.nsset('maxsize', String(data.size));
      }
      ns.nsset('password', data.password === '' ? '*' : data.password);
      ns.nsset('public', data.public ? '1' : '0');
      return ok(ctx.sim, zdbResult(id, placed.node, placed.disk));
    },

    /** zos pauses a namespace by locking it: reads go on, writes are refused. */
    pause(ctx, deployment, workload) {
      return setLock(ctx, registry, ctx.workloadId(deployment, workload), true);
    },

    resume(ctx, deployment, workload) {
      return setLock(ctx, registry, ctx.workloadId(deployment, workload), false);
    },
  };
}

function setLock(ctx: ManagerContext, registry: StorageRegistry, id: string, locked: boolean): SimEvent<unknown> {
  const ns = registry.zdbNamespace(id);
  if (ns === undefined) return refuse(ctx.sim, `zdb namespace ${id} does not exist`);
  ns.nsset('lock', locked ? '1' : '0');
  return ok(ctx.sim, null);
}

/**
 * The addresses the 0-db container answers on. Real ones come from the node's yggdrasil /64 (and
 * mycelium, public IPv6 if any); these are synthetic but stable per (node, disk) and in 3xx::/8.
 */
export function zdbAddresses(node: number, disk: number): string[] {
  return [`302:${(node >>> 16).toString(16)}:${(node & 0xffff).toString(16)}:${disk.toString(16)}::1`];
}

function zdbResult(id: string, node: number, disk: number): ZdbResult {
  return { Namespace: id, IPs: zdbAddresses(node, disk), Port: zdbPort };
}

function reserveOn(grid: GridNodeApi, kind: 'ssd' | 'hdd', node: number, device: number, bytes: number): boolean {
  return kind === 'ssd' ? grid.reserveSsdOn(node, device, bytes) : grid.reserveHddOn(node, device, bytes);
}

function diskData(workload: Workload): DiskData {
  return workload.data as DiskData;
}

function zdbData(workload: Workload): ZdbData {
  return workload.data as ZdbData;
}

function ok(sim: Simulation, data: unknown): SimEvent<unknown> {
  return sim.event<unknown>().succeed(data);
}

function refuse(sim: Simulation, message: string): SimEvent<unknown> {
  return sim.event<unknown>().fail(new WorkloadError(message));
}
