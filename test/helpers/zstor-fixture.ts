// A ready zstor cluster on a FakeGrid for tests: data groups = farms 0..3 (4 nodes each, one
// backend per node), 4 metadata backends on farm 4, a frontend node on farm 5.

import { ZstorCluster, type BackendSpec } from '../../sim/storage/zstor/cluster.js';
import type { ZstorPolicy, ZstorTimers } from '../../sim/storage/zstor/types.js';
import { makeGrid, type FakeGrid } from './fake-grid.js';
import type { Simulation } from '../../sim/engine/simulation.js';

export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;
export const quantumd: ZstorPolicy = { dataShards: 2, totalShards: 4, redundantGroups: 1, redundantNodes: 0 };

export interface Fixture {
  readonly sim: Simulation;
  readonly grid: FakeGrid;
  readonly cluster: ZstorCluster;
  readonly metaNodes: number[];
  readonly frontendNode: number;
}

export interface FixtureOptions {
  readonly policy?: ZstorPolicy;
  readonly dataFarms?: number;
  readonly nodesPerFarm?: number;
  readonly sizeLimitBytes?: number;
  readonly timers?: Partial<ZstorTimers>;
}

export function zstorFixture(seed: number | string, options: FixtureOptions = {}): Fixture {
  const dataFarms = options.dataFarms ?? 4;
  const perFarm = options.nodesPerFarm ?? 4;
  const { sim, streams, grid } = makeGrid(seed, { farms: dataFarms + 2, nodesPerFarm: perFarm });
  const size = options.sizeLimitBytes ?? 100 * GiB;
  const groups: BackendSpec[][] = [];
  for (let f = 0; f < dataFarms; f++) groups.push(Array.from({ length: perFarm }, (_, i) => ({ node: f * perFarm + i, disk: 0, sizeLimitBytes: size })));
  const metaNodes = Array.from({ length: 4 }, (_, i) => dataFarms * perFarm + (i % perFarm));
  // With fewer than 4 nodes per farm, meta backends share nodes but use distinct disks.
  const meta = metaNodes.map((node, i) => ({ node, disk: 1 + Math.floor(i / perFarm), sizeLimitBytes: 25 * GiB }));
  const cluster = new ZstorCluster({ sim, grid, rng: streams.stream('zstor'), policy: options.policy ?? quantumd, groups, meta, timers: options.timers });
  return { sim, grid, cluster, metaNodes, frontendNode: (dataFarms + 1) * perFarm };
}
