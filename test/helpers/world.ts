// A small World for the grid's end-to-end tests: three farms of real node templates, the example
// deployment of data/examples with its zmachine size fixed, and the flist it names published.
import { readFileSync } from 'node:fs';
import { distroFlist } from '../../sim/storage/flist/generate.js';
import type { Deployment } from '../../sim/grid/deployment.js';
import { World } from '../../sim/grid/world.js';
import { projectPath } from '../../sim/project-files.js';

export const exampleFlistUrl = 'https://hub.grid.tf/tf-official-apps/base:latest.flist';

export function smallWorld(seed: string | number = 1): World {
  const world = new World({
    seed,
    armDeviceFailures: false,
    grid: {
      farms: [
        { name: 'farm-a', publicIpv4Count: 4, nodes: [{ template: 'farmer-server', count: 3 }, { template: 'diy-small', count: 2 }] },
        { name: 'farm-b', publicIpv4Count: 2, nodes: [{ template: 'storage-heavy', count: 2 }] },
      ],
    },
  });
  world.hub.publish(distroFlist({ seed: 'base', url: exampleFlistUrl }));
  return world;
}

/** data/examples/deployment-zmount-network-zmachine.json, as found (its zmachine size is 1). */
export function exampleDeployment(): Deployment {
  const url = projectPath('data/examples/deployment-zmount-network-zmachine.json');
  return JSON.parse(readFileSync(url, 'utf8')) as Deployment;
}

/** The example with the zmachine's root size set to 0 (the minimum), which zos accepts. */
export function fixedExample(overrides: { memoryBytes?: number; name?: string } = {}): Deployment {
  const doc = exampleDeployment();
  const workloads = doc.workloads.map((w) => {
    if (w.type !== 'zmachine') return w;
    const data = w.data as unknown as { size: number; compute_capacity: { cpu: number; memory: number } };
    const compute = { ...data.compute_capacity, memory: overrides.memoryBytes ?? data.compute_capacity.memory };
    return { ...w, ...(overrides.name === undefined ? {} : { name: overrides.name }), data: { ...data, size: 0, compute_capacity: compute } } as unknown as typeof w;
  });
  return { ...doc, workloads };
}

export function states(world: World, node: number, contractId: number): Record<string, string> {
  const doc = world.provision.deployment(node, contractId);
  return Object.fromEntries((doc?.workloads ?? []).map((w) => [w.name, w.result?.state ?? 'none']));
}
