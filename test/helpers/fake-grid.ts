// The one in-memory GridNodeApi for tests: farms of identical nodes with SSD pools and HDDs from hardware
// profiles, zos's memory admission, a public IPv4 pool per farm, CPU models and power with listeners.
// Leaves out uptime reports (status is up or down), node failures and NICs; use sim/grid/world.ts for those.

import { RngStreams } from '../../sim/engine/rng.js';
import { Simulation } from '../../sim/engine/simulation.js';
import { Cpu } from '../../sim/hardware/cpu.js';
import { Hdd } from '../../sim/hardware/hdd.js';
import { loadProfiles, type CpuProfile, type HddProfile, type SsdProfile } from '../../sim/hardware/profiles.js';
import { Ssd } from '../../sim/hardware/ssd.js';
import type { Capacity, DeviceIndex, GridNodeApi, PowerEvent, PowerListener } from '../../sim/grid/node-api.js';

const GiB = 1024 ** 3;

/** Clocked at the 3 GHz reference, so one core does one core-second of work per second. */
export const fakeCpuProfile: CpuProfile = { name: 'fake-8c', cores: 8, threadsPerCore: 1, clockMHz: 3000, idlePowerW: 50, maxPowerW: 200 };

/** The devices of every node: one profile per SSD pool and HDD, sized as the device unless given. */
export interface FakeNodeSpec {
  readonly ssds: readonly SsdProfile[];
  readonly hdds: readonly HddProfile[];
  /** Pool sizes if not the whole device (e.g. to make placement choices visible). */
  readonly ssdPoolBytes?: readonly number[];
  readonly hddDiskBytes?: readonly number[];
}

export interface FakeGridOptions {
  /** Nodes are numbered farm by farm: node n is in farm ⌊n / nodesPerFarm⌋. Defaults: 1 farm of 4. */
  readonly farms?: number;
  readonly nodesPerFarm?: number;
  /** Default: a storage node, one nvme-980 pool and four hdd-exos-x18 (zstor tests use disks 0–3), each its whole device; a partial spec keeps the other fields. */
  readonly node?: Partial<FakeNodeSpec>;
  /** RAM per node; admission keeps zos's reserve of max(10 %, 2 GiB). Default 64 GiB. */
  readonly memoryBytes?: number;
  /** Public IPv4 addresses in each farm's pool, 185.69.(166 + farm).10 upwards. Default none. */
  readonly ipv4PerFarm?: number;
  readonly cpu?: CpuProfile;
  /** Seeds the device models' streams (their failures are not armed, so it rarely matters). */
  readonly seed?: number | string;
}

interface Devices {
  readonly size: number[];
  readonly used: number[];
}

export class FakeGrid implements GridNodeApi {
  readonly nodeCount: number;
  readonly nodesPerFarm: number;
  readonly memoryBytes: number;
  readonly streams: RngStreams;
  private readonly spec: FakeNodeSpec;
  private readonly cpuProfile: CpuProfile;
  private readonly on: boolean[];
  private readonly reservedMemoryBytes: number[];
  private readonly systemMemoryBytes: number[];
  private readonly ipv4Pools: string[][];
  /** Byte accounting per node, made on first use so that a grid of 100,000 idle nodes costs little. */
  private readonly ssds: (Devices | undefined)[] = [];
  private readonly hdds: (Devices | undefined)[] = [];
  private readonly models = new Map<string, Ssd | Hdd | Cpu>();
  private readonly listeners: PowerListener[] = [];

  constructor(
    readonly sim: Simulation,
    options: FakeGridOptions = {},
  ) {
    const farms = options.farms ?? 1;
    this.nodesPerFarm = options.nodesPerFarm ?? 4;
    this.nodeCount = farms * this.nodesPerFarm;
    this.memoryBytes = options.memoryBytes ?? 64 * GiB;
    this.cpuProfile = options.cpu ?? fakeCpuProfile;
    this.streams = new RngStreams(options.seed ?? 1);
    const catalog = loadProfiles();
    this.spec = { ssds: [catalog.ssd('nvme-980')], hdds: Array.from({ length: 4 }, () => catalog.hdd('hdd-exos-x18')), ...options.node };
    const n = this.nodeCount;
    this.on = new Array<boolean>(n).fill(true);
    this.reservedMemoryBytes = new Array<number>(n).fill(0);
    this.systemMemoryBytes = new Array<number>(n).fill(0);
    this.ipv4Pools = Array.from({ length: farms }, (_, f) => Array.from({ length: options.ipv4PerFarm ?? 0 }, (_, i) => `185.69.${166 + f}.${10 + i}`));
  }

  farmOf(node: number): number {
    return Math.floor(this.check(node) / this.nodesPerFarm);
  }
  isOn(node: number): boolean {
    return this.on[this.check(node)]!;
  }
  status(node: number): 'up' | 'standby' | 'down' {
    return this.isOn(node) ? 'up' : 'down';
  }

  /** zos: used = max(Σ reserved + reserve, actual); here actual = Σ reserved + what the system uses. */
  reserveMemory(node: number, bytes: number): boolean {
    const reserved = this.reservedMemoryBytes[this.check(node)]!;
    const usedBytes = reserved + Math.max(this.systemReserveBytes, this.systemMemoryBytes[node]!);
    if (bytes > this.memoryBytes - usedBytes) return false;
    this.reservedMemoryBytes[node] = reserved + bytes;
    return true;
  }
  releaseMemory(node: number, bytes: number): void {
    this.reservedMemoryBytes[this.check(node)]! -= bytes;
    if (this.reservedMemoryBytes[node]! < 0) throw new Error(`node ${node}: memory released twice`);
  }
  get systemReserveBytes(): number {
    return Math.max(0.1 * this.memoryBytes, 2 * GiB);
  }
  /** Test knob: memory the system itself uses beyond reservations (it can outgrow the reserve after a boot). */
  setSystemMemoryBytes(node: number, bytes: number): void {
    this.systemMemoryBytes[this.check(node)] = bytes;
  }
  memoryReservedBytes(node: number): number {
    return this.reservedMemoryBytes[this.check(node)]!;
  }

  /** The pool with the most free space that fits, as zos picks. */
  reserveSsd(node: number, bytes: number): DeviceIndex {
    const { size, used } = this.ssdsOf(node);
    let best = -1;
    for (let i = 0; i < size.length; i++) {
      const free = size[i]! - used[i]!;
      if (free >= bytes && (best < 0 || free > size[best]! - used[best]!)) best = i;
    }
    if (best >= 0) used[best]! += bytes;
    return best;
  }
  reserveSsdOn(node: number, pool: DeviceIndex, bytes: number): boolean {
    return take(this.ssdsOf(node), pool, bytes);
  }
  releaseSsd(node: number, pool: DeviceIndex, bytes: number): void {
    give(this.ssdsOf(node), pool, bytes, `node ${node} pool ${pool}`);
  }
  /** The first disk that fits. */
  reserveHdd(node: number, bytes: number): DeviceIndex {
    const { size, used } = this.hddsOf(node);
    const disk = size.findIndex((s, i) => s - used[i]! >= bytes);
    if (disk >= 0) used[disk]! += bytes;
    return disk;
  }
  reserveHddOn(node: number, disk: DeviceIndex, bytes: number): boolean {
    return take(this.hddsOf(node), disk, bytes);
  }
  releaseHdd(node: number, disk: DeviceIndex, bytes: number): void {
    give(this.hddsOf(node), disk, bytes, `node ${node} disk ${disk}`);
  }
  ssdUsed(node: number, pool: DeviceIndex): number {
    return this.ssdsOf(node).used[pool]!;
  }
  hddUsed(node: number, disk: DeviceIndex): number {
    return this.hddsOf(node).used[disk]!;
  }
  ssdFreeBytes(node: number): number {
    const { size, used } = this.ssdsOf(node);
    return sum(size) - sum(used);
  }

  reserveIpv4(node: number): string | null {
    return this.ipv4Pools[this.farmOf(node)]!.shift() ?? null;
  }
  releaseIpv4(node: number, ip: string): void {
    this.ipv4Pools[this.farmOf(node)]!.push(ip);
  }
  /** The farm's free addresses, in the order they will be handed out. */
  ipv4Free(farm: number): readonly string[] {
    return this.ipv4Pools[farm]!;
  }

  free(node: number): Capacity {
    const total = this.total(node);
    return {
      cru: total.cru,
      mruBytes: total.mruBytes - this.reservedMemoryBytes[node]!,
      sruBytes: this.ssdFreeBytes(node),
      hruBytes: total.hruBytes - sum(this.hddsOf(node).used),
      ipv4: this.ipv4Pools[this.farmOf(node)]!.length,
    };
  }
  total(node: number): Capacity {
    this.check(node);
    const ipv4 = this.ipv4Pools[this.farmOf(node)]!.length;
    return { cru: this.cpuProfile.cores * this.cpuProfile.threadsPerCore, mruBytes: this.memoryBytes, sruBytes: sum(this.ssdsOf(node).size), hruBytes: sum(this.hddsOf(node).size), ipv4 };
  }

  ssd(node: number, pool: DeviceIndex): Ssd {
    const profile = this.device(this.spec.ssds, node, pool, 'SSD pool');
    return this.model(`ssd-${node}/${pool}`, (name) => new Ssd(profile, { sim: this.sim, rng: this.streams.stream(name), name, armFailure: false }));
  }
  hdd(node: number, disk: DeviceIndex): Hdd {
    const profile = this.device(this.spec.hdds, node, disk, 'HDD');
    return this.model(`hdd-${node}/${disk}`, (name) => new Hdd(profile, { sim: this.sim, rng: this.streams.stream(name), name, armFailure: false }));
  }
  cpu(node: number): Cpu {
    this.check(node);
    return this.model(`node-${node}.cpu`, (name) => new Cpu(this.sim, this.cpuProfile, { name }));
  }

  /** As the real grid: an event only when the node's state changes; a reboot restarts a node that is on. */
  powerOff(node: number): void {
    if (!this.isOn(node)) return;
    this.on[node] = false;
    this.emitPower(node, 'off');
  }
  powerOn(node: number): void {
    if (this.isOn(node)) return;
    this.on[node] = true;
    this.emitPower(node, 'on');
  }
  reboot(node: number): void {
    if (this.isOn(node)) this.emitPower(node, 'reboot');
  }
  onPower(listener: PowerListener): void {
    this.listeners.push(listener);
  }
  /** Test knob: tells the listeners of a power event without changing the node (a duplicate or stray event). */
  emitPower(node: number, event: PowerEvent): void {
    for (const listener of this.listeners) listener(this.check(node), event);
  }

  private ssdsOf(node: number): Devices {
    return (this.ssds[this.check(node)] ??= devices(this.spec.ssds, this.spec.ssdPoolBytes));
  }
  private hddsOf(node: number): Devices {
    return (this.hdds[this.check(node)] ??= devices(this.spec.hdds, this.spec.hddDiskBytes));
  }
  private check(node: number): number {
    if (!(Number.isInteger(node) && node >= 0 && node < this.nodeCount)) throw new Error(`fake grid: no node ${node} (${this.nodeCount} nodes)`);
    return node;
  }
  private device<P>(profiles: readonly P[], node: number, index: DeviceIndex, kind: string): P {
    this.check(node);
    const profile = profiles[index];
    if (profile === undefined) throw new Error(`fake grid: node ${node} has no ${kind} ${index} (${profiles.length} per node)`);
    return profile;
  }
  private model<M extends Ssd | Hdd | Cpu>(name: string, build: (name: string) => M): M {
    let model = this.models.get(name) as M | undefined;
    if (model === undefined) this.models.set(name, (model = build(name)));
    return model;
  }
}

/** A simulation, the streams for the test's own randomness, and a FakeGrid seeded alike. */
export function makeGrid(seed: number | string, options: Omit<FakeGridOptions, 'seed'> = {}): { sim: Simulation; streams: RngStreams; grid: FakeGrid } {
  const sim = new Simulation();
  const grid = new FakeGrid(sim, { ...options, seed });
  return { sim, streams: grid.streams, grid };
}

function devices(profiles: readonly { readonly capacityBytes: number }[], sizesBytes: readonly number[] | undefined): Devices {
  return { size: profiles.map((p, i) => sizesBytes?.[i] ?? p.capacityBytes), used: profiles.map(() => 0) };
}

function take(devices: Devices, index: DeviceIndex, bytes: number): boolean {
  if (devices.size[index]! - devices.used[index]! < bytes) return false;
  devices.used[index]! += bytes;
  return true;
}

function give(devices: Devices, index: DeviceIndex, bytes: number, what: string): void {
  devices.used[index]! -= bytes;
  if (devices.used[index]! < 0) throw new Error(`${what} released below zero`);
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
