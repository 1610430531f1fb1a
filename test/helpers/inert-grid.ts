// A GridNodeApi that does nothing: every node on, every reservation admitted, no device models.
// Test fakes extend it and override only what their test is about.

import type { Cpu } from '../../sim/hardware/cpu.js';
import type { Hdd } from '../../sim/hardware/hdd.js';
import type { Ssd } from '../../sim/hardware/ssd.js';
import { noCapacity, type Capacity, type GridNodeApi, type PowerListener } from '../../sim/grid/node-api.js';

export class InertGrid implements GridNodeApi {
  protected readonly listeners: PowerListener[] = [];

  constructor(readonly nodeCount: number) {}

  farmOf(_node: number): number {
    return 0;
  }
  isOn(_node: number): boolean {
    return true;
  }
  status(_node: number, _nowS: number): 'up' | 'standby' | 'down' {
    return 'up';
  }
  reserveMemory(_node: number, _bytes: number): boolean {
    return true;
  }
  releaseMemory(_node: number, _bytes: number): void {}
  reserveSsd(_node: number, _bytes: number): number {
    return 0;
  }
  reserveSsdOn(_node: number, _pool: number, _bytes: number): boolean {
    return true;
  }
  releaseSsd(_node: number, _pool: number, _bytes: number): void {}
  reserveHdd(_node: number, _bytes: number): number {
    return 0;
  }
  reserveHddOn(_node: number, _disk: number, _bytes: number): boolean {
    return true;
  }
  releaseHdd(_node: number, _disk: number, _bytes: number): void {}
  reserveIpv4(_node: number): string | null {
    return null;
  }
  releaseIpv4(_node: number, _ip: string): void {}
  free(_node: number): Capacity {
    return noCapacity;
  }
  total(_node: number): Capacity {
    return noCapacity;
  }
  ssd(_node: number, _pool: number): Ssd {
    throw new Error('inert grid: no SSD models');
  }
  hdd(_node: number, _disk: number): Hdd {
    throw new Error('inert grid: no HDD models');
  }
  cpu(_node: number): Cpu {
    throw new Error('inert grid: no CPU models');
  }
  powerOff(_node: number): void {}
  powerOn(_node: number): void {}
  reboot(_node: number): void {}
  onPower(listener: PowerListener): void {
    this.listeners.push(listener);
  }
}
