// A hard disk: per actuator, seek(distance) + rotational wait + transfer, with shortest-positioning-
// time-first among queued IOs. Leaves out: zoned rates (ID slower than OD), write caching, aging.

import type { SimEvent } from '../engine/events.js';
import type { ProcessGenerator } from '../engine/process.js';
import type { HddProfile } from './profiles.js';
import { StorageDevice, type Io, type StorageDeviceOptions } from './storage-device.js';

/** A wait within this share of a revolution of zero is zero: float noise must not cost a turn. */
const angleEpsilon = 1e-9;

interface Queued {
  readonly io: Io;
  readonly localBytes: number;
  readonly done: SimEvent<void>;
}

/** One head assembly; it serves LBAs [baseBytes, baseBytes + spanBytes) over the full stroke. */
interface Actuator {
  readonly baseBytes: number;
  /** Where the head is, as an offset into this actuator's LBA span. */
  headBytes: number;
  busy: boolean;
  readonly queue: Queued[];
}

/** Sums over completed IOs, for checks of the mechanics (mean seek, mean rotational wait). */
export interface HddStats {
  ios: number;
  seekS: number;
  rotationS: number;
  transferS: number;
}

/** What follows from a profile alone, computed once per profile rather than once per drive. */
interface Geometry {
  readonly revolutionS: number;
  readonly actuatorBytesPerS: number;
  readonly actuatorSpanBytes: number;
  readonly trackBytes: number;
  readonly seekA: number;
  readonly seekB: number;
  readonly seekC: number;
}

const geometries = new WeakMap<HddProfile, Geometry>();

function geometryOf(profile: HddProfile): Geometry {
  let g = geometries.get(profile);
  if (g === undefined) {
    const revolutionS = 60 / profile.rpm;
    const actuatorBytesPerS = profile.sustainedBytesPerS / profile.actuators;
    // seek(x) = a + b·√x + c·x over the stroke fraction x (short seeks ∝ √x, long ones linear).
    // a is the track-to-track time; b and c make seek(1) the full stroke and the mean over
    // uniform random start and end (E[√x] = 8/15, E[x] = 1/3) the average seek.
    const span = profile.fullStrokeSeekS - profile.trackToTrackSeekS;
    const seekB = 5 * (profile.avgSeekS - profile.trackToTrackSeekS - span / 3);
    g = {
      revolutionS,
      actuatorBytesPerS,
      actuatorSpanBytes: Math.ceil(profile.capacityBytes / profile.actuators),
      trackBytes: actuatorBytesPerS * revolutionS,
      seekA: profile.trackToTrackSeekS,
      seekB,
      seekC: span - seekB,
    };
    geometries.set(profile, g);
  }
  return g;
}

export class Hdd extends StorageDevice {
  private readonly geometry: Geometry;
  /** The head assemblies and their queues, made on the first IO (most drives of a grid see none). */
  private heads: Actuator[] | undefined;
  private counters: HddStats | undefined;

  constructor(
    readonly profile: HddProfile,
    options: StorageDeviceOptions,
  ) {
    super(options, profile.name, profile.capacityBytes, profile.afr);
    this.geometry = geometryOf(profile);
  }

  get stats(): HddStats {
    return (this.counters ??= { ios: 0, seekS: 0, rotationS: 0, transferS: 0 });
  }

  get revolutionS(): number {
    return this.geometry.revolutionS;
  }

  /** Each actuator streams at its share of the drive's sustained rate. */
  get actuatorBytesPerS(): number {
    return this.geometry.actuatorBytesPerS;
  }

  get actuatorSpanBytes(): number {
    return this.geometry.actuatorSpanBytes;
  }

  /** Bytes passing under a head in one revolution; an LBA's angle is its place within its track. */
  get trackBytes(): number {
    return this.geometry.trackBytes;
  }

  private get actuators(): Actuator[] {
    if (this.heads === undefined) {
      this.heads = [];
      for (let i = 0; i < this.profile.actuators; i++) this.heads.push({ baseBytes: i * this.actuatorSpanBytes, headBytes: 0, busy: false, queue: [] });
    }
    return this.heads;
  }

  seekTimeS(fromBytes: number, toBytes: number): number {
    const distanceBytes = Math.abs(toBytes - fromBytes);
    // Within a track or onto the next one, track skew hides the head switch.
    if (distanceBytes < this.trackBytes) return 0;
    const x = Math.min(1, distanceBytes / this.actuatorSpanBytes);
    const { seekA, seekB, seekC } = this.geometry;
    return seekA + seekB * Math.sqrt(x) + seekC * x;
  }

  protected *serve(io: Io): ProcessGenerator<void> {
    const actuator = this.actuators[Math.min(Math.floor(io.offsetBytes / this.actuatorSpanBytes), this.actuators.length - 1)]!;
    const done = this.sim.event<void>();
    actuator.queue.push({ io, localBytes: io.offsetBytes - actuator.baseBytes, done });
    if (!actuator.busy) this.dispatch(actuator);
    yield done;
  }

  protected override onFailed(): void {
    for (const actuator of this.heads ?? []) actuator.queue.length = 0;
  }

  /** Starts the queued IO that the head reaches first (SPTF); ties go to the earliest arrival. */
  private dispatch(actuator: Actuator): void {
    actuator.busy = false;
    if (this.failed || actuator.queue.length === 0) return;
    let best = 0;
    let bestSeekS = 0;
    let bestPositioningS = Infinity;
    for (let i = 0; i < actuator.queue.length; i++) {
      const target = actuator.queue[i]!.localBytes;
      const seekS = this.seekTimeS(actuator.headBytes, target);
      const positioningS = seekS + this.rotationalWaitS(this.sim.nowS + seekS, target);
      if (positioningS < bestPositioningS) {
        best = i;
        bestSeekS = seekS;
        bestPositioningS = positioningS;
      }
    }
    const chosen = actuator.queue.splice(best, 1)[0]!;
    const transferS = chosen.io.sizeBytes / this.actuatorBytesPerS;
    actuator.busy = true;
    this.sim.schedule(bestPositioningS + transferS, () => {
      if (this.failed) return;
      actuator.headBytes = chosen.localBytes + chosen.io.sizeBytes;
      this.stats.ios++;
      this.stats.seekS += bestSeekS;
      this.stats.rotationS += bestPositioningS - bestSeekS;
      this.stats.transferS += transferS;
      chosen.done.succeed();
      this.dispatch(actuator);
    });
  }

  /** Time until `localBytes` turns under the head, if the head is on its track at `atS`. */
  private rotationalWaitS(atS: number, localBytes: number): number {
    const platter = (atS / this.revolutionS) % 1;
    const target = (localBytes % this.trackBytes) / this.trackBytes;
    let turn = target - platter;
    if (turn < 0) turn += 1;
    if (turn < angleEpsilon || turn > 1 - angleEpsilon) turn = 0;
    return turn * this.revolutionS;
  }
}
