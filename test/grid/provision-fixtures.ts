// Test doubles for the provision engine: managers that log calls and fail or take time when told, a bed
// of them on a FakeGrid (zos's memory admission, a farm IPv4 pool), valid document builders.

import { RngStreams } from '../../sim/engine/rng.js';
import type { SimEvent } from '../../sim/engine/events.js';
import { Simulation } from '../../sim/engine/simulation.js';
import type { Deployment, Workload, WorkloadResult, WorkloadType, ZMachineData } from '../../sim/grid/deployment.js';
import { workloadTypes } from '../../sim/grid/deployment.js';
import { noCapacity } from '../../sim/grid/node-api.js';
import { WorkloadError, type ManagerContext, type ManagerRegistry, type WorkloadManager } from '../../sim/grid/provision/manager.js';
import { updatableTypes } from '../../sim/grid/provision/order.js';
import { ProvisionService } from '../../sim/grid/provision/service.js';
import { FakeGrid } from '../helpers/fake-grid.js';

export const GiB = 1024 ** 3;

/** What the test managers do: `fail` holds `op:name` keys; `durationS` is per call. */
export interface ManagerScript {
  readonly calls: string[];
  readonly fail: Set<string>;
  durationS: number;
  /** Workload ids that exist on the (fake) node right now; a power-off empties it. */
  readonly existing: Set<string>;
  /** How many times a workload was really created (not "no action needed"). */
  creations: number;
}

/** One manager per type that logs `op:name@t`, idempotent on provision, failing when scripted. */
export function scriptedManagers(script: ManagerScript): ManagerRegistry {
  const registry: Partial<Record<WorkloadType, WorkloadManager>> = {};
  for (const type of workloadTypes) {
    const act = (op: string, ctx: ManagerContext, workload: Workload, data: unknown, effect: () => void): SimEvent<unknown> => {
      script.calls.push(`${op}:${workload.name}@${ctx.sim.nowS}`);
      const event = ctx.sim.event();
      ctx.sim.schedule(script.durationS, () => {
        if (script.fail.has(`${op}:${workload.name}`)) event.fail(new WorkloadError(`${op} of ${workload.name} failed`));
        else {
          effect();
          event.succeed(data);
        }
      });
      return event;
    };
    const manager: WorkloadManager = {
      type,
      capacity: (w) => (w.type === 'zmachine' ? { ...noCapacity, mruBytes: (w.data as ZMachineData).compute_capacity.memory } : noCapacity),
      provision: (ctx, d, w) =>
        act('provision', ctx, w, { config: w.data }, () => {
          const id = ctx.workloadId(d, w);
          if (!script.existing.has(id)) script.creations++;
          script.existing.add(id);
        }),
      deprovision: (ctx, d, w) => act('deprovision', ctx, w, null, () => script.existing.delete(ctx.workloadId(d, w))),
      pause: (ctx, _d, w) => act('pause', ctx, w, null, () => {}),
      resume: (ctx, _d, w) => act('resume', ctx, w, null, () => {}),
      ...(updatableTypes.has(type) ? { update: (ctx: ManagerContext, _d: Deployment, _p: Workload, n: Workload) => act('update', ctx, n, { config: n.data }, () => {}) } : {}),
    };
    registry[type] = manager;
  }
  return registry;
}

export interface Bed {
  readonly sim: Simulation;
  readonly grid: FakeGrid;
  readonly service: ProvisionService;
  readonly script: ManagerScript;
  /** Every result reported through onChange, as `contract/name:state`. */
  readonly changes: string[];
}

export function bed(options: { nodes?: number; memoryBytes?: number; durationS?: number; ipv4Count?: number; managers?: (script: ManagerScript) => ManagerRegistry } = {}): Bed {
  const sim = new Simulation();
  const grid = new FakeGrid(sim, { nodesPerFarm: options.nodes ?? 2, memoryBytes: options.memoryBytes ?? 16 * GiB, ipv4PerFarm: options.ipv4Count ?? 2 });
  const script: ManagerScript = { calls: [], fail: new Set(), durationS: options.durationS ?? 1, existing: new Set(), creations: 0 };
  const service = new ProvisionService({ sim, grid, managers: (options.managers ?? scriptedManagers)(script), rngs: new RngStreams(1) });
  const changes: string[] = [];
  service.onChange((_node, contract, name, result: WorkloadResult) => changes.push(`${contract}/${name}:${result.state}`));
  return { sim, grid, service, script, changes };
}

const workload = (name: string, type: WorkloadType, data: unknown, version = 0): Workload =>
  ({ version, name, type, data, metadata: '', description: '' }) as Workload;

export const disk = (name: string, sizeBytes = GiB, version = 0): Workload => workload(name, 'zmount', { size: sizeBytes }, version);
export const net = (name = 'net', version = 0): Workload =>
  workload(name, 'network', { ip_range: '10.240.0.0/16', subnet: '10.240.1.0/24', wireguard_private_key: 'key=', wireguard_listen_port: 7821, peers: [] }, version);
export const vm = (name: string, memoryBytes = 2 * GiB, mounts: string[] = [], version = 0, network = 'net'): Workload =>
  workload(name, 'zmachine', {
    flist: 'https://hub.grid.tf/tf-official-apps/base:latest.flist',
    size: 0,
    compute_capacity: { cpu: 1, memory: memoryBytes },
    mounts: mounts.map((m) => ({ name: m, mountpoint: `/${m}` })),
    network: { public_ip: '', planetary: true, interfaces: [{ network, ip: '10.240.1.5' }] },
  }, version);
export const zdb = (name: string, sizeBytes = GiB, version = 0): Workload => workload(name, 'zdb', { size: sizeBytes, mode: 'seq', password: 'p', public: false }, version);
export const pubIp = (name: string, version = 0): Workload => workload(name, 'ip', { v4: true, v6: false }, version);

export function doc(contractId: number, workloads: Workload[], version = 0): Deployment {
  return { version, twin_id: 49, contract_id: contractId, metadata: '', description: '', workloads };
}

/** `name:state` of every stored workload of a deployment, in storage order. */
export function states(b: Bed, node: number, contractId: number): string[] {
  return (b.service.deployment(node, contractId)?.workloads ?? []).map((w) => `${w.name}:${w.result!.state}`);
}
