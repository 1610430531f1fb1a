// zmachine workloads on a host node: the flist mounted through the node's cache (mountFlist), then a
// container-mode or VM machine (HostZmachine) on that root; its zmounts are attached so they cannot be
// grown or deleted under it. With nodes as namespaces, its first private interface is a real NIC in the
// Z-Net at the address the deployment asked for (workers/host/znet/grid-networks.ts attachMachine).
// Leaves out mounting the zmount images inside the root, and the planetary and public NICs.

import type { Workload, ZMachineData } from '../../sim/grid/deployment.js';
import { mountFlist } from '../host/flist/index.js';
import { detectFlistBoot } from '../host/vm/index.js';
import type { HostGridNetworks, MachineNic } from '../host/znet/index.js';
import type { KindContext, WorkloadKind } from './kinds.js';

/** zos's default when a zmachine names no entrypoint: the flist's init. */
const defaultEntrypoint = '/sbin/zinit init';

function zmountIds(ctx: KindContext, data: ZMachineData): string[] {
  const [twin, contract] = ctx.workloadId.split('-');
  return (data.mounts ?? []).map((m) => `${twin}-${contract}-${m.name}`).filter((id) => ctx.node.zmounts.get(id) !== undefined);
}

/** The machine's Z-Net NIC, when the backend runs Z-Nets and the machine asks for an interface. */
async function privateNic(ctx: KindContext, data: ZMachineData, rootDir: string, networks: HostGridNetworks | undefined): Promise<MachineNic | undefined> {
  const iface = data.network?.interfaces?.[0];
  if (networks === undefined || iface === undefined) return undefined;
  const vm = detectFlistBoot(rootDir).kind === 'kernel';
  return networks.attachMachine(ctx.node.node, ctx.twin, iface.network, ctx.workloadId, iface.ip ?? '', vm);
}

/** `flistUrl` maps a real hub's URL onto the local hub (hub-map.ts); the error names both. */
async function start(ctx: KindContext, workload: Workload, flistUrl: (url: string) => string, networks: HostGridNetworks | undefined): Promise<string> {
  const data = workload.data as ZMachineData;
  const url = flistUrl(data.flist);
  const { rootDir } = await mountFlist(url, ctx.node.flistStore).catch((error: unknown) => {
    if (url === data.flist || !(error instanceof Error)) throw error;
    throw new Error(`${error.message} (${data.flist} is fetched from the local hub as ${url})`);
  });
  const zmounts = zmountIds(ctx, data);
  for (const id of zmounts) ctx.node.zmounts.attach(id);
  try {
    const nic = await privateNic(ctx, data, rootDir, networks);
    await ctx.node.machines.deploy({
      workloadId: ctx.workloadId,
      rootDir,
      entrypoint: data.entrypoint === undefined || data.entrypoint === '' ? defaultEntrypoint : data.entrypoint,
      env: data.env ?? {},
      cpu: data.compute_capacity.cpu,
      memoryBytes: data.compute_capacity.memory,
      ...(nic?.netns !== undefined ? { netns: nic.netns } : {}),
      ...(nic?.nic !== undefined ? { nic: nic.nic } : {}),
    });
    ctx.node.machineSet.add(ctx.workloadId);
    return nic?.ip ?? '';
  } catch (error) {
    for (const id of zmounts) ctx.node.zmounts.detach(id);
    await networks?.detachMachine(ctx.workloadId);
    throw error;
  }
}

export const zmachineKind = (flistUrl: (url: string) => string = (url) => url, networks: () => HostGridNetworks | undefined = () => undefined): WorkloadKind => ({
  provision: async (ctx, workload) => {
    const ip = await start(ctx, workload, flistUrl, networks());
    return { id: ctx.workloadId, ip, planetary_ip: '', console_url: '' };
  },
  async deprovision(ctx, workload) {
    if (ctx.node.machineSet.delete(ctx.workloadId)) await ctx.node.machines.remove(ctx.workloadId);
    await networks()?.detachMachine(ctx.workloadId);
    for (const id of zmountIds(ctx, workload.data as ZMachineData)) ctx.node.zmounts.detach(id);
  },
  pause: (ctx) => ctx.node.machines.stop(ctx.workloadId),
  resume: (ctx) => ctx.node.machines.start(ctx.workloadId),
  /** A power cycle killed the process: boot it again from the same root, its NIC made again. */
  restore: async (ctx, workload) => void (await start(ctx, workload, flistUrl, networks())),
});
