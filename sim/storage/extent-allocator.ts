// Byte ranges of one device handed out to vdisks: first fit over a sorted free list, splitting a
// request over several holes when no single one fits. Leaves out alignment and on-disk metadata.

import { SimulationError } from '../errors.js';

export interface Extent {
  readonly offsetBytes: number;
  readonly sizeBytes: number;
}

export class ExtentAllocator {
  /** Sorted by offset, never adjacent (coalesced on free). */
  private holes: Extent[];

  constructor(readonly capacityBytes: number) {
    this.holes = capacityBytes > 0 ? [{ offsetBytes: 0, sizeBytes: capacityBytes }] : [];
  }

  get freeBytes(): number {
    let sum = 0;
    for (const hole of this.holes) sum += hole.sizeBytes;
    return sum;
  }

  /**
   * Extents covering `bytes`, or null if the device has less free space. Splitting over holes
   * means fragmentation never refuses what the grid's byte count admitted.
   */
  allocate(bytes: number): Extent[] | null {
    if (!(Number.isSafeInteger(bytes) && bytes > 0)) throw new SimulationError(`allocate ${bytes} bytes`);
    if (bytes > this.freeBytes) return null;
    const taken: Extent[] = [];
    let left = bytes;
    const rest: Extent[] = [];
    for (const hole of this.holes) {
      if (left === 0) {
        rest.push(hole);
        continue;
      }
      const use = Math.min(left, hole.sizeBytes);
      taken.push({ offsetBytes: hole.offsetBytes, sizeBytes: use });
      left -= use;
      if (use < hole.sizeBytes) rest.push({ offsetBytes: hole.offsetBytes + use, sizeBytes: hole.sizeBytes - use });
    }
    this.holes = rest;
    return taken;
  }

  free(extents: readonly Extent[]): void {
    const all = [...this.holes, ...extents].sort((a, b) => a.offsetBytes - b.offsetBytes);
    const merged: Extent[] = [];
    for (const extent of all) {
      const previous = merged[merged.length - 1];
      if (previous !== undefined && previous.offsetBytes + previous.sizeBytes > extent.offsetBytes) {
        throw new SimulationError(`extent at ${extent.offsetBytes} freed twice`);
      }
      if (previous !== undefined && previous.offsetBytes + previous.sizeBytes === extent.offsetBytes) {
        merged[merged.length - 1] = { offsetBytes: previous.offsetBytes, sizeBytes: previous.sizeBytes + extent.sizeBytes };
      } else merged.push(extent);
    }
    this.holes = merged;
  }
}
