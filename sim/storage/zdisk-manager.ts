// The `zdisk` WorkloadManager — ours, the real grid has none: a Zdisk for the deployment's zmachines,
// its k+m columns and spares being zdb namespaces of other deployments. Leaves out the block device plumbing into the guest.

import type { SimEvent } from '../engine/events.js';
import type { Simulation } from '../engine/simulation.js';
import type { Deployment, Workload, ZdbBackend, ZdiskData } from '../grid/deployment.js';
import { noCapacity, type Capacity } from '../grid/node-api.js';
import { WorkloadError, type ManagerContext, type WorkloadManager } from '../grid/provision/manager.js';
import { Zdisk } from './zdisk.js';
import type { BackendSpec } from './zstor/cluster.js';
import { MiB } from './zstor/types.js';

export interface ZdiskManagerOptions {
  /** Which simulated zdb namespace a backend names; null if it leads nowhere (the World resolves by namespace). */
  resolveBackend(backend: ZdbBackend): BackendSpec | null;
  readonly stripeBytes?: number;
  readonly replaceAfterS?: number;
  readonly probeS?: number;
}

/** Result data, shaped like a zmount's so that a client reads both alike. */
export interface ZdiskResult {
  readonly volume_id: string;
}

interface Instance {
  readonly node: number;
  readonly disk: Zdisk;
  readonly data: ZdiskData;
  /** Set by the World while a zmachine has the disk attached; a mounted disk may not change size. */
  mounted: boolean;
}

const defaultStripeBytes = 4 * MiB;

export class ZdiskManager implements WorkloadManager {
  readonly type = 'zdisk' as const;
  private readonly instances = new Map<string, Instance>();

  constructor(private readonly options: ZdiskManagerOptions) {}

  /** The running disk of a zdisk workload id: what a zmachine reads and writes through. */
  zdisk(workloadId: string): Zdisk | undefined {
    return this.instances.get(workloadId)?.disk;
  }

  /** False (and nothing done) when the id is not a zdisk's, so callers may pass every mount. */
  setMounted(workloadId: string, mounted: boolean): boolean {
    const instance = this.instances.get(workloadId);
    if (instance === undefined) return false;
    instance.mounted = mounted;
    return true;
  }

  isMounted(workloadId: string): boolean {
    return this.instances.get(workloadId)?.mounted ?? false;
  }

  /**
   * Nothing on the zmachine's node: the bytes live in the zdb namespaces, which their own workloads
   * reserved, and the daemon's few MiB of memory are not modelled.
   */
  capacity(_workload: Workload): Capacity {
    return noCapacity;
  }

  provision(ctx: ManagerContext, deployment: Deployment, workload: Workload): SimEvent<unknown> {
    const id = ctx.workloadId(deployment, workload);
    const result: ZdiskResult = { volume_id: id };
    // Idempotent: after a reboot of the zmachine's node the shards are still on the backends.
    if (this.instances.has(id)) return ok(ctx.sim, result);
    const data = workload.data as ZdiskData;
    const layout = this.layout(ctx.node, data);
    if (typeof layout === 'string') return refuse(ctx.sim, layout);
    let disk: Zdisk;
    try {
      disk = new Zdisk({
        sim: ctx.sim,
        grid: ctx.grid,
        hostNode: ctx.node,
        sizeBytes: data.size,
        dataShards: data.data_shards,
        parityShards: data.parity_shards,
        backends: layout.columns,
        spares: layout.spares,
        stripeBytes: this.stripeBytes,
        ...(this.options.replaceAfterS === undefined ? {} : { replaceAfterS: this.options.replaceAfterS }),
        ...(this.options.probeS === undefined ? {} : { probeS: this.options.probeS }),
      });
    } catch (error) {
      return refuse(ctx.sim, `failed to create zdisk: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.instances.set(id, { node: ctx.node, data, mounted: false, disk });
    return ok(ctx.sim, result);
  }

  /** Stops the disk's rebuilder; the namespaces belong to their own deployments and stay. */
  deprovision(ctx: ManagerContext, deployment: Deployment, workload: Workload): SimEvent<unknown> {
    const id = ctx.workloadId(deployment, workload);
    const instance = this.instances.get(id);
    if (instance === undefined) return ok(ctx.sim, null);
    instance.disk.stop();
    this.instances.delete(id);
    return ok(ctx.sim, null);
  }

  /**
   * zmount's rules (no shrink, no change while mounted), then the one this disk adds: a grow is
   * refused too, because a Zdisk fixes its size when it is built and has no way to extend it yet.
   */
  update(ctx: ManagerContext, deployment: Deployment, _previous: Workload, next: Workload): SimEvent<unknown> {
    const id = ctx.workloadId(deployment, next);
    const instance = this.instances.get(id);
    if (instance === undefined) return refuse(ctx.sim, `zdisk ${id} does not exist`);
    const data = next.data as ZdiskData;
    const before = instance.data;
    if (data.data_shards !== before.data_shards || data.parity_shards !== before.parity_shards || !sameBackends(data.backends, before.backends)) {
      return refuse(ctx.sim, 'cannot change the shards or backends of a zdisk');
    }
    if (data.size === before.size) return ok(ctx.sim, { volume_id: id } satisfies ZdiskResult);
    if (data.size < before.size) return refuse(ctx.sim, 'not safe to shrink');
    if (instance.mounted) return refuse(ctx.sim, 'disk is mounted, please delete the VM first');
    return refuse(ctx.sim, 'a zdisk cannot grow yet: its size is fixed when it is created');
  }

  private get stripeBytes(): number {
    return this.options.stripeBytes ?? defaultStripeBytes;
  }

  /**
   * Columns are the first k+m backends on distinct nodes, in document order, so the layout is the
   * same on every run; the rest are spares. Returns the reason when the backends cannot hold the disk.
   */
  private layout(hostNode: number, data: ZdiskData): { columns: BackendSpec[]; spares: BackendSpec[] } | string {
    const n = data.data_shards + data.parity_shards;
    const stripes = Math.ceil(data.size / this.stripeBytes);
    const columnBytes = stripes * Math.ceil(this.stripeBytes / data.data_shards);
    const columns: BackendSpec[] = [];
    const spares: BackendSpec[] = [];
    const used = new Set<number>();
    for (const backend of data.backends) {
      const spec = this.options.resolveBackend(backend);
      const name = `backend ${backend.namespace} at ${backend.address}`;
      if (spec === null) return `${name} not found`;
      // A shard beside the machine that reads it would be lost with it: no redundancy at all.
      if (spec.node === hostNode) return `${name} is on this node (${hostNode}); a zdisk's shards must live on other nodes`;
      if (spec.sizeLimitBytes < columnBytes) return `${name} holds ${spec.sizeLimitBytes} bytes; each column of this zdisk needs ${columnBytes}`;
      if (columns.length < n && !used.has(spec.node)) {
        columns.push(spec);
        used.add(spec.node);
      } else spares.push(spec);
    }
    if (columns.length < n) return `need ${n} backends on distinct nodes (data_shards + parity_shards), found ${columns.length}`;
    return { columns, spares };
  }
}

function sameBackends(a: readonly ZdbBackend[], b: readonly ZdbBackend[]): boolean {
  return a.length === b.length && a.every((x, i) => x.address === b[i]!.address && x.namespace === b[i]!.namespace && x.password === b[i]!.password);
}

function ok(sim: Simulation, data: unknown): SimEvent<unknown> {
  return sim.event<unknown>().succeed(data);
}

function refuse(sim: Simulation, message: string): SimEvent<unknown> {
  return sim.event<unknown>().fail(new WorkloadError(message));
}
