// A zmount or volume's bytes on one SSD pool: a fully allocated vdisk whose reads and writes at
// offsets become IO on the SSD model. Leaves out the filesystem inside (btrfs/ext4), caching and TRIM.

import type { SimEvent } from '../engine/events.js';
import type { Simulation } from '../engine/simulation.js';
import { InputError, SimulationError } from '../errors.js';
import type { Ssd } from '../hardware/ssd.js';
import type { Extent } from './extent-allocator.js';

export type VirtualDiskKind = 'zmount' | 'volume';

export class VirtualDisk {
  /** Set by the zmachine manager while a running VM has the disk attached; blocks a zmount grow. */
  isMounted = false;
  private extentList: Extent[];

  constructor(
    readonly sim: Simulation,
    /** The global workload id `<twin>-<contract>-<name>`; zos calls it the volume id. */
    readonly id: string,
    readonly kind: VirtualDiskKind,
    readonly node: number,
    readonly pool: number,
    readonly ssd: Ssd,
    extents: readonly Extent[],
  ) {
    this.extentList = [...extents];
  }

  get sizeBytes(): number {
    let sum = 0;
    for (const extent of this.extentList) sum += extent.sizeBytes;
    return sum;
  }

  get extents(): readonly Extent[] {
    return this.extentList;
  }

  /** True once the SSD under it has failed: the vdisk file is gone (single-disk pools, DOMAIN 5.1). */
  get lost(): boolean {
    return this.ssd.failed;
  }

  /** Internal (the managers): a grow appends extents; data already written keeps its place. */
  extend(extents: readonly Extent[]): void {
    this.extentList.push(...extents);
  }

  /** Succeeds with the latency in seconds, or fails with the SSD's DeviceFailedError. */
  read(offsetBytes: number, sizeBytes: number): SimEvent<number> {
    return this.io('read', offsetBytes, sizeBytes);
  }

  write(offsetBytes: number, sizeBytes: number): SimEvent<number> {
    return this.io('write', offsetBytes, sizeBytes);
  }

  private io(kind: 'read' | 'write', offsetBytes: number, sizeBytes: number): SimEvent<number> {
    if (!(Number.isSafeInteger(offsetBytes) && Number.isSafeInteger(sizeBytes) && offsetBytes >= 0 && sizeBytes > 0)) {
      throw new SimulationError(`${this.id}: ${kind} of ${sizeBytes} bytes at ${offsetBytes}`);
    }
    if (offsetBytes + sizeBytes > this.sizeBytes) {
      // A guest asking past the end of its disk gets EINVAL; for callers it is bad input, not a bug.
      return this.sim.event<number>().fail(new InputError(this.id, 'offsetBytes', `${kind} of ${sizeBytes} bytes at ${offsetBytes} is past the end (${this.sizeBytes} bytes)`));
    }
    // An IO that spans extents becomes one device IO per piece, issued together.
    const pieces: SimEvent<number>[] = [];
    let at = offsetBytes;
    let left = sizeBytes;
    let base = 0;
    for (const extent of this.extentList) {
      if (left === 0) break;
      if (at < base + extent.sizeBytes) {
        const inside = at - base;
        const take = Math.min(left, extent.sizeBytes - inside);
        const deviceOffset = extent.offsetBytes + inside;
        pieces.push(kind === 'read' ? this.ssd.read(deviceOffset, take) : this.ssd.write(deviceOffset, take));
        at += take;
        left -= take;
      }
      base += extent.sizeBytes;
    }
    if (pieces.length === 1) return pieces[0]!;
    const startS = this.sim.nowS;
    const done = this.sim.event<number>();
    this.sim.allOf(pieces).onProcessed((event) => {
      if (event.ok) done.succeed(this.sim.nowS - startS);
      else {
        event.defused = true;
        done.fail(event.error);
      }
    });
    return done;
  }
}
