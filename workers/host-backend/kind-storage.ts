// zdb and zmount workloads on a host node: a namespace on the node's 0-db server (NSNEW, then mode,
// password, public and maxsize, as zos provisions one), and a preallocated file in its SSD pool.

import type { DiskData, Workload, ZdbData } from '../../sim/grid/deployment.js';
import type { KindContext, WorkloadKind } from './kinds.js';
import { ZdbClients } from './zdb-client.js';

/** Admin commands on the default namespace (no password: the server binds loopback only). */
async function admin(ctx: KindContext, ...args: string[]): Promise<void> {
  const clients = new ZdbClients(() => ctx.node.address);
  try {
    await clients.call({ node: ctx.node.node, port: ctx.node.zdbPort, namespace: 'default', password: '' }, args[0]!, ...args.slice(1));
  } finally {
    clients.close();
  }
}

/**
 * zos's ZDBResult {Namespace, IPs, Port} (pkg/gridtypes/zos/zdb.go; no json tags, hence the capitals).
 * On a real node every disk's 0-db listens on port 9900 of its own IPs; here every node's 0-db shares
 * loopback, so the result names the node's own port: a client that copies it into a qsfs reaches it.
 */
function zdbResult(ctx: KindContext): unknown {
  return { Namespace: ctx.workloadId, IPs: [ctx.node.address], Port: ctx.node.zdbPort };
}

export const zdbKind: WorkloadKind = {
  async provision(ctx, workload) {
    const data = workload.data as ZdbData;
    const id = ctx.workloadId;
    if (!ctx.registry.namespaces.has(id)) {
      await admin(ctx, 'NSNEW', id);
      await admin(ctx, 'NSSET', id, 'mode', data.mode);
      if (data.password !== '') await admin(ctx, 'NSSET', id, 'password', data.password);
      await admin(ctx, 'NSSET', id, 'public', data.public ? '1' : '0');
      await admin(ctx, 'NSSET', id, 'maxsize', String(data.size));
    }
    ctx.registry.namespaces.set(id, { node: ctx.node.node, namespace: id, password: data.password, mode: data.mode });
    return zdbResult(ctx);
  },

  async update(ctx, previous, next) {
    const before = previous.data as ZdbData;
    const data = next.data as ZdbData;
    if (data.mode !== before.mode) throw new Error('cannot change namespace mode');
    if (data.size < before.size) throw new Error('cannot shrink zdb namespace');
    if (data.size > before.size) await admin(ctx, 'NSSET', ctx.workloadId, 'maxsize', String(data.size));
    await admin(ctx, 'NSSET', ctx.workloadId, 'password', data.password === '' ? '*' : data.password);
    await admin(ctx, 'NSSET', ctx.workloadId, 'public', data.public ? '1' : '0');
    ctx.registry.namespaces.set(ctx.workloadId, { node: ctx.node.node, namespace: ctx.workloadId, password: data.password, mode: data.mode });
    return zdbResult(ctx);
  },

  async deprovision(ctx) {
    ctx.registry.namespaces.delete(ctx.workloadId);
    // A wiped disk may have taken the namespace already.
    await admin(ctx, 'NSDEL', ctx.workloadId).catch(() => undefined);
  },

  /** zos pauses a namespace by locking it: reads go on, writes are refused. */
  pause: (ctx) => admin(ctx, 'NSSET', ctx.workloadId, 'lock', '1'),
  resume: (ctx) => admin(ctx, 'NSSET', ctx.workloadId, 'lock', '0'),
};

export const zmountKind: WorkloadKind = {
  async provision(ctx, workload) {
    const { size } = workload.data as DiskData;
    const pool = ctx.node.zmounts;
    const existing = pool.get(ctx.workloadId);
    if (existing === undefined) {
      // The simulator's words for a full pool, so messages match across backends.
      if (size > pool.freeBytes) throw new Error(`not enough storage space for zmount of ${size} bytes`);
      await pool.create(ctx.workloadId, size);
    }
    return { volume_id: ctx.workloadId };
  },

  async update(ctx, _previous, next) {
    const want = (next.data as DiskData).size;
    const pool = ctx.node.zmounts;
    const current = pool.get(ctx.workloadId);
    if (current === undefined) throw new Error(`zmount ${ctx.workloadId} does not exist`);
    if (want === current.sizeBytes) return { volume_id: ctx.workloadId };
    if (want < current.sizeBytes) throw new Error('not safe to shrink');
    if (current.attached) throw new Error('disk is mounted, please delete the VM first');
    if (want - current.sizeBytes > pool.freeBytes) throw new Error('not enough storage space on pool 0 to grow zmount');
    await pool.resize(ctx.workloadId, want);
    return { volume_id: ctx.workloadId };
  },

  async deprovision(ctx) {
    if (ctx.node.zmounts.get(ctx.workloadId) !== undefined) await ctx.node.zmounts.delete(ctx.workloadId);
  },
};

export type { Workload };
