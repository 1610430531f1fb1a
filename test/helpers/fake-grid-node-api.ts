// A small stand-in for the Grid (grid.ts is being written elsewhere): per-node CPUs, and capacity calls
// that always admit. Enough for managers that only need grid.cpu(node); the other devices throw.

import type { Simulation } from '../../sim/engine/simulation.js';
import { Cpu } from '../../sim/hardware/cpu.js';
import type { CpuProfile } from '../../sim/hardware/profiles.js';
import type { Capacity, GridNodeApi, PowerListener } from '../../sim/grid/node-api.js';
import { noCapacity } from '../../sim/grid/node-api.js';

/** Clocked at the 3 GHz reference, so one core does one core-second of work per second. */
export const fakeCpuProfile: CpuProfile = { name: 'fake-8c', cores: 8, threadsPerCore: 1, clockMHz: 3000, idlePowerW: 50, maxPowerW: 200 };

export class FakeGridNodeApi implements GridNodeApi {
  private readonly cpus = new Map<number, Cpu>();
  private readonly listeners: PowerListener[] = [];

  constructor(
    private readonly sim: Simulation,
    readonly nodeCount = 4,
    private readonly cpuProfile: CpuProfile = fakeCpuProfile,
  ) {}

  farmOf(): number {
    return 0;
  }
  isOn(): boolean {
    return true;
  }
  status(): 'up' | 'standby' | 'down' {
    return 'up';
  }
  reserveMemory(): boolean {
    return true;
  }
  releaseMemory(): void {}
  reserveSsd(): number {
    return 0;
  }
  reserveSsdOn(): boolean {
    return true;
  }
  reserveHddOn(): boolean {
    return true;
  }
  releaseSsd(): void {}
  reserveHdd(): number {
    return 0;
  }
  releaseHdd(): void {}
  reserveIpv4(): string | null {
    return null;
  }
  releaseIpv4(): void {}
  free(): Capacity {
    return noCapacity;
  }
  total(): Capacity {
    return noCapacity;
  }
  ssd(): never {
    throw new Error('fake grid: no SSD models');
  }
  hdd(): never {
    throw new Error('fake grid: no HDD models');
  }
  cpu(node: number): Cpu {
    let cpu = this.cpus.get(node);
    if (cpu === undefined) {
      cpu = new Cpu(this.sim, this.cpuProfile, { name: `node-${node}.cpu` });
      this.cpus.set(node, cpu);
    }
    return cpu;
  }
  powerOff(): void {}
  powerOn(): void {}
  reboot(): void {}
  onPower(listener: PowerListener): void {
    this.listeners.push(listener);
  }
}
