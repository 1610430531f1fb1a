// The read-only grid views a SimBackend gives the scheduler's owner: each node's free capacity and
// its power status. Reads only: no device model is created, so a view never changes the run.

import type { World } from '../sim/grid/world.js';
import type { NodeCapacityView, NodeStatusView } from './backend.js';

/** Workload states that hold no capacity any more. */
const released = new Set(['deleted', 'error']);

/** The given nodes' views in the order given, or every node's in node order. */
export function simNodeCapacities(world: World, nodes?: readonly number[]): NodeCapacityView[] {
  if (nodes !== undefined) return nodes.map((node) => nodeCapacity(world, node));
  const views: NodeCapacityView[] = [];
  for (let node = 0; node < world.grid.nodeCount; node++) views.push(nodeCapacity(world, node));
  return views;
}

function nodeCapacity(world: World, node: number): NodeCapacityView {
  const { grid } = world;
  const t = grid.table;
  const failed = failedDevices(world, node);
  const ssdStart = t.ssdStart[node]!;
  const hddStart = t.hddStart[node]!;
  const ssdFreeBytes = Array.from({ length: t.ssdCount(node) }, (_, i) => (failed.has(`ssd.${i}`) ? 0 : t.ssdFreeBytes[ssdStart + i]!));
  const hddFreeBytes = Array.from({ length: t.hddCount(node) }, (_, i) => (failed.has(`hdd.${i}`) ? 0 : t.hddFreeBytes[hddStart + i]!));
  const free = grid.free(node);
  return {
    node, farm: grid.farmOf(node), up: grid.isOn(node), cru: free.cru, usedVcpus: usedVcpus(world, node),
    freeMruBytes: free.mruBytes, ssdFreeBytes, hddFreeBytes, freeIpv4: free.ipv4,
  };
}

export function simNodeStatus(world: World, node: number): NodeStatusView {
  return { node, up: world.grid.isOn(node), sinceS: world.grid.table.lastPowerChangeS[node]! };
}

/** vCPUs of the node's live zmachines (and the one each qsfs runs on), as zos would bill them. */
function usedVcpus(world: World, node: number): number {
  let vcpus = 0;
  for (const contractId of world.provision.contractIds(node)) {
    for (const w of world.provision.deployment(node, contractId)?.workloads ?? []) {
      if (released.has(w.result?.state ?? 'init')) continue;
      if (w.type === 'zmachine') vcpus += (w.data as { compute_capacity?: { cpu?: number } }).compute_capacity?.cpu ?? 0;
      else if (w.type === 'qsfs') vcpus += 1;
    }
  }
  return vcpus;
}

/** `ssd.0`, `hdd.2`… for the node's failed disks; only models that exist can have failed. */
function failedDevices(world: World, node: number): Set<string> {
  const out = new Set<string>();
  for (const device of world.grid.devicesOf(node)) {
    if (!('failed' in device) || !device.failed) continue;
    const slot = /\.((?:ssd|hdd)\.\d+)$/.exec(device.name)?.[1];
    if (slot !== undefined) out.add(slot);
  }
  return out;
}
