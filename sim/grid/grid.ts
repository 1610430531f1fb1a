// The grid: farms of nodes built from templates, zos's capacity admission, power and uptime, and the
// device models behind each node, created on first use. Leaves out provisioning (grid/provision) and the network.

import type { Rng, RngStreams } from '../engine/rng.js';
import type { Simulation } from '../engine/simulation.js';
import { SimulationError } from '../errors.js';
import { Cpu } from '../hardware/cpu.js';
import { Hdd } from '../hardware/hdd.js';
import { loadProfiles, type NodeTemplate, type ProfileCatalog } from '../hardware/profiles.js';
import { Ssd } from '../hardware/ssd.js';
import type { StorageDevice, StorageDeviceOptions } from '../hardware/storage-device.js';
import * as capacity from './capacity.js';
import { CapacityNotices, type CapacityListener } from './capacity-notices.js';
import { Farms } from './farms.js';
import { compileGridSpec, type GridSpec } from './grid-spec.js';
import type { Capacity, DeviceIndex, GridNodeApi, PowerListener } from './node-api.js';
import { NodeTable } from './node-table.js';
import { PowerControl, isOn, nodeStatus, type NodeStatus } from './uptime.js';

export interface GridOptions {
  /** Where node templates come from; default the repository's hardware-profiles/. */
  readonly profiles?: Pick<ProfileCatalog, 'node'>;
  /** Passed to each Cpu model: admitted vCPUs ≤ threads × ratio (1..4, default 1). */
  readonly cpuOvercommitRatio?: number;
  /**
   * Let each SSD/HDD model schedule its own AFR failure (default true). Devices are created
   * lazily, but the exponential is memoryless, so sampling from creation rather than from the
   * start of the run does not change the failure law.
   */
  readonly armDeviceFailures?: boolean;
}

/** The SSD and HDD models of every node, keyed by their global slot in the table's flat arrays. */
interface DeviceCache {
  readonly ssds: Map<number, Ssd>;
  readonly hdds: Map<number, Hdd>;
  readonly cpus: Map<number, Cpu>;
}

export class Grid implements GridNodeApi {
  readonly nodeCount: number;
  private readonly power: PowerControl;
  private readonly devices: DeviceCache = { ssds: new Map(), hdds: new Map(), cpus: new Map() };
  /** Told of every change to a node's free capacity (reserve, release, IPv4, a failed disk). */
  private readonly capacityNotices = new CapacityNotices();

  constructor(
    private readonly sim: Simulation,
    readonly table: NodeTable,
    readonly farms: Farms,
    private readonly rngs: RngStreams,
    private readonly options: GridOptions = {},
  ) {
    this.nodeCount = table.nodeCount;
    this.power = new PowerControl(table, sim);
  }

  farmOf(node: number): number {
    return this.table.farmIndex[this.check(node)]!;
  }

  template(node: number): NodeTemplate {
    return this.table.template(this.check(node));
  }

  isOn(node: number): boolean {
    return isOn(this.table, this.check(node));
  }

  status(node: number, nowS: number): NodeStatus {
    return nodeStatus(this.table, this.check(node), nowS);
  }

  // Capacity -----------------------------------------------------------------------------------

  reserveMemory(node: number, bytes: number): boolean {
    return this.noted(node, capacity.reserveMemory(this.table, this.check(node), bytes));
  }

  releaseMemory(node: number, bytes: number): void {
    capacity.releaseMemory(this.table, this.check(node), bytes);
    this.capacityNotices.node(node);
  }

  /**
   * Calls `listener` with a node whose free capacity may have changed: memory, disk space, a failed
   * disk, or its farm's public IPv4 (every node of the farm). Power changes come through onPower.
   */
  watchCapacity(listener: CapacityListener): void {
    this.capacityNotices.listen(listener);
  }

  private noted<T>(node: number, changed: T): T {
    if (changed !== false && changed !== -1 && changed !== null) this.capacityNotices.node(node);
    return changed;
  }

  /**
   * The node's measured memory use (zos's total − available); used = max(Σ reserved + reserve, this).
   * A snapshot: it does not grow with later reservations until the caller measures again, as in zos.
   */
  setActualMemoryUsed(node: number, bytes: number): void {
    capacity.checkBytes(bytes, 'setActualMemoryUsed');
    this.table.actualMruBytes[this.check(node)] = bytes;
    this.capacityNotices.node(node);
  }

  reserveSsd(node: number, bytes: number): DeviceIndex {
    capacity.checkBytes(bytes, 'reserveSsd');
    const t = this.table;
    const start = t.ssdStart[this.check(node)]!;
    const pool = capacity.pickDevice(t.ssdFreeBytes, start, t.ssdCount(node), bytes, (i) => !this.devices.ssds.get(start + i)?.failed);
    if (pool >= 0) capacity.take(t.ssdFreeBytes, start, pool, bytes);
    return this.noted(node, pool);
  }

  reserveSsdOn(node: number, pool: DeviceIndex, bytes: number): boolean {
    return this.noted(node, this.reserveOn(this.table.ssdFreeBytes, this.table.ssdStart[this.check(node)]!, this.checkDevice(node, pool, 'ssd'), bytes, this.devices.ssds));
  }

  reserveHddOn(node: number, disk: DeviceIndex, bytes: number): boolean {
    return this.noted(node, this.reserveOn(this.table.hddFreeBytes, this.table.hddStart[this.check(node)]!, this.checkDevice(node, disk, 'hdd'), bytes, this.devices.hdds));
  }

  private reserveOn(free: Float64Array, start: number, i: number, bytes: number, models: ReadonlyMap<number, { failed: boolean }>): boolean {
    capacity.checkBytes(bytes, 'reserveOn');
    if (free[start + i]! < bytes || models.get(start + i)?.failed === true) return false;
    capacity.take(free, start, i, bytes);
    return true;
  }

  releaseSsd(node: number, pool: DeviceIndex, bytes: number): void {
    capacity.checkBytes(bytes, 'releaseSsd');
    const profile = this.template(node).ssds[this.checkDevice(node, pool, 'ssd')]!;
    capacity.give(this.table.ssdFreeBytes, this.table.ssdStart[node]!, pool, bytes, profile.capacityBytes, `node ${node} SSD ${pool}`);
    this.capacityNotices.node(node);
  }

  reserveHdd(node: number, bytes: number): DeviceIndex {
    capacity.checkBytes(bytes, 'reserveHdd');
    const t = this.table;
    const start = t.hddStart[this.check(node)]!;
    const disk = capacity.pickDevice(t.hddFreeBytes, start, t.hddCount(node), bytes, (i) => !this.devices.hdds.get(start + i)?.failed);
    if (disk >= 0) capacity.take(t.hddFreeBytes, start, disk, bytes);
    return this.noted(node, disk);
  }

  releaseHdd(node: number, disk: DeviceIndex, bytes: number): void {
    capacity.checkBytes(bytes, 'releaseHdd');
    const profile = this.template(node).hdds[this.checkDevice(node, disk, 'hdd')]!;
    capacity.give(this.table.hddFreeBytes, this.table.hddStart[node]!, disk, bytes, profile.capacityBytes, `node ${node} HDD ${disk}`);
    this.capacityNotices.node(node);
  }

  reserveIpv4(node: number): string | null {
    const ip = this.farms.reserveIpv4(this.farmOf(node));
    if (ip !== null) this.farmChanged(node);
    return ip;
  }

  releaseIpv4(node: number, ip: string): void {
    this.farms.releaseIpv4(this.farmOf(node), ip);
    this.farmChanged(node);
  }

  private farmChanged(node: number): void {
    const { firstNode, nodeCount } = this.farms.nodesOf(this.farmOf(node));
    this.capacityNotices.nodes(firstNode, nodeCount);
  }

  /** CRU is the node's full thread count: zos does not check CPU, so nothing is ever taken from it. */
  free(node: number): Capacity {
    const t = this.table;
    this.check(node);
    return {
      cru: t.totalCru[node]!,
      mruBytes: capacity.memoryFreeBytes(t, node),
      sruBytes: sum(t.ssdFreeBytes, t.ssdStart[node]!, t.ssdCount(node)),
      hruBytes: sum(t.hddFreeBytes, t.hddStart[node]!, t.hddCount(node)),
      ipv4: this.farms.ipv4Free(t.farmIndex[node]!),
    };
  }

  /** Totals as zos registers them; ipv4 is the farm's whole pool, shared by its nodes. */
  total(node: number): Capacity {
    const t = this.table;
    this.check(node);
    return {
      cru: t.totalCru[node]!,
      mruBytes: t.totalMruBytes[node]!,
      sruBytes: t.totalSruBytes[node]!,
      hruBytes: t.totalHruBytes[node]!,
      ipv4: this.farms.ipv4Total(t.farmIndex[node]!),
    };
  }

  // Devices ------------------------------------------------------------------------------------

  ssd(node: number, pool: DeviceIndex): Ssd {
    const slot = this.table.ssdStart[node]! + this.checkDevice(node, pool, 'ssd');
    return cached(this.devices.ssds, slot, () => new Ssd(this.template(node).ssds[pool]!, this.deviceOptions(node, 'ssd', pool)));
  }

  hdd(node: number, disk: DeviceIndex): Hdd {
    const slot = this.table.hddStart[node]! + this.checkDevice(node, disk, 'hdd');
    return cached(this.devices.hdds, slot, () => new Hdd(this.template(node).hdds[disk]!, this.deviceOptions(node, 'hdd', disk)));
  }

  cpu(node: number): Cpu {
    const template = this.template(node);
    const options = { overcommitRatio: this.options.cpuOvercommitRatio ?? 1, name: `node-${node}.cpu` };
    return cached(this.devices.cpus, node, () => new Cpu(this.sim, template.cpu, options));
  }

  /** How many device models exist: a measure of what the lazy creation saves. */
  get deviceModelCount(): number {
    return this.devices.ssds.size + this.devices.hdds.size + this.devices.cpus.size;
  }

  /** Whether the node's disk has failed; a disk without a model (nobody asked about it) has not. */
  diskFailed(node: number, kind: 'ssd' | 'hdd', index: DeviceIndex): boolean {
    const t = this.table;
    const slot = (kind === 'ssd' ? t.ssdStart : t.hddStart)[this.check(node)]! + this.checkDevice(node, index, kind);
    return (kind === 'ssd' ? this.devices.ssds : this.devices.hdds).get(slot)?.failed === true;
  }

  /** The device models created so far for `node` (none for a node nobody asked about). */
  devicesOf(node: number): readonly (StorageDevice | Cpu)[] {
    const t = this.table;
    const found: (StorageDevice | Cpu)[] = [];
    for (let i = 0; i < t.ssdCount(this.check(node)); i++) pushDefined(found, this.devices.ssds.get(t.ssdStart[node]! + i));
    for (let i = 0; i < t.hddCount(node); i++) pushDefined(found, this.devices.hdds.get(t.hddStart[node]! + i));
    pushDefined(found, this.devices.cpus.get(node));
    return found;
  }

  // Power --------------------------------------------------------------------------------------

  powerOff(node: number): void {
    this.power.powerOff(node);
  }

  powerOn(node: number): void {
    this.power.powerOn(node);
  }

  reboot(node: number): void {
    this.power.reboot(node);
  }

  /** A hardware failure: off until repair(), and 'down' (not standby) once its last report ages out. */
  crash(node: number): void {
    this.power.crash(node);
  }

  repair(node: number): void {
    this.power.repair(node);
  }

  onPower(listener: PowerListener, node?: number): void {
    this.power.onPower(listener, node);
  }

  // --------------------------------------------------------------------------------------------

  /**
   * Streams are named by node and slot, so a device draws the same numbers whichever order
   * devices are first asked for in.
   */
  private deviceOptions(node: number, kind: 'ssd' | 'hdd', index: number): StorageDeviceOptions {
    return new DeviceSlot(this.sim, this.rngs, node, kind, index, this.options.armDeviceFailures ?? true, () => this.capacityNotices.node(node));
  }

  private check(node: number): number {
    if (!(Number.isInteger(node) && node >= 0 && node < this.nodeCount)) throw new SimulationError(`no node ${node}`);
    return node;
  }

  private checkDevice(node: number, index: number, kind: 'ssd' | 'hdd'): number {
    const count = kind === 'ssd' ? this.table.ssdCount(this.check(node)) : this.table.hddCount(this.check(node));
    if (!(Number.isInteger(index) && index >= 0 && index < count)) throw new SimulationError(`node ${node} has no ${kind} ${index} (it has ${count})`);
    return index;
  }
}

/**
 * A device model's options. Its stream and its name are made when first asked for: most device models
 * never draw (failures come from the scenario's FailureModel), and a stream per device was most of a
 * device model's memory.
 */
class DeviceSlot implements StorageDeviceOptions {
  constructor(
    readonly sim: Simulation,
    private readonly rngs: RngStreams,
    private readonly node: number,
    private readonly kind: 'ssd' | 'hdd',
    private readonly index: number,
    readonly armFailure: boolean,
    /** A failed disk offers no capacity any more: the grid's capacity notice. */
    readonly onFailed: () => void,
  ) {}

  get rng(): Rng {
    return this.rngs.stream(`grid.node.${this.node}.${this.kind}.${this.index}`);
  }

  get name(): string {
    return `node-${this.node}.${this.kind}.${this.index}`;
  }
}

/** Builds a grid from a spec, checked first (InputError naming the field); every node starts booted at sim.nowS. */
export function buildGrid(sim: Simulation, spec: GridSpec, rngs: RngStreams, options: GridOptions = {}): Grid {
  const compiled = compileGridSpec(spec, options.profiles ?? loadProfiles());
  const table = new NodeTable(compiled.templates, compiled.groups, sim.nowS);
  return new Grid(sim, table, new Farms(compiled.farms), rngs, options);
}

function cached<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

function sum(values: Float64Array, start: number, count: number): number {
  let total = 0;
  for (let i = 0; i < count; i++) total += values[start + i]!;
  return total;
}

function pushDefined<T>(list: T[], value: T | undefined): void {
  if (value !== undefined) list.push(value);
}
