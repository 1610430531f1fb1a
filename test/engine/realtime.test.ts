import test from 'ava';
import { Simulation } from '../../sim/engine/simulation.js';
import { RealtimeRunner, WallClock } from '../../sim/engine/realtime.js';
import { fakeWall } from '../helpers/fake-wall.js';

test('virtual time follows wall time × factor', async (t) => {
  const sim = new Simulation();
  const wall = fakeWall();
  const runner = new RealtimeRunner(sim, 10, wall);
  const seen: Array<[number, number]> = [];
  for (const atS of [0.5, 1, 2.5]) sim.schedule(atS, () => seen.push([sim.nowS, wall.ms]));
  await runner.run(3);
  t.is(sim.nowS, 3);
  // Each event runs once the wall has reached (virtual time / factor); never before.
  for (const [virtualS, wallMs] of seen) t.true(wallMs >= (virtualS / 10) * 1000, `${virtualS} s ran at ${wallMs} ms`);
  t.deepEqual(seen.map(([v]) => v), [0.5, 1, 2.5]);
  t.true(wall.ms >= 300 && wall.ms < 300 + 251);
});

test('injected work runs at the wall-derived now, and stop() ends the run', async (t) => {
  const sim = new Simulation();
  const runner = new RealtimeRunner(sim, 1000);
  const seen: number[] = [];
  const run = runner.run();
  setTimeout(() => runner.inject(() => seen.push(sim.nowS)), 20);
  setTimeout(() => runner.stop(), 60);
  await run;
  t.is(seen.length, 1);
  // 20 ms of wall time at ×1000 is about 20 virtual seconds; it cannot be earlier.
  t.true(seen[0]! >= 19, `injected at ${seen[0]} s`);
});

test('the wall clock advances and sleeps in seconds', async (t) => {
  const clock = new WallClock();
  const before = clock.nowS;
  await clock.sleep(0.02);
  t.true(clock.nowS - before >= 0.015);
});
