// What a HostBackend tells the scheduler's owner about its nodes (GridObserver): this machine's CPUs,
// free memory and free disk, shared by every node (they are directories of one host), and each
// node's SSD pool. No Z-Nets: networks are recorded, not built, on a single host.

import { statfsSync } from 'node:fs';
import { cpus, freemem } from 'node:os';
import type { NodeCapacityView, NodeStatusView, ZNetView } from '../backend.js';
import type { HostNode } from './nodes.js';

export function hostNodeCapacities(nodes: readonly HostNode[], dataDir: string): NodeCapacityView[] {
  const fs = statfsSync(dataDir);
  const diskFreeBytes = fs.bavail * fs.bsize;
  return nodes.map((n) => ({
    node: n.node, farm: n.farm, up: n.up, cru: cpus().length, usedVcpus: n.machineSet.size,
    freeMruBytes: n.up ? freemem() : 0,
    ssdFreeBytes: [n.up ? Math.min(n.zmounts.freeBytes, diskFreeBytes) : 0],
    hddFreeBytes: [n.up ? diskFreeBytes : 0],
    freeIpv4: 0,
  }));
}

export function hostNodeStatus(node: HostNode): NodeStatusView {
  return { node: node.node, up: node.up, sinceS: node.sinceS };
}

export function hostZnets(): ZNetView[] {
  return [];
}
