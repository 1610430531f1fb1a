// A small in-memory GridNodeApi for storage tests: per-node SSD pools and HDDs from hardware
// profiles, byte-exact admission, devices built on first use. Leaves out memory, IPs, power and CPU.

import type { Simulation } from '../../sim/engine/simulation.js';
import { RngStreams } from '../../sim/engine/rng.js';
import type { Cpu } from '../../sim/hardware/cpu.js';
import { Hdd } from '../../sim/hardware/hdd.js';
import type { HddProfile, SsdProfile } from '../../sim/hardware/profiles.js';
import { Ssd } from '../../sim/hardware/ssd.js';
import type { Capacity, DeviceIndex, GridNodeApi, PowerListener } from '../../sim/grid/node-api.js';

export interface FakeNodeSpec {
  readonly ssds: readonly SsdProfile[];
  readonly hdds: readonly HddProfile[];
  /** Pool sizes if not the whole device (e.g. to make placement choices visible). */
  readonly ssdPoolBytes?: readonly number[];
  readonly hddDiskBytes?: readonly number[];
}

interface FakeNode {
  readonly spec: FakeNodeSpec;
  readonly ssdSize: number[];
  readonly ssdUsed: number[];
  readonly hddSize: number[];
  readonly hddUsed: number[];
  readonly ssdModels: (Ssd | undefined)[];
  readonly hddModels: (Hdd | undefined)[];
}

export class FakeGrid implements GridNodeApi {
  private readonly nodes: FakeNode[];
  private readonly streams: RngStreams;

  constructor(
    readonly sim: Simulation,
    specs: readonly FakeNodeSpec[],
    seed = 1,
  ) {
    this.streams = new RngStreams(seed);
    this.nodes = specs.map((spec) => ({
      spec,
      ssdSize: spec.ssds.map((p, i) => spec.ssdPoolBytes?.[i] ?? p.capacityBytes),
      ssdUsed: spec.ssds.map(() => 0),
      hddSize: spec.hdds.map((p, i) => spec.hddDiskBytes?.[i] ?? p.capacityBytes),
      hddUsed: spec.hdds.map(() => 0),
      ssdModels: [],
      hddModels: [],
    }));
  }

  get nodeCount(): number {
    return this.nodes.length;
  }
  farmOf(): number {
    return 0;
  }
  isOn(): boolean {
    return true;
  }
  status(): 'up' {
    return 'up';
  }
  reserveMemory(): boolean {
    return true;
  }
  releaseMemory(): void {}

  reserveSsd(node: number, bytes: number): DeviceIndex {
    const n = this.nodes[node]!;
    let best = -1;
    for (let i = 0; i < n.ssdSize.length; i++) {
      const free = n.ssdSize[i]! - n.ssdUsed[i]!;
      if (free >= bytes && (best < 0 || free > n.ssdSize[best]! - n.ssdUsed[best]!)) best = i;
    }
    if (best >= 0) n.ssdUsed[best]! += bytes;
    return best;
  }
  releaseSsd(node: number, pool: DeviceIndex, bytes: number): void {
    const n = this.nodes[node]!;
    n.ssdUsed[pool]! -= bytes;
    if (n.ssdUsed[pool]! < 0) throw new Error(`pool ${pool} released below zero`);
  }
  reserveHdd(node: number, bytes: number): DeviceIndex {
    const n = this.nodes[node]!;
    const disk = n.hddSize.findIndex((size, i) => size - n.hddUsed[i]! >= bytes);
    if (disk >= 0) n.hddUsed[disk]! += bytes;
    return disk;
  }
  releaseHdd(node: number, disk: DeviceIndex, bytes: number): void {
    const n = this.nodes[node]!;
    n.hddUsed[disk]! -= bytes;
    if (n.hddUsed[disk]! < 0) throw new Error(`disk ${disk} released below zero`);
  }
  reserveIpv4(): string | null {
    return null;
  }
  releaseIpv4(): void {}

  free(node: number): Capacity {
    const n = this.nodes[node]!;
    const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
    return { cru: 0, mruBytes: 0, ipv4: 0, sruBytes: sum(n.ssdSize) - sum(n.ssdUsed), hruBytes: sum(n.hddSize) - sum(n.hddUsed) };
  }
  total(node: number): Capacity {
    const n = this.nodes[node]!;
    const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
    return { cru: 0, mruBytes: 0, ipv4: 0, sruBytes: sum(n.ssdSize), hruBytes: sum(n.hddSize) };
  }
  /** Test access: bytes reserved on one pool or disk. */
  ssdUsed(node: number, pool: number): number {
    return this.nodes[node]!.ssdUsed[pool]!;
  }
  hddUsed(node: number, disk: number): number {
    return this.nodes[node]!.hddUsed[disk]!;
  }

  ssd(node: number, pool: DeviceIndex): Ssd {
    const n = this.nodes[node]!;
    return (n.ssdModels[pool] ??= new Ssd(n.spec.ssds[pool]!, { sim: this.sim, rng: this.streams.stream(`ssd-${node}-${pool}`), armFailure: false }));
  }
  hdd(node: number, disk: DeviceIndex): Hdd {
    const n = this.nodes[node]!;
    return (n.hddModels[disk] ??= new Hdd(n.spec.hdds[disk]!, { sim: this.sim, rng: this.streams.stream(`hdd-${node}-${disk}`), armFailure: false }));
  }
  cpu(): Cpu {
    throw new Error('FakeGrid has no CPU models');
  }
  powerOff(): void {}
  powerOn(): void {}
  reboot(): void {}
  onPower(_listener: PowerListener): void {}

  reserveSsdOn(node: number, pool: number, bytes: number): boolean {
    const n = this.nodes[node]!;
    if (n.ssdSize[pool]! - n.ssdUsed[pool]! < bytes) return false;
    n.ssdUsed[pool]! += bytes;
    return true;
  }
  reserveHddOn(node: number, disk: number, bytes: number): boolean {
    const n = this.nodes[node]!;
    if (n.hddSize[disk]! - n.hddUsed[disk]! < bytes) return false;
    n.hddUsed[disk]! += bytes;
    return true;
  }
}
