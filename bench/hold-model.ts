// The classic hold model (Vaucher & Duval): N pending events; each processed event schedules one
// more at now + Exp(1). Run once on the engine and once on a bare typed-array heap, same samples.

import seedrandom from 'seedrandom';
import { Simulation } from '../sim/engine/simulation.js';

export interface HoldResult {
  events: number;
  seconds: number;
  eventsPerS: number;
  /** Sum of event times, so the two runs can be checked to have done the same work. */
  checksum: number;
}

function sampler(seed: string): () => number {
  const u = seedrandom.alea(seed);
  return () => -Math.log(1 - u());
}

/** The engine: every event is a scheduled callback that schedules the next one. */
export function holdOnEngine(pending: number, events: number, seed: string): HoldResult {
  const sim = new Simulation();
  const exp = sampler(seed);
  let checksum = 0;
  const hold = (): void => {
    checksum += sim.nowS;
    sim.schedule(exp(), hold);
  };
  for (let i = 0; i < pending; i++) sim.schedule(exp(), hold);
  const started = performance.now();
  sim.run({ maxEvents: events });
  const seconds = (performance.now() - started) / 1000;
  return { events, seconds, eventsPerS: events / seconds, checksum };
}

/** The reference: a minimal binary heap of times in one Float64Array, nothing else. */
export function holdOnBareHeap(pending: number, events: number, seed: string): HoldResult {
  const exp = sampler(seed);
  const heap = new Float64Array(pending + 1);
  let size = 0;
  const push = (t: number): void => {
    let hole = size++;
    while (hole > 0) {
      const parent = (hole - 1) >> 1;
      if (heap[parent]! <= t) break;
      heap[hole] = heap[parent]!;
      hole = parent;
    }
    heap[hole] = t;
  };
  const pop = (): number => {
    const top = heap[0]!;
    const t = heap[--size]!;
    let hole = 0;
    const half = size >> 1;
    while (hole < half) {
      let child = 2 * hole + 1;
      if (child + 1 < size && heap[child + 1]! < heap[child]!) child++;
      if (t <= heap[child]!) break;
      heap[hole] = heap[child]!;
      hole = child;
    }
    heap[hole] = t;
    return top;
  };
  for (let i = 0; i < pending; i++) push(exp());
  let checksum = 0;
  const started = performance.now();
  for (let i = 0; i < events; i++) {
    const now = pop();
    checksum += now;
    push(now + exp());
  }
  const seconds = (performance.now() - started) / 1000;
  return { events, seconds, eventsPerS: events / seconds, checksum };
}

/** Bytes per pending event on the engine, from the heap growth while `count` events are pending. */
export function bytesPerPendingEvent(count: number, gc: (() => void) | undefined): number {
  gc?.();
  const before = memory();
  const sim = new Simulation();
  const noop = (): void => {};
  for (let i = 0; i < count; i++) sim.schedule(i, noop);
  gc?.();
  const after = memory();
  if (sim.pendingCount !== count) throw new Error('pending count mismatch');
  return (after - before) / count;
}

function memory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}
