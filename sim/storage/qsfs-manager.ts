// The `qsfs` WorkloadManager: a frontend (0-db-fs + local 0-db cache + zstor daemon) on the node,
// backends taken from the workload's config (found by address, then namespace), its cache on an SSD
// pool. Leaves out prometheus and FUSE.

import type { SimEvent } from '../engine/events.js';
import type { ProcessGenerator } from '../engine/process.js';
import type { Simulation } from '../engine/simulation.js';
import type { QsfsConfig, QsfsData, Workload, ZdbBackend } from '../grid/deployment.js';
import { noCapacity, type Capacity } from '../grid/node-api.js';
import type { MountRegistry } from '../grid/primitives/mount-registry.js';
import { WorkloadError, type ManagerContext, type WorkloadManager } from '../grid/provision/manager.js';
import { ZstorCluster, type BackendSpec } from './zstor/cluster.js';
import { QsfsFrontend } from './zstor/frontend.js';
import { ZstorError, type ZstorTimers } from './zstor/types.js';
import { parseZdbAddress, simZdbLocation } from './zdb/address.js';
import { zdbPort } from './zdb/server.js';

const GiB = 1024 ** 3;
/** zos's lazy delete: every 10 min, unmount once less than 100 MB was uploaded since the last check. */
const tombstoneCheckS = 10 * 60;
const drainedBelowBytes = 100 * 1000 * 1000;
const maxFailedMetricReads = 10;

export interface QsfsManagerOptions {
  /** Where the zdb namespace a config backend names lives (by its namespace id); null if nowhere. */
  resolveBackend(backend: ZdbBackend): BackendSpec | null;
  readonly mounts?: MountRegistry;
  readonly timers?: Partial<ZstorTimers>;
  readonly segmentBytes?: number;
  readonly rotateS?: number;
}

/** zos's qsfs result. */
export interface QsfsResult {
  readonly path: string;
  readonly metrics_endpoint: string;
}

export interface QsfsInstance {
  readonly node: number;
  readonly pool: number;
  cacheBytes: number;
  readonly cluster: ZstorCluster;
  /** Replaced on a boot re-run when the node went down: the old cache is gone (DOMAIN 5.12). */
  frontend: QsfsFrontend;
  /** Set by deprovision: the container lingers until the upload backlog drains. */
  tombstoned: boolean;
}

export class QsfsManager implements WorkloadManager {
  readonly type = 'qsfs' as const;
  private readonly instances = new Map<string, QsfsInstance>();

  constructor(private readonly options: QsfsManagerOptions) {}

  instance(workloadId: string): QsfsInstance | undefined {
    return this.instances.get(workloadId);
  }

  capacity(workload: Workload): Capacity {
    return { ...noCapacity, cru: 1, mruBytes: GiB, sruBytes: qsfsData(workload).cache };
  }

  provision(ctx: ManagerContext, deployment: Parameters<WorkloadManager['provision']>[1], workload: Workload): SimEvent<unknown> {
    const id = ctx.workloadId(deployment, workload);
    const result: QsfsResult = { path: `/var/cache/modules/qsfs/mounts/${id}`, metrics_endpoint: `http://[node-${ctx.node}]:9100/metrics` };
    const existing = this.instances.get(id);
    if (existing !== undefined && !existing.tombstoned) {
      // A re-run after the node went down: zstor config, keys and metadata survive; the cache did not.
      if (!existing.frontend.alive && ctx.grid.isOn(ctx.node)) existing.frontend = existing.frontend.redeploy(ctx.node);
      return ok(ctx.sim, result);
    }
    const data = qsfsData(workload);
    // The node checks only this; the SDK checks the rest before sending.
    if (data.config.minimal_shards > data.config.expected_shards) return refuse(ctx.sim, 'minimal_shards can\'t be greater than expected_shards');
    let cluster: ZstorCluster;
    try {
      cluster = this.makeCluster(ctx, id, data.config);
    } catch (error) {
      return refuse(ctx.sim, `failed to start zstor: ${(error as Error).message}`);
    }
    if (!cluster.meta.readable) return refuse(ctx.sim, 'failed to start zstor: fewer than 2 metadata backends reachable');
    const pool = ctx.grid.reserveSsd(ctx.node, data.cache);
    if (pool < 0) return refuse(ctx.sim, `not enough SSD space for a qsfs cache of ${data.cache} bytes`);
    const frontend = new QsfsFrontend({ sim: ctx.sim, grid: ctx.grid, node: ctx.node, cluster, prefix: data.config.meta.config.prefix, segmentBytes: this.options.segmentBytes, rotateS: this.options.rotateS });
    cluster.start();
    this.instances.set(id, { node: ctx.node, pool, cacheBytes: data.cache, cluster, frontend, tombstoned: false });
    this.options.mounts?.setMounted(ctx.node, id, 'qsfs', true);
    return ok(ctx.sim, result);
  }

  /** zos deletes lazily: it tombstones the workload and unmounts once uploads have drained. */
  deprovision(ctx: ManagerContext, deployment: Parameters<WorkloadManager['provision']>[1], workload: Workload): SimEvent<unknown> {
    const id = ctx.workloadId(deployment, workload);
    const inst = this.instances.get(id);
    if (inst === undefined || inst.tombstoned) return ok(ctx.sim, null);
    inst.tombstoned = true;
    this.options.mounts?.setMounted(ctx.node, id, 'qsfs', false);
    ctx.sim.process(this.drainThenUnmount(ctx, id, inst), `qsfs:tombstone:${id}`);
    return ok(ctx.sim, null);
  }

  /** Cache size and new backends apply in place (zstor hot-reloads its config on SIGUSR1). */
  update(ctx: ManagerContext, deployment: Parameters<WorkloadManager['provision']>[1], _previous: Workload, next: Workload): SimEvent<unknown> {
    const id = ctx.workloadId(deployment, next);
    const inst = this.instances.get(id);
    if (inst === undefined) return refuse(ctx.sim, `qsfs ${id} does not exist`);
    const data = qsfsData(next);
    if (data.config.minimal_shards > data.config.expected_shards) return refuse(ctx.sim, 'minimal_shards can\'t be greater than expected_shards');
    if (data.cache !== inst.cacheBytes) {
      ctx.grid.releaseSsd(ctx.node, inst.pool, inst.cacheBytes);
      const pool = ctx.grid.reserveSsd(ctx.node, data.cache);
      if (pool < 0) {
        ctx.grid.reserveSsd(ctx.node, inst.cacheBytes);
        return refuse(ctx.sim, `not enough SSD space for a qsfs cache of ${data.cache} bytes`);
      }
      inst.cacheBytes = data.cache;
    }
    const known = new Set(inst.cluster.backends.map((b) => `${b.node}/${b.disk}`));
    data.config.groups.forEach((group, g) => {
      for (const backend of group.backends) {
        const spec = backendAt(backend, this.options.resolveBackend(backend));
        if (spec !== null && !known.has(`${spec.node}/${spec.disk}`)) inst.cluster.addBackend(g, spec);
      }
    });
    return ok(ctx.sim, { path: `/var/cache/modules/qsfs/mounts/${id}`, metrics_endpoint: `http://[node-${ctx.node}]:9100/metrics` });
  }

  private makeCluster(ctx: ManagerContext, id: string, config: QsfsConfig): ZstorCluster {
    const resolve = (b: ZdbBackend): BackendSpec => {
      const spec = backendAt(b, this.options.resolveBackend(b));
      if (spec === null) throw new ZstorError('noPlacement', `backend ${b.address}/${b.namespace} unreachable`);
      return spec;
    };
    return new ZstorCluster({
      sim: ctx.sim,
      grid: ctx.grid,
      rng: ctx.rng.fork(`zstor:${id}`),
      policy: { dataShards: config.minimal_shards, totalShards: config.expected_shards, redundantGroups: config.redundant_groups, redundantNodes: config.redundant_nodes },
      groups: config.groups.map((g) => g.backends.map(resolve)),
      meta: config.meta.config.backends.map(resolve),
      timers: this.options.timers,
    });
  }

  private *drainThenUnmount(ctx: ManagerContext, id: string, inst: QsfsInstance): ProcessGenerator<void> {
    let lastUploaded = inst.frontend.uploadedBytes;
    let failedReads = 0;
    for (;;) {
      yield tombstoneCheckS;
      // A metrics read fails while the frontend's node is down.
      if (!inst.frontend.alive) failedReads++;
      const uploaded = inst.frontend.uploadedBytes - lastUploaded;
      lastUploaded = inst.frontend.uploadedBytes;
      if (failedReads >= maxFailedMetricReads || (inst.frontend.alive && uploaded < drainedBelowBytes)) break;
    }
    inst.cluster.stop();
    ctx.grid.releaseSsd(inst.node, inst.pool, inst.cacheBytes);
    if (this.instances.get(id) === inst) this.instances.delete(id);
  }
}

/**
 * zstor dials the backend's address and selects its namespace there, so an address that names one
 * of the grid's 0-dbs (a zdb result's IPs and Port) must hold the namespace, or the backend is
 * unreachable. An address outside the grid's 0-db plan (documents written before results carried
 * addresses, such as the scenario generator's 2001:db8:: ones) is not checked: the namespace id,
 * unique grid-wide, finds it.
 */
export function backendAt(backend: ZdbBackend, byNamespace: BackendSpec | null): BackendSpec | null {
  const endpoint = parseZdbAddress(backend.address);
  const location = endpoint === null ? null : simZdbLocation(endpoint.ip);
  if (endpoint === null || location === null) return byNamespace;
  if (byNamespace === null || endpoint.port !== zdbPort) return null;
  return byNamespace.node === location.node && byNamespace.disk === location.disk ? byNamespace : null;
}

function qsfsData(workload: Workload): QsfsData {
  return workload.data as QsfsData;
}

function ok(sim: Simulation, data: unknown): SimEvent<unknown> {
  return sim.event<unknown>().succeed(data);
}

function refuse(sim: Simulation, message: string): SimEvent<unknown> {
  return sim.event<unknown>().fail(new WorkloadError(message));
}
