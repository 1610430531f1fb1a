// A Testbed over a simulated grid in one call: builds the World from a named grid and a seed,
// publishes the base flist on its hub, wraps it in a SimBackend and opens the chosen transport.

import { World } from '../sim/grid/world.js';
import { distroFlist } from '../sim/storage/flist/generate.js';
import { Testbed, type TestbedOptions } from '../scheduler/testbed.js';
import { SimBackend } from '../workers/sim-backend.js';
import { baseFlistUrl, gridByName } from './grids.js';

export interface SimTestbedOptions extends Pick<TestbedOptions, 'transport' | 'handlers' | 'concurrency' | 'where' | 'placement' | 'reconcile'> {
  readonly seed: string | number;
  /** A name from scenarios/grids.ts; 'small' by default. */
  readonly grid?: string;
  /** Devices fail by their AFR when true; off by default, so short runs show only the faults asked for. */
  readonly armDeviceFailures?: boolean;
}

export async function openSimTestbed(options: SimTestbedOptions): Promise<{ testbed: Testbed; world: World; backend: SimBackend }> {
  const world = new World({ seed: options.seed, grid: gridByName(options.grid ?? 'small'), armDeviceFailures: options.armDeviceFailures ?? false });
  // The flist's synthetic application files are drawn from the run's seed, like the rest of the world.
  world.hub.publish(distroFlist({ seed: `${String(options.seed)}:base`, url: baseFlistUrl }));
  const backend = new SimBackend(world);
  const { seed, grid: _grid, armDeviceFailures: _arm, ...rest } = options;
  const testbed = await Testbed.open({ ...rest, backend, seed });
  return { testbed, world, backend };
}
