// A zstor backend: a 0-db namespace on one node's HDD with a size limit, and its polled health.
// Stand-in for the real zdb model (sim/storage/zdb/), which can replace it behind the same methods.

import type { SimEvent } from '../../engine/events.js';
import type { Simulation } from '../../engine/simulation.js';
import { SimulationError } from '../../errors.js';
import type { GridNodeApi } from '../../grid/node-api.js';
import { defaultTimers, type HealthState, type ZstorTimers } from './types.js';

/** Each namespace gets its own region of the disk, so IO offsets of neighbours do not overlap. */
const regionBytes = 64 * 1024 ** 3;

export class ZstorBackend {
  usedBytes = 0;
  private appendBytes = 0;

  constructor(
    readonly id: number,
    readonly node: number,
    readonly disk: number,
    /** Index of the config group (farm/site) it belongs to; -1 for metadata backends. */
    readonly group: number,
    readonly sizeLimitBytes: number,
    private readonly grid: GridNodeApi,
  ) {
    if (!(sizeLimitBytes > 0)) throw new SimulationError(`backend ${id}: size limit ${sizeLimitBytes}`);
  }

  get freeBytes(): number {
    return Math.max(0, this.sizeLimitBytes - this.usedBytes);
  }

  /** The truth, not zstor's view: the node is up and its disk has not failed. */
  get reachable(): boolean {
    return this.grid.isOn(this.node) && !this.grid.hdd(this.node, this.disk).failed;
  }

  /** When the disk failed, or null; a failed disk has lost every shard on it for good. */
  get diskFailedAtS(): number | null {
    return this.grid.hdd(this.node, this.disk).failure?.atS ?? null;
  }

  /** Writes a shard (seq-mode append). Fails with DeviceFailedError if the disk fails under it. */
  write(sizeBytes: number): SimEvent<number> {
    this.usedBytes += sizeBytes;
    return this.grid.hdd(this.node, this.disk).write(this.nextOffset(sizeBytes), sizeBytes);
  }

  /** Reads a shard; where it sits within the namespace is not tracked, so the offset is the append point. */
  read(sizeBytes: number): SimEvent<number> {
    const hdd = this.grid.hdd(this.node, this.disk);
    const base = (this.id * regionBytes) % Math.max(1, hdd.capacityBytes - regionBytes);
    return hdd.read(base + (this.appendBytes % Math.max(1, regionBytes - sizeBytes)), sizeBytes);
  }

  private nextOffset(sizeBytes: number): number {
    const hdd = this.grid.hdd(this.node, this.disk);
    const base = (this.id * regionBytes) % Math.max(1, hdd.capacityBytes - regionBytes);
    const offset = base + (this.appendBytes % Math.max(1, regionBytes - sizeBytes));
    this.appendBytes += sizeBytes;
    return offset;
  }
}

/**
 * zstor polls every backend every 3 s. Rather than schedule that tick for thousands of backends,
 * health is derived on demand from when the backend went down (a power event or the disk's failure
 * time), rounded up to the next poll: the answer is the one the poll would have given.
 */
export class HealthTracker {
  private readonly offSinceS = new Map<number, number>();

  constructor(
    private readonly sim: Simulation,
    private readonly grid: GridNodeApi,
    readonly timers: ZstorTimers = defaultTimers,
  ) {
    grid.onPower((node, event) => {
      if (event === 'off') this.offSinceS.set(node, sim.nowS);
      else this.offSinceS.delete(node);
    });
  }

  /** The first poll that found the backend down, or null while it is up. */
  downSinceS(backend: ZstorBackend): number | null {
    if (backend.reachable) return null;
    let since = backend.diskFailedAtS ?? Infinity;
    if (!this.grid.isOn(backend.node)) {
      // A node that was off before we subscribed is first seen down now.
      if (!this.offSinceS.has(backend.node)) this.offSinceS.set(backend.node, this.sim.nowS);
      since = Math.min(since, this.offSinceS.get(backend.node)!);
    }
    const poll = this.timers.healthPollS;
    return Math.ceil(since / poll - 1e-9) * poll;
  }

  state(backend: ZstorBackend): HealthState {
    const since = this.downSinceS(backend);
    if (since === null) return backend.freeBytes < this.timers.lowSpaceBytes ? 'lowSpace' : 'healthy';
    // Before the first poll sees it, the backend still looks healthy to zstor.
    if (this.sim.nowS < since) return 'healthy';
    return this.sim.nowS - since >= this.timers.unreachableAfterS ? 'unreachable' : 'unknown';
  }

  /** Writable: Healthy, and room for this shard. */
  writable(backend: ZstorBackend, shardBytes: number): boolean {
    return this.state(backend) === 'healthy' && backend.freeBytes >= shardBytes;
  }
}

/** Waits for an IO without letting its failure stop the run: true if it succeeded. */
export function settled<T>(sim: Simulation, io: SimEvent<T>): SimEvent<boolean> {
  const done = sim.event<boolean>();
  io.onProcessed((ev) => {
    if (!ev.ok) ev.defused = true;
    done.succeed(ev.ok);
  });
  return done;
}
