// A Testbed over a simulated grid in one call: builds the World from a grid and a seed, publishes the
// base flist on its hub, wraps it in a SimBackend and opens the chosen transport. The one place a
// simulated world is assembled: `apply`, the API and every scenario run come through here.

import { World } from '../sim/grid/world.js';
import type { GridSpec } from '../sim/grid/grid-spec.js';
import { distroFlist } from '../sim/storage/flist/generate.js';
import { Testbed, type TestbedOptions } from '../scheduler/testbed.js';
import type { FaultInjector } from '../workers/backend.js';
import { SimBackend } from '../workers/sim-backend.js';
import { baseFlistUrl, gridByName } from './grids.js';

export interface SimTestbedOptions extends Pick<TestbedOptions, 'transport' | 'handlers' | 'concurrency' | 'where' | 'placement' | 'reconcile' | 'keepFinished'> {
  readonly seed: string | number;
  /** A name from scenarios/grids.ts ('small' by default), or a grid spec. */
  readonly grid?: string | GridSpec;
  /** Devices fail by their AFR when true; off by default, so short runs show only the faults asked for. */
  readonly armDeviceFailures?: boolean;
  /** Wraps the SimBackend's FaultInjector (a test counting the faults that reach the grid). */
  readonly wrapFaults?: (faults: FaultInjector) => FaultInjector;
}

export interface SimTestbed {
  readonly testbed: Testbed;
  readonly world: World;
  readonly backend: SimBackend;
}

export async function openSimTestbed(options: SimTestbedOptions): Promise<SimTestbed> {
  const grid = typeof options.grid === 'object' ? options.grid : gridByName(options.grid ?? 'small');
  const world = new World({ seed: options.seed, grid, armDeviceFailures: options.armDeviceFailures ?? false });
  // The flist's synthetic application files are drawn from the run's seed, like the rest of the world.
  world.hub.publish(distroFlist({ seed: `${String(options.seed)}:base`, url: baseFlistUrl }));
  const backend = new SimBackend(world);
  const { seed, grid: _grid, armDeviceFailures: _arm, wrapFaults, ...rest } = options;
  const faults = wrapFaults?.(backend.faults) ?? backend.faults;
  const testbed = await Testbed.open({ ...rest, backend, faults, seed });
  return { testbed, world, backend };
}
