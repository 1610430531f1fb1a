// Fixtures for zmachine/CoreX tests: a hub on a flow network, a FakeGrid (whose CPUs do the boot work),
// per-node caches, the manager, a context per node and deployment builders. Every test builds its own
// world, so nothing is shared between tests.

import type { SimEvent } from '../../sim/engine/events.js';
import { RngStreams } from '../../sim/engine/rng.js';
import { Simulation } from '../../sim/engine/simulation.js';
import type { Deployment, Workload, ZMachineData } from '../../sim/grid/deployment.js';
import type { ManagerContext } from '../../sim/grid/provision/manager.js';
import { MountRegistry } from '../../sim/grid/primitives/mount-registry.js';
import { ZMachineManager, type ZMachineManagerOptions } from '../../sim/grid/primitives/zmachine.js';
import { FlowNetwork } from '../../sim/hardware/flow-network.js';
import { BlockCache } from '../../sim/storage/flist/block-cache.js';
import type { Flist } from '../../sim/storage/flist/flist.js';
import { Hub } from '../../sim/storage/flist/hub.js';
import { FakeGrid } from './fake-grid.js';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

export interface World {
  readonly sim: Simulation;
  readonly hub: Hub;
  readonly grid: FakeGrid;
  readonly mounts: MountRegistry;
  readonly manager: ZMachineManager;
  cache(node: number): BlockCache;
  ctx(node: number): ManagerContext;
}

export function makeWorld(flists: readonly Flist[], options: Partial<ZMachineManagerOptions> = {}, hubBandwidthBytesPerS = 100 * MiB, seed = 'zm'): World {
  const sim = new Simulation();
  const hub = new Hub(new FlowNetwork(sim), { bandwidthBytesPerS: hubBandwidthBytesPerS });
  for (const flist of flists) hub.publish(flist);
  const grid = new FakeGrid(sim);
  const mounts = new MountRegistry();
  const caches = new Map<number, BlockCache>();
  const cache = (node: number): BlockCache => {
    let c = caches.get(node);
    if (c === undefined) caches.set(node, (c = new BlockCache(sim, hub, { name: `node-${node}.cache` })));
    return c;
  };
  const manager = new ZMachineManager({ cacheOf: cache, mounts, ...options });
  const rngs = new RngStreams(seed);
  const ctx = (node: number): ManagerContext => ({
    sim,
    grid,
    node,
    rng: rngs.stream(`node-${node}`),
    workloadId: (d: Deployment, w: Workload) => `${d.twin_id}-${d.contract_id}-${w.name}`,
  });
  return { sim, hub, grid, mounts, manager, cache, ctx };
}

export function machineData(flist: string, extra: Partial<ZMachineData> = {}): ZMachineData {
  return {
    flist,
    size: 0,
    compute_capacity: { cpu: 2, memory: 2 * GiB },
    network: { public_ip: '', planetary: true, interfaces: [{ network: 'net', ip: '10.20.2.5' }] },
    ...extra,
  };
}

export function workload<T extends Workload['type']>(name: string, type: T, data: Workload<T>['data']): Workload<T> {
  return { version: 0, name, type, data, metadata: '', description: '' };
}

export function deployment(contract: number, workloads: readonly Workload[]): Deployment {
  return { version: 0, twin_id: 7, contract_id: contract, metadata: '', description: '', workloads };
}

/** Records an event's outcome without letting a failure stop the run. */
export interface Outcome<T> {
  done: boolean;
  ok: boolean;
  value?: T;
  error?: unknown;
  atS: number;
}
export function watch<T>(sim: Simulation, event: SimEvent<T>): Outcome<T> {
  const outcome: Outcome<T> = { done: false, ok: false, atS: NaN };
  event.onProcessed((ev) => {
    ev.defused = true;
    Object.assign(outcome, { done: true, ok: ev.ok, value: ev.value, error: ev.error, atS: sim.nowS });
  });
  return outcome;
}
