// What a scenario's demand asks of its grid, resource by resource, as the scheduler counts it: each
// deployment's needs (scheduler/placement/deployment-needs.ts, zmachine root disks included) against
// what zos admits on every node (memory less the system reserve, vCPUs up to the placement policy's
// overcommit, SSD and HDD bytes, the farms' public IPv4). `plan` uses it to say what binds.

import { deploymentNeeds } from '../scheduler/placement/deployment-needs.js';
import { defaultPolicy, memoryReserveBytes } from '../scheduler/placement/capacity-record.js';
import { compileGridSpec } from '../sim/grid/grid-spec.js';
import { loadProfiles } from '../sim/hardware/profiles.js';
import type { CompiledScenario } from './compiled.js';
import { deploymentFor } from './deployments.js';

export type ResourceName = 'memory' | 'vCPU' | 'SSD' | 'HDD' | 'public IPv4';

export interface ResourceUse {
  readonly resource: ResourceName;
  /** Summed over every deployment of the workload (bytes, vCPUs or addresses). */
  readonly demand: number;
  /** Summed over every node (or farm, for IPv4). */
  readonly capacity: number;
  /** demand ÷ capacity; above 1 the demand cannot fit however it is placed. */
  readonly fraction: number;
}

/** Every resource the demand uses, most used first. */
export function resourceUse(scenario: CompiledScenario): ResourceUse[] {
  const grid = compileGridSpec(scenario.grid, loadProfiles());
  const capacity = { memory: 0, vCPU: 0, SSD: 0, HDD: 0, 'public IPv4': 0 };
  for (const group of grid.groups) {
    const t = grid.templates[group.template]!;
    capacity.memory += group.count * (t.memoryBytes - memoryReserveBytes(t.memoryBytes));
    capacity.vCPU += group.count * t.cpu.cores * t.cpu.threadsPerCore * defaultPolicy.cpuOvercommit;
    capacity.SSD += group.count * t.ssds.reduce((sum, d) => sum + d.capacityBytes, 0);
    capacity.HDD += group.count * t.hdds.reduce((sum, d) => sum + d.capacityBytes, 0);
  }
  for (const farm of grid.farms) capacity['public IPv4'] += farm.publicIpv4Count;
  const firstMemoryBytes = grid.templates[0]?.memoryBytes ?? 0;
  const demand = { memory: 0, vCPU: 0, SSD: 0, HDD: 0, 'public IPv4': 0 };
  for (const group of scenario.workload) {
    const needs = deploymentNeeds(deploymentFor(group, 0, firstMemoryBytes));
    demand.memory += group.count * needs.mruBytes;
    demand.vCPU += group.count * needs.vcpus;
    demand.SSD += group.count * (needs.ssdBytes ?? []).reduce((a, b) => a + b, 0);
    demand.HDD += group.count * (needs.hddBytes ?? []).reduce((a, b) => a + b, 0);
    demand['public IPv4'] += group.count * (needs.ipv4 ?? 0);
  }
  return (Object.keys(demand) as ResourceName[])
    .filter((r) => demand[r] > 0)
    .map((resource) => ({ resource, demand: demand[resource], capacity: capacity[resource], fraction: capacity[resource] === 0 ? Infinity : demand[resource] / capacity[resource] }))
    .sort((a, b) => b.fraction - a.fraction);
}

/** The node templates of the grid, for "memory on farmer-server nodes". */
export function templateNames(scenario: CompiledScenario): string[] {
  return [...new Set(scenario.grid.farms.flatMap((f) => f.nodes.map((n) => n.template)))];
}
