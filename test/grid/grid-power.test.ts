// Power and uptime: status after a crash or a farmer power-off, the frozen 40-min report phase,
// listener notifications, and the FailureModel wiring. Leaves out what listeners do (provision engine).

import test from 'ava';
import { exponentialFromMean } from '../../sim/engine/distributions.js';
import { RngStreams } from '../../sim/engine/rng.js';
import { exponentialFromAfr } from '../../sim/hardware/failures.js';
import { attachFailures } from '../../sim/grid/node-failures.js';
import { lastReportS } from '../../sim/grid/uptime.js';
import { H, MIN, oneFarm, setup } from './grid-helpers.js';

const spec = oneFarm([{ template: 'diy-small', count: 3 }]);

test('a crashed node stays up 80 min after its last report, then goes down', (t) => {
  const { grid } = setup(spec);
  t.true(grid.isOn(0));
  grid.crash(0); // at 0: booted and reported at 0
  t.false(grid.isOn(0));
  t.is(grid.status(0, 0), 'up');
  t.is(grid.status(0, 79 * MIN), 'up');
  t.is(grid.status(0, 80 * MIN), 'up');
  t.is(grid.status(0, 81 * MIN), 'down');
  t.is(grid.status(1, 1000 * H), 'up'); // a node left on keeps reporting
});

test('the last report is frozen at the last 40-min mark before the node went off', (t) => {
  const { sim, grid } = setup(spec);
  sim.run({ untilS: 50 * MIN });
  t.is(lastReportS(grid.table, 0, 50 * MIN), 40 * MIN);
  t.is(lastReportS(grid.table, 0, 81 * MIN), 80 * MIN); // still on: reports go on
  grid.crash(0);
  t.is(lastReportS(grid.table, 0, 500 * MIN), 40 * MIN);
  t.is(grid.status(0, 120 * MIN), 'up');
  t.is(grid.status(0, 121 * MIN), 'down'); // 81 min after the 40-min report, 71 after the crash
});

test('a farmer power-off is standby for 24 h after the last report, then down', (t) => {
  const { grid } = setup(spec);
  grid.powerOff(0);
  t.is(grid.status(0, 0), 'standby');
  t.is(grid.status(0, 81 * MIN), 'standby');
  t.is(grid.status(0, 24 * H), 'standby');
  t.is(grid.status(0, 24 * H + 1), 'down');
});

test('power events reach listeners: off, on, reboot; no-ops are silent; repair boots only a wanted node', (t) => {
  const { sim, grid } = setup(spec);
  const events: string[] = [];
  grid.onPower((node, event) => events.push(`${sim.nowS} ${node} ${event}`));
  sim.run({ untilS: 10 });
  grid.reboot(0);
  t.is(grid.table.bootS[0], 10);
  grid.powerOff(1);
  grid.powerOff(1);
  grid.reboot(1); // off: nothing to restart
  sim.run({ untilS: 20 });
  grid.powerOn(1);
  grid.powerOn(1);
  grid.crash(2);
  grid.powerOff(2); // already off by the crash: no event
  grid.repair(2); // the farmer wants it down: it stays off
  t.false(grid.isOn(2));
  grid.powerOn(2);
  t.deepEqual(events, ['10 0 reboot', '10 1 off', '20 1 on', '20 2 off', '20 2 on']);
  t.is(grid.status(1, 20 + 79 * MIN), 'up'); // booted at 20 s, reporting since
});

test('a crash of a node that is asked to power on boots it only on repair', (t) => {
  const { grid } = setup(spec);
  const events: string[] = [];
  grid.onPower((node, event) => events.push(`${node} ${event}`));
  grid.powerOff(0);
  grid.crash(0);
  grid.powerOn(0);
  t.false(grid.isOn(0));
  grid.repair(0);
  t.true(grid.isOn(0));
  t.deepEqual(events, ['0 off', '0 on']);
});

test('attachFailures crashes and repairs nodes as the FailureModel says', (t) => {
  const { sim, grid } = setup(oneFarm([{ template: 'diy-small', count: 200 }]));
  let offEvents = 0;
  let onEvents = 0;
  grid.onPower((_node, event) => (event === 'off' ? offEvents++ : onEvents++));
  const seen: number[] = [];
  const model = attachFailures(
    sim,
    grid,
    { rng: new RngStreams(3).stream('failures'), independent: { timeToFailureS: exponentialFromAfr(0.5), timeToRepairS: exponentialFromMean(24 * H) } },
    { onFail: (node) => seen.push(grid.isOn(node) ? 1 : 0) },
  );
  sim.run({ untilS: 365 * 24 * H });
  model.stop();
  const stats = model.stats;
  t.true(stats.failureCount > 50);
  t.is(offEvents, stats.failureCount);
  t.is(onEvents, stats.repairCount);
  t.true(seen.every((on) => on === 0)); // extra callbacks see the node already off
  for (let n = 0; n < grid.nodeCount; n++) t.is(grid.isOn(n), model.isUp(n));
});
