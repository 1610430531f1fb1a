// A small fake of GridNodeApi for the zstor, zdisk and qsfs tests: nodes in farms, HDDs per node,
// power on/off with listeners, and byte-counting SSD/memory reservations. No CPU or NIC models.

import { RngStreams } from '../../sim/engine/rng.js';
import { Simulation } from '../../sim/engine/simulation.js';
import { Hdd } from '../../sim/hardware/hdd.js';
import { loadProfiles } from '../../sim/hardware/profiles.js';
import { InertGrid } from './inert-grid.js';

const hddProfile = loadProfiles().hdd('hdd-exos-x18');

export interface FakeGridOptions {
  readonly farms: number;
  readonly nodesPerFarm: number;
  readonly disksPerNode?: number;
  readonly ssdBytes?: number;
  readonly memoryBytes?: number;
}

export class FakeGrid extends InertGrid {
  private readonly on: boolean[];
  private readonly hdds = new Map<string, Hdd>();
  private readonly ssdFree: number[];
  private readonly memFree: number[];

  constructor(
    readonly sim: Simulation,
    readonly streams: RngStreams,
    readonly options: FakeGridOptions,
  ) {
    super(options.farms * options.nodesPerFarm);
    this.on = Array.from({ length: this.nodeCount }, () => true);
    this.ssdFree = Array.from({ length: this.nodeCount }, () => options.ssdBytes ?? 1024 ** 4);
    this.memFree = Array.from({ length: this.nodeCount }, () => options.memoryBytes ?? 64 * 1024 ** 3);
  }

  override farmOf(node: number): number {
    return Math.floor(node / this.options.nodesPerFarm);
  }
  override isOn(node: number): boolean {
    return this.on[node]!;
  }
  override status(node: number): 'up' | 'standby' | 'down' {
    return this.on[node] ? 'up' : 'down';
  }
  override reserveMemory(node: number, bytes: number): boolean {
    if (this.memFree[node]! < bytes) return false;
    this.memFree[node]! -= bytes;
    return true;
  }
  override releaseMemory(node: number, bytes: number): void {
    this.memFree[node]! += bytes;
  }
  override reserveSsd(node: number, bytes: number): number {
    if (this.ssdFree[node]! < bytes) return -1;
    this.ssdFree[node]! -= bytes;
    return 0;
  }
  override reserveSsdOn(node: number, _pool: number, bytes: number): boolean {
    return this.reserveSsd(node, bytes) === 0;
  }
  override releaseSsd(node: number, _pool: number, bytes: number): void {
    this.ssdFree[node]! += bytes;
  }
  ssdFreeBytes(node: number): number {
    return this.ssdFree[node]!;
  }
  override hdd(node: number, disk: number): Hdd {
    const key = `${node}/${disk}`;
    let hdd = this.hdds.get(key);
    if (hdd === undefined) {
      hdd = new Hdd(hddProfile, { sim: this.sim, rng: this.streams.stream(`hdd-${key}`), name: `hdd-${key}`, armFailure: false });
      this.hdds.set(key, hdd);
    }
    return hdd;
  }
  override powerOff(node: number): void {
    if (!this.on[node]) return;
    this.on[node] = false;
    for (const l of this.listeners) l(node, 'off');
  }
  override powerOn(node: number): void {
    if (this.on[node]) return;
    this.on[node] = true;
    for (const l of this.listeners) l(node, 'on');
  }
  override reboot(node: number): void {
    this.on[node] = true;
    for (const l of this.listeners) l(node, 'reboot');
  }
}

export function makeGrid(seed: number | string, options: FakeGridOptions): { sim: Simulation; streams: RngStreams; grid: FakeGrid } {
  const sim = new Simulation();
  const streams = new RngStreams(seed);
  return { sim, streams, grid: new FakeGrid(sim, streams, options) };
}

/** One backend per node, grouped by farm: the usual zstor layout (groups = farms). */
export function farmGroups(grid: FakeGrid, sizeLimitBytes: number, skipNodes: readonly number[] = []): { node: number; disk: number; sizeLimitBytes: number }[][] {
  const groups: { node: number; disk: number; sizeLimitBytes: number }[][] = [];
  for (let node = 0; node < grid.nodeCount; node++) {
    if (skipNodes.includes(node)) continue;
    const farm = grid.farmOf(node);
    (groups[farm] ??= []).push({ node, disk: 0, sizeLimitBytes });
  }
  return groups.filter((g) => g !== undefined);
}

/** Prints the seed first (DESIGN: every run prints its seed) and returns fast-check params. */
export function fcParams(label: string, numRuns: number): { seed: number; numRuns: number } {
  const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : hashSeed(label);
  const runs = process.env.FC_NUM_RUNS !== undefined ? Number(process.env.FC_NUM_RUNS) : numRuns;
  console.log(`[${label}] fast-check seed=${seed} numRuns=${runs} (replay: FC_SEED=${seed})`);
  return { seed, numRuns: runs };
}

function hashSeed(label: string): number {
  let h = 2166136261;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16777619);
  return h | 0;
}
