// An SSD as engine Resources: command latency, an IOPS-capping controller, NAND units, a link per direction,
// a write-back buffer, wear by WA/TBW. Leaves out GC/erase time, SLC-cache exhaustion, bus contention, throttling.

import { Container } from '../engine/container.js';
import type { ProcessGenerator } from '../engine/process.js';
import { Resource } from '../engine/resources.js';
import type { SsdProfile } from './profiles.js';
import { StorageDevice, type Io, type StorageDeviceOptions } from './storage-device.js';

export interface SsdOptions extends StorageDeviceOptions {
  /** Overrides the profile's write amplification (a random-write-heavy workload wears faster). */
  readonly writeAmplification?: number;
}

interface SsdQueues {
  /** One server: its per-IO time 1/maxIops is the firmware cost that caps small-block IOPS. */
  readonly controller: Resource;
  /** PCIe / SATA transfer, one per direction: big blocks are bound by the sequential rates. */
  readonly readLink: Resource;
  readonly writeLink: Resource;
  /** Independently busy NAND units: each holds one read or program at a time, made on first use. */
  readonly units: (Resource | undefined)[];
  /** Acknowledged bytes not yet programmed; a full buffer makes writes wait for NAND. */
  readonly buffer: Container;
}

export class Ssd extends StorageDevice {
  readonly writeAmplification: number;
  hostBytesWritten = 0;
  /** Host bytes × write amplification, counted as the buffer drains to NAND. */
  nandBytesWritten = 0;
  /**
   * The controller, links, NAND units and buffer, made on the first IO: a grid holds many SSD models
   * that only ever hold vdisks' extents and fail, never serve an IO.
   */
  private queues: SsdQueues | undefined;
  private nextProgramUnit = 0;

  constructor(
    readonly profile: SsdProfile,
    options: SsdOptions,
  ) {
    super(options, profile.name, profile.capacityBytes, profile.afr);
    this.writeAmplification = options.writeAmplification ?? profile.writeAmplification;
  }

  private get q(): SsdQueues {
    return (this.queues ??= {
      controller: new Resource(this.sim, 1),
      readLink: new Resource(this.sim, 1),
      writeLink: new Resource(this.sim, 1),
      units: new Array<Resource | undefined>(this.profile.channels * this.profile.diesPerChannel * this.profile.planesPerDie),
      buffer: new Container(this.sim, this.profile.writeBufferBytes),
    });
  }

  /** Share of the endurance budget used; the device wears out at 1 (see hardware-profiles/README.md). */
  get wearFraction(): number {
    return this.nandBytesWritten / this.profile.tbwBytes;
  }

  protected *serve(io: Io): ProcessGenerator<void> {
    const p = this.profile;
    // Submission, doorbell, completion and interrupt overlap between commands: a pure delay.
    yield p.commandLatencyS;
    yield* hold(this.q.controller, 1 / (io.kind === 'read' ? p.maxReadIops : p.maxWriteIops));
    if (io.kind === 'read') {
      yield* this.readPages(io);
      yield* hold(this.q.readLink, io.sizeBytes / p.seqReadBytesPerS);
    } else {
      yield* hold(this.q.writeLink, io.sizeBytes / p.seqWriteBytesPerS);
      yield* this.bufferWrite(io);
    }
  }

  /**
   * Pages are striped over the units in LBA order, as an FTL lays out sequentially written data:
   * a sequential read spreads over all units, random reads collide on units at random.
   */
  private *readPages(io: Io): ProcessGenerator<void> {
    const { pageBytes, readLatencyS } = this.profile;
    const first = Math.floor(io.offsetBytes / pageBytes);
    const last = Math.floor((io.offsetBytes + io.sizeBytes - 1) / pageBytes);
    if (first === last) {
      yield* hold(this.unitOf(first), readLatencyS);
      return;
    }
    const pages = [];
    for (let page = first; page <= last; page++) pages.push(this.spawn(hold(this.unitOf(page), readLatencyS), `${this.name}:page`));
    yield this.sim.allOf(pages);
  }

  /** A write is acknowledged once all its bytes sit in the buffer; programming follows behind. */
  private *bufferWrite(io: Io): ProcessGenerator<void> {
    const { pageBytes } = this.profile;
    this.hostBytesWritten += io.sizeBytes;
    for (let at = io.offsetBytes, end = io.offsetBytes + io.sizeBytes; at < end; ) {
      const chunkBytes = Math.min(end, (Math.floor(at / pageBytes) + 1) * pageBytes) - at;
      yield this.q.buffer.put(chunkBytes);
      this.spawn(this.program(chunkBytes), `${this.name}:program`);
      at += chunkBytes;
    }
  }

  /**
   * The FTL appends to whichever unit is next in turn (log-structured). A partial page costs its
   * share of a program because the buffer combines small writes into full pages.
   */
  private *program(chunkBytes: number): ProcessGenerator<void> {
    const p = this.profile;
    const unit = this.unit(this.nextProgramUnit);
    this.nextProgramUnit = (this.nextProgramUnit + 1) % this.q.units.length;
    yield* hold(unit, (p.programLatencyS * chunkBytes) / p.pageBytes);
    this.q.buffer.get(chunkBytes); // the bytes are there: they were put before this program started
    this.nandBytesWritten += chunkBytes * this.writeAmplification;
    if (this.wearFraction >= 1) this.fail('wear');
  }

  private unitOf(page: number): Resource {
    return this.unit(page % this.q.units.length);
  }

  private unit(index: number): Resource {
    return (this.q.units[index] ??= new Resource(this.sim, 1));
  }
}

/** Holds one server of `resource` for `durationS`; an interrupt releases it on the way out. */
function* hold(resource: Resource, durationS: number): ProcessGenerator<void> {
  const request = resource.request();
  try {
    yield request;
    yield durationS;
  } finally {
    resource.release(request);
  }
}
