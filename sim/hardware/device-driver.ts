// A closed-loop load generator in the manner of fio: Q IOs outstanding, each replaced as it completes,
// warm-up then measurement. Leaves out open-loop arrivals, mixed read/write and think time.

import { percentile } from '../engine/stats.js';
import type { ProcessGenerator } from '../engine/process.js';
import type { Rng } from '../engine/rng.js';
import { SimulationError } from '../errors.js';
import type { IoKind, StorageDevice } from './storage-device.js';

export const WORKLOADS = ['randread', 'randwrite', 'seqread', 'seqwrite'] as const;
export type Workload = (typeof WORKLOADS)[number];

export interface ClosedLoopOptions {
  readonly workload: Workload;
  readonly blockBytes: number;
  readonly queueDepth: number;
  /** Draws the offsets of random workloads. */
  readonly rng: Rng;
  /** IOs completed before measuring starts, so queues and buffers reach their steady state. */
  readonly warmupIos: number;
  readonly measureIos: number;
  /**
   * Sequential workloads split the device into this many equal regions with one cursor each and
   * take them in turn (default 1); a dual-actuator disk needs 2 to stream from both halves.
   */
  readonly streams?: number;
}

export interface DeviceMeasurement {
  readonly ios: number;
  readonly durationS: number;
  readonly iops: number;
  readonly bandwidthBytesPerS: number;
  readonly latencyUs: { readonly mean: number; readonly p50: number; readonly p99: number };
}

/**
 * Runs the device's simulation until `warmupIos + measureIos` IOs have completed and measures the
 * second part. The simulation must not be running; it is stopped when the measurement ends.
 */
export function runClosedLoop(device: StorageDevice, options: ClosedLoopOptions): DeviceMeasurement {
  const { workload, blockBytes, queueDepth, rng, warmupIos, measureIos } = options;
  const streams = options.streams ?? 1;
  if (!(Number.isSafeInteger(queueDepth) && queueDepth >= 1 && Number.isSafeInteger(measureIos) && measureIos >= 1 && warmupIos >= 0)) {
    throw new SimulationError(`closed loop: bad queueDepth ${queueDepth} / measureIos ${measureIos} / warmupIos ${warmupIos}`);
  }
  const blocks = Math.floor(device.capacityBytes / blockBytes);
  const regionBlocks = Math.floor(blocks / streams);
  if (!(blockBytes > 0 && regionBlocks >= 1)) throw new SimulationError(`closed loop: ${blockBytes}-byte blocks do not fit ${streams} regions of ${device.name}`);
  const kind: IoKind = workload.endsWith('read') ? 'read' : 'write';
  const sequential = workload.startsWith('seq');
  const cursors = Array.from({ length: streams }, () => 0);
  let issued = 0;

  const nextOffset = (): number => {
    if (!sequential) return rng.int(0, blocks) * blockBytes;
    const stream = issued % streams;
    const block = stream * regionBlocks + cursors[stream]!;
    cursors[stream] = (cursors[stream]! + 1) % regionBlocks;
    return block * blockBytes;
  };

  const sim = device.sim;
  const latenciesS = new Float64Array(measureIos);
  let completed = 0;
  let measured = 0;
  let startS = NaN;
  let endS = NaN;
  let error: unknown = undefined;

  function* slot(): ProcessGenerator<void> {
    while (measured < measureIos) {
      const offset = nextOffset();
      issued++;
      let latencyS: number;
      try {
        latencyS = yield kind === 'read' ? device.read(offset, blockBytes) : device.write(offset, blockBytes);
      } catch (failure) {
        error ??= failure;
        sim.stop();
        return;
      }
      completed++;
      if (completed === warmupIos) startS = sim.nowS;
      if (completed <= warmupIos || measured >= measureIos) continue;
      latenciesS[measured++] = latencyS;
      if (measured === measureIos) {
        endS = sim.nowS;
        sim.stop(); // the device may hold far-future events (an armed failure)
      }
    }
  }

  if (warmupIos === 0) startS = sim.nowS;
  for (let i = 0; i < queueDepth; i++) sim.process(slot(), `load-${i}`);
  sim.run();
  if (error !== undefined) throw error;
  if (measured < measureIos) throw new SimulationError(`closed loop on ${device.name}: simulation ended after ${measured} of ${measureIos} IOs`);

  const durationS = endS - startS;
  const sorted = latenciesS.slice().sort();
  let sumS = 0;
  for (const l of sorted) sumS += l;
  const iops = measureIos / durationS;
  return {
    ios: measureIos,
    durationS,
    iops,
    bandwidthBytesPerS: iops * blockBytes,
    latencyUs: { mean: (sumS / measureIos) * 1e6, p50: percentile(sorted, 0.5) * 1e6, p99: percentile(sorted, 0.99) * 1e6 },
  };
}

