import test from 'ava';
import { Simulation } from '../../sim/engine/simulation.js';
import { WallPacedClock } from '../../sim/engine/realtime.js';
import { fakeWall } from '../helpers/fake-wall.js';

test('each event waits until its virtual second is due on the wall, never earlier', async (t) => {
  const wall = fakeWall();
  const clock = new WallPacedClock(new Simulation(), wall);
  const seen: Array<[number, number]> = [];
  for (const atS of [0.2, 1, 3.5]) clock.schedule(atS, () => seen.push([clock.nowS, wall.ms]));
  await clock.runAsync();
  t.deepEqual(seen.map(([s]) => s), [0.2, 1, 3.5]);
  for (const [s, ms] of seen) t.true(ms >= s * 1000 && ms < s * 1000 + 251, `${s} s ran at ${ms} ms`);
});

test('the barrier holds the clock first; the wall wait follows it', async (t) => {
  const wall = fakeWall();
  const clock = new WallPacedClock(new Simulation(), wall);
  const order: string[] = [];
  clock.schedule(0.5, () => order.push(`event at ${wall.ms} ms`));
  let held = true;
  await clock.runAsync({
    barrier: () => {
      if (!held) return undefined;
      held = false;
      return Promise.resolve().then(() => void order.push('barrier released'));
    },
  });
  t.deepEqual(order, ['barrier released', 'event at 500 ms']);
});

test('on the real wall: work scheduled while the clock sleeps for a later event runs at once, and stop() ends the run', async (t) => {
  const clock = new WallPacedClock(new Simulation());
  const ranAtMs: number[] = [];
  const started = performance.now();
  clock.schedule(30, () => t.fail('an event 30 s away must not run'));
  const run = clock.runAsync();
  setTimeout(() => clock.schedule(0, () => ranAtMs.push(performance.now() - started)), 20);
  setTimeout(() => clock.stop(), 120);
  await run;
  t.is(ranAtMs.length, 1);
  // Woken by the schedule, not by the 250 ms sleep cap.
  t.true(ranAtMs[0]! < 200, `ran after ${ranAtMs[0]} ms`);
});
