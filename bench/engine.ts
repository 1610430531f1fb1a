// `bench engine`: the hold model with 10,000 pending events on our engine against a bare
// typed-array heap doing the same work, measured in the same process, rounds interleaved.

import v8 from 'node:v8';
import vm from 'node:vm';
import { Args } from '../cli/args.js';
import { benchMain } from './bench-main.js';
import { bytesPerPendingEvent, holdOnBareHeap, holdOnEngine, type HoldResult } from './hold-model.js';

export interface EngineBench {
  engineEventsPerS: number;
  bareHeapEventsPerS: number;
  ratio: number;
  pendingEvents: number;
  events: number;
  rounds: number;
  bytesPerPendingEvent: number;
}

function median(results: HoldResult[]): number {
  const rates = results.map((r) => r.eventsPerS).sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)]!;
}

export function benchEngine(pending: number, events: number, rounds: number): EngineBench {
  // Warm both up so the JIT has compiled the hot loops before anything is timed.
  holdOnEngine(pending, events / 10, 'warm-up');
  holdOnBareHeap(pending, events / 10, 'warm-up');
  const engine: HoldResult[] = [];
  const bare: HoldResult[] = [];
  for (let round = 0; round < rounds; round++) {
    // Interleaved, so a burst of load on the machine hits both sides alike.
    engine.push(holdOnEngine(pending, events, `round-${round}`));
    bare.push(holdOnBareHeap(pending, events, `round-${round}`));
    if (engine[round]!.checksum !== bare[round]!.checksum) throw new Error('the two hold runs did different work');
  }
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const engineEventsPerS = median(engine);
  const bareHeapEventsPerS = median(bare);
  return {
    engineEventsPerS: Math.round(engineEventsPerS),
    bareHeapEventsPerS: Math.round(bareHeapEventsPerS),
    ratio: Number((engineEventsPerS / bareHeapEventsPerS).toFixed(3)),
    pendingEvents: pending,
    events,
    rounds,
    bytesPerPendingEvent: Number(bytesPerPendingEvent(1_000_000, gc).toFixed(1)),
  };
}

await benchMain('engine', {
  run(args: Args) {
    const pending = args.number('pending', { min: 1, max: 1e7, integer: true, default: 10_000 });
    const events = args.number('events', { min: 1000, max: 1e9, integer: true, default: 3_000_000 });
    const rounds = args.number('rounds', { min: 1, max: 99, integer: true, default: 5 });
    const r = benchEngine(pending, events, rounds);
    const human = [
      `hold model, ${r.pendingEvents} pending events, ${r.events} events × ${r.rounds} rounds (median)`,
      `  engine     ${(r.engineEventsPerS / 1e6).toFixed(2)} M events/s`,
      `  bare heap  ${(r.bareHeapEventsPerS / 1e6).toFixed(2)} M events/s (reference, same run)`,
      `  ratio      ${r.ratio}`,
      `  memory     ${r.bytesPerPendingEvent} bytes per pending event`,
    ].join('\n');
    return { document: r, human };
  },
});
