// Small grids for the grid tests: custom node templates (RAM sizes, pool sizes) over the real profiles.
// Leaves out anything a test asserts; it only builds.

import { RngStreams } from '../../sim/engine/rng.js';
import { Simulation } from '../../sim/engine/simulation.js';
import { buildGrid, type GridOptions } from '../../sim/grid/grid.js';
import type { GridSpec } from '../../sim/grid/grid-spec.js';
import { loadProfiles, type NodeTemplate, type ProfileCatalog } from '../../sim/hardware/profiles.js';

export const GiB = 2 ** 30;
export const MIN = 60;
export const H = 3600;

const base = loadProfiles();

/** A diy-small node with `memoryBytes` of RAM and one SSD pool per entry of `ssdBytes`. */
export function customTemplate(name: string, memoryBytes: number, ssdBytes: readonly number[] = [1e12], hddBytes: readonly number[] = []): NodeTemplate {
  const diy = base.node('diy-small');
  const ssd = base.ssd('nvme-980');
  const hdd = base.hdd('hdd-exos-x18');
  return {
    ...diy,
    name,
    memoryBytes,
    ssds: ssdBytes.map((capacityBytes) => ({ ...ssd, capacityBytes })),
    hdds: hddBytes.map((capacityBytes) => ({ ...hdd, capacityBytes })),
  };
}

/** The repository's templates plus `extra`, looked up by name like the real catalog. */
export function catalogWith(...extra: NodeTemplate[]): Pick<ProfileCatalog, 'node'> {
  const byName = new Map(extra.map((t) => [t.name, t]));
  return { node: (name) => byName.get(name) ?? base.node(name) };
}

export function oneFarm(nodes: GridSpec['farms'][number]['nodes'], publicIpv4Count = 4): GridSpec {
  return { farms: [{ name: 'farm-a', publicIpv4Count, nodes }] };
}

export function setup(spec: GridSpec, options: GridOptions = {}, seed: string | number = 1) {
  const sim = new Simulation();
  const grid = buildGrid(sim, spec, new RngStreams(seed), options);
  return { sim, grid };
}
