// zmachine workloads on a host node: the flist mounted through the node's cache (mountFlist), then a
// container-mode machine (HostZmachine) on that root; its zmounts are attached so they cannot be
// grown or deleted under it. Leaves out networks and mounting the zmount images inside the root.

import type { Workload, ZMachineData } from '../../sim/grid/deployment.js';
import { mountFlist } from '../host/flist/index.js';
import type { KindContext, WorkloadKind } from './kinds.js';

/** zos's default when a zmachine names no entrypoint: the flist's init. */
const defaultEntrypoint = '/sbin/zinit init';

function zmountIds(ctx: KindContext, data: ZMachineData): string[] {
  const [twin, contract] = ctx.workloadId.split('-');
  return (data.mounts ?? []).map((m) => `${twin}-${contract}-${m.name}`).filter((id) => ctx.node.zmounts.get(id) !== undefined);
}

/** `flistUrl` maps a real hub's URL onto the local hub (hub-map.ts); the error names both. */
async function start(ctx: KindContext, workload: Workload, flistUrl: (url: string) => string): Promise<void> {
  const data = workload.data as ZMachineData;
  const url = flistUrl(data.flist);
  const { rootDir } = await mountFlist(url, ctx.node.flistStore).catch((error: unknown) => {
    if (url === data.flist || !(error instanceof Error)) throw error;
    throw new Error(`${error.message} (${data.flist} is fetched from the local hub as ${url})`);
  });
  const zmounts = zmountIds(ctx, data);
  for (const id of zmounts) ctx.node.zmounts.attach(id);
  try {
    await ctx.node.machines.deploy({
      workloadId: ctx.workloadId,
      rootDir,
      entrypoint: data.entrypoint === undefined || data.entrypoint === '' ? defaultEntrypoint : data.entrypoint,
      env: data.env ?? {},
      cpu: data.compute_capacity.cpu,
      memoryBytes: data.compute_capacity.memory,
    });
    ctx.node.machineSet.add(ctx.workloadId);
  } catch (error) {
    for (const id of zmounts) ctx.node.zmounts.detach(id);
    throw error;
  }
}

export const zmachineKind = (flistUrl: (url: string) => string = (url) => url): WorkloadKind => ({
  provision: async (ctx, workload) => {
    await start(ctx, workload, flistUrl);
    return { id: ctx.workloadId, ip: '', planetary_ip: '', console_url: '' };
  },
  async deprovision(ctx, workload) {
    if (ctx.node.machineSet.delete(ctx.workloadId)) await ctx.node.machines.remove(ctx.workloadId);
    for (const id of zmountIds(ctx, workload.data as ZMachineData)) ctx.node.zmounts.detach(id);
  },
  pause: (ctx) => ctx.node.machines.stop(ctx.workloadId),
  resume: (ctx) => ctx.node.machines.start(ctx.workloadId),
  /** A power cycle killed the process: boot it again from the same root. */
  restore: (ctx, workload) => start(ctx, workload, flistUrl),
});
