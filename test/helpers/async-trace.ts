// A workload of thousands of async callers (written the way workers are) sharing a disk pool,
// mixed with a generator process; it returns the hash of its event trace.
import { Simulation } from '../../sim/engine/simulation.js';
import { Resource } from '../../sim/engine/resources.js';
import { RngStreams } from '../../sim/engine/rng.js';
import { Trace } from '../../sim/engine/trace.js';
import type { ProcessGenerator } from '../../sim/engine/process.js';

export const asyncCallers = 3000;
export const chaosTicks = 200;

async function caller(sim: Simulation, disks: Resource, rngs: RngStreams, id: number, trace: Trace): Promise<void> {
  const rng = rngs.stream(`caller-${id}`);
  for (let op = 0; op < 3; op++) {
    await sim.sleep(rng.next() * 10);
    const slot = disks.request();
    await slot;
    trace.record(sim.nowS, `c${id} got disk op${op}`);
    // A zero-delay wait and a plain promise chain: their continuations must still run in order.
    await sim.sleep(0);
    await Promise.resolve().then(() => trace.record(sim.nowS, `c${id} chained op${op}`));
    await sim.sleep(rng.next() * 0.01);
    disks.release(slot);
  }
  trace.record(sim.nowS, `c${id} done`);
}

function* ticker(sim: Simulation, rngs: RngStreams, trace: Trace): ProcessGenerator<void> {
  const rng = rngs.stream('ticker');
  for (let i = 0; i < chaosTicks; i++) {
    yield rng.next() * 0.2;
    trace.record(sim.nowS, `tick ${i}`);
  }
}

export async function runAsyncTrace(seed: string): Promise<{ hash: string; count: number; endS: number }> {
  const sim = new Simulation();
  const rngs = new RngStreams(seed);
  const disks = new Resource(sim, 8);
  const trace = new Trace();
  const done: Promise<void>[] = [];
  for (let id = 0; id < asyncCallers; id++) done.push(caller(sim, disks, rngs, id, trace));
  sim.process(ticker(sim, rngs, trace));
  await sim.runAsync();
  await Promise.all(done);
  return { hash: trace.hash(), count: trace.count, endS: sim.nowS };
}
