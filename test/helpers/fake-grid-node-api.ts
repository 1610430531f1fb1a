// A small stand-in for the Grid (grid.ts is being written elsewhere): per-node CPUs, and capacity calls
// that always admit. Enough for managers that only need grid.cpu(node); the other devices throw.

import type { Simulation } from '../../sim/engine/simulation.js';
import { Cpu } from '../../sim/hardware/cpu.js';
import type { CpuProfile } from '../../sim/hardware/profiles.js';
import { InertGrid } from './inert-grid.js';

/** Clocked at the 3 GHz reference, so one core does one core-second of work per second. */
export const fakeCpuProfile: CpuProfile = { name: 'fake-8c', cores: 8, threadsPerCore: 1, clockMHz: 3000, idlePowerW: 50, maxPowerW: 200 };

export class FakeGridNodeApi extends InertGrid {
  private readonly cpus = new Map<number, Cpu>();

  constructor(
    private readonly sim: Simulation,
    nodeCount = 4,
    private readonly cpuProfile: CpuProfile = fakeCpuProfile,
  ) {
    super(nodeCount);
  }

  override cpu(node: number): Cpu {
    let cpu = this.cpus.get(node);
    if (cpu === undefined) {
      cpu = new Cpu(this.sim, this.cpuProfile, { name: `node-${node}.cpu` });
      this.cpus.set(node, cpu);
    }
    return cpu;
  }
}
