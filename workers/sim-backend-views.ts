// The read-only grid views a SimBackend gives the scheduler's owner: each node's free capacity and
// its power status. Reads only: no device model is created, so a view never changes the run.

import type { World } from '../sim/grid/world.js';
import type { NodeCapacityView, NodeStatusView, WorkloadView } from './backend.js';

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
  const ssdFreeBytes = diskFreeBytes(world, node, 'ssd', t.ssdFreeBytes, t.ssdStart[node]!, t.ssdCount(node));
  const hddFreeBytes = diskFreeBytes(world, node, 'hdd', t.hddFreeBytes, t.hddStart[node]!, t.hddCount(node));
  const free = grid.free(node);
  return {
    node, farm: grid.farmOf(node), up: grid.isOn(node), cru: free.cru, usedVcpus: usedVcpus(world, node),
    freeMruBytes: free.mruBytes, ssdFreeBytes, hddFreeBytes, freeIpv4: free.ipv4,
  };
}

/** One empty list for every node without disks of a kind: a million nodes' views are held at once. */
const noDisks: number[] = [];

/** Each disk's free bytes, a failed one's as 0 (only a disk whose model exists can have failed). */
function diskFreeBytes(world: World, node: number, kind: 'ssd' | 'hdd', free: Float64Array, start: number, count: number): number[] {
  if (count === 0) return noDisks;
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) out[i] = world.grid.diskFailed(node, kind, i) ? 0 : free[start + i]!;
  return out;
}

export function simNodeStatus(world: World, node: number): NodeStatusView {
  return { node, up: world.grid.isOn(node), sinceS: world.grid.table.lastPowerChangeS[node]! };
}

/**
 * vCPUs of the node's live zmachines (and the one each qsfs runs on), as zos would bill them. Reads
 * the stored workloads in place: this runs for every node whose capacity changed, at every refresh.
 */
function usedVcpus(world: World, node: number): number {
  let vcpus = 0;
  for (const contractId of world.provision.contractIds(node)) {
    for (const { workload, result } of world.provision.storedWorkloads(node, contractId) ?? []) {
      if (released.has(result.state)) continue;
      if (workload.type === 'zmachine') vcpus += (workload.data as { compute_capacity?: { cpu?: number } }).compute_capacity?.cpu ?? 0;
      else if (workload.type === 'qsfs') vcpus += 1;
    }
  }
  return vcpus;
}

/**
 * A deployment's workloads as the port shows them, read in place (no copy of the deployment): the
 * reconciler reads every changed contract, and each settle check reads one, many times a run.
 */
export function simWorkloadViews(world: World, node: number, contractId: number): WorkloadView[] | undefined {
  const stored = world.provision.storedWorkloads(node, contractId);
  if (stored === undefined) return undefined;
  const views: WorkloadView[] = [];
  for (const { workload, result } of stored) {
    const { name, type } = workload;
    const { state, data } = result;
    const message = result.message ?? '';
    // What the workload returns (a zdb's namespace, IPs and port), as zos's result data. One literal
    // either way (a spread of the first made two objects per workload, on every settle and read).
    views.push(data === undefined || data === null ? { name, type, state, message } : { name, type, state, message, data });
  }
  return views;
}

/** The node has finished with the deployment: its queue is idle and no workload is `init` (or it is gone). */
export function simDeploymentSettled(world: World, node: number, contractId: number): boolean {
  const stored = world.provision.storedWorkloads(node, contractId);
  if (stored === undefined) return true;
  if (world.provision.queuedJobs(node) !== 0) return false;
  for (const { result } of stored) if (result.state === 'init') return false;
  return true;
}
