// The TUI under ink-testing-library: the picker starts a scenario, the live view shows farm rows, and
// keys kill a node, heal and quit. The controller is paused, so frames change only by key.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { render } from 'ink-testing-library';
import { App } from '../../cli/tui/app.js';
import { TuiController } from '../../cli/tui/controller.js';
import { sparkline, barCells } from '../../cli/tui/sparkline.js';
import { FarmGrid } from '../../cli/tui/farm-grid.js';
import type { FarmView } from '../../scenarios/live.js';
import { waitUntil } from '../helpers/wait.js';

// Tests poll (waitUntil) instead of sleeping: useInput subscribes in an effect, and renders land a tick later.

const farmRow = (frame: string, farm: string): string => frame.split('\n').find((l) => l.startsWith(farm)) ?? '';

test('live view: farm rows, k kills a node, h heals, q quits', async (t) => {
  const controller = new TuiController({ scenario: 'farm-partition', paused: true, reportDir: 'unused' });
  const app = render(<App controller={controller} />);
  t.teardown(async () => {
    app.unmount();
    await controller.close();
  });
  const frame = (): string => app.lastFrame() ?? '';
  await waitUntil('farm rows', frame, { until: (f) => /farm-north .*up 25 standby 0 down 0/.test(f) });
  t.regex(frame(), /Nodes 100: up 100 standby 0 down 0 · availability 100\.0 %/);
  t.regex(frame(), /Cursor › farm-north node 0 \(up, 1 of 25\)/);
  t.regex(frame(), /space pause[\s\S]*q quit/, 'the help line is visible');
  t.regex(frame(), /PAUSED/);

  // Step a few slices so that deployments arrive; the frame follows.
  for (let i = 0; i < 5; i++) app.stdin.write('s');
  await waitUntil('t=5m', frame, { until: (f) => f.includes('t=5m') });

  app.stdin.write('k');
  await waitUntil('a node down', frame, { until: (f) => /Nodes 100: up 99 standby 0 down 1/.test(f) });
  t.regex(farmRow(frame(), 'farm-north'), /✕.*up 24 standby 0 down 1/, 'node 0 shows down in its farm row');
  t.regex(frame(), /killed node 0 \(farm-north\)/);
  t.regex(frame(), /Down nodes \(1\): 0/);
  t.log(frame());

  app.stdin.write('h');
  await waitUntil('healed', frame, { until: (f) => /Nodes 100: up 100 standby 0 down 0/.test(f) });
  t.regex(frame(), /healed: 1 nodes repaired/);
  t.notRegex(farmRow(frame(), 'farm-north'), /✕/);

  app.stdin.write('q');
  await waitUntil('quit', () => controller.getState().quitting);
  t.pass();
});

test('picker: Enter starts the selected scenario; p, d, B and speed keys act', async (t) => {
  const controller = new TuiController({ paused: true, reportDir: 'unused' });
  const app = render(<App controller={controller} />);
  t.teardown(async () => {
    app.unmount();
    await controller.close();
  });
  const frame = (): string => app.lastFrame() ?? '';
  await waitUntil('the list', frame, { until: (f) => f.includes('pick a scenario') });
  const names = controller.getState().choices.map((c) => c.name);
  t.true(names.includes('farm-partition'));
  t.regex(frame(), /Enter start/);
  // Move to farm-partition with the arrow key, then start it.
  const target = names.indexOf('farm-partition');
  for (let i = 0; i < target; i++) {
    app.stdin.write('\u001B[B');
    await waitUntil(`row ${i + 1}`, () => controller.getState().selected, { until: (row) => row === i + 1 });
  }
  app.stdin.write('\r');
  await waitUntil('live view', frame, { until: (f) => f.includes('farm-partition · seed') });

  app.stdin.write('p');
  await waitUntil('partition', frame, { until: (f) => /farm-north .*up 0 standby 0 down 25/.test(f) });
  app.stdin.write('h');
  await waitUntil('healed', frame, { until: (f) => /Nodes 100: up 100/.test(f) });
  // Node 0 under the cursor is still booting after the heal (paused: no time passed), so B: the next node up.
  app.stdin.write('B');
  await waitUntil('reboot', frame, { until: (f) => /rebooted node \d+/.test(f) });
  app.stdin.write('d');
  await waitUntil('disk', frame, { until: (f) => /disk failures 1/.test(f) });
  app.stdin.write('+');
  await waitUntil('faster', frame, { until: (f) => f.includes('5m/tick') });
  app.stdin.write('-');
  app.stdin.write('-');
  await waitUntil('slower', frame, { until: (f) => f.includes('15s/tick') });
  app.stdin.write(' ');
  await waitUntil('running', frame, { until: (f) => f.includes('running') });
  app.stdin.write('q');
  await waitUntil('quit', () => controller.getState().quitting);
  t.pass();
});

test('10,000 nodes render as one bar per farm, within the rows given', (t) => {
  const farms: FarmView[] = Array.from({ length: 40 }, (_, f) => {
    const states = new Uint8Array(250);
    if (f === 7) states.fill(2, 0, 100);
    return { name: `farm-${f}`, firstNode: f * 250, up: f === 7 ? 150 : 250, standby: 0, down: f === 7 ? 100 : 0, states };
  });
  const app = render(<FarmGrid farms={farms} columns={100} rows={12} />);
  t.teardown(() => app.unmount());
  const lines = (app.lastFrame() ?? '').split('\n');
  t.true(lines.length <= 12, `${lines.length} lines`);
  t.regex(lines[0]!, /^farm-7 .*█.*░.* up 150 standby 0 down 100/, 'the worst farm comes first');
  t.regex(lines.at(-1)!, /… 29 more farms \(29 all up\)/);
});

test('sparkline and bar helpers', (t) => {
  t.is(sparkline([1, 2, 3, 4, 5, 6, 7, 8], 8), '▁▂▃▄▅▆▇█');
  t.is(sparkline([5, 5, 5], 10), '▄▄▄');
  t.is(sparkline([1, 2, 3], 2), '▁█');
  t.deepEqual(barCells([149, 0, 1], 10), [9, 0, 1]);
  t.deepEqual(barCells([0, 0, 0], 10), [0, 0, 0]);
});

test('w writes the report once, into the directory given', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zt-tui-report-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const controller = new TuiController({ scenario: 'farm-partition', paused: true, reportDir: dir });
  t.teardown(() => controller.close());
  for (let i = 0; i < 30; i++) void controller.key('s');
  void controller.key('k');
  await controller.key('w');
  t.regex(controller.getState().message, /report: 5 files in /);
  t.deepEqual(readdirSync(dir).sort(), ['nodes.csv', 'operations.csv', 'report.html', 'summary.csv', 'timeseries.csv']);
  // The run goes on after the report; a second w says where the first one went.
  void controller.key('s');
  await controller.key('w');
  t.regex(controller.getState().message, /already written/);
});

test('same seed and same keys give the same state (the controller adds no randomness)', async (t) => {
  const play = async (): Promise<unknown> => {
    const c = new TuiController({ scenario: 'farm-partition', paused: true, reportDir: 'unused' });
    // Keys are queued without waiting, as a fast typist's would be: they still run in order, between slices.
    for (const k of 'ssssskss]>>dsspsssKsssrsssshsss+ssRsDs[<k') void c.key(k);
    await c.idle();
    const s = c.getState();
    await c.close();
    return { snapshot: { ...s.snapshot, farms: s.snapshot!.farms.map((f) => ({ ...f, states: [...f.states] })) }, log: s.log, history: s.history, cursor: s.cursor };
  };
  const first = await play();
  t.deepEqual(first, await play());
});

test('d under a zstor scenario: the storage line shows objects degraded', async (t) => {
  const controller = new TuiController({ scenario: 'zstor-backend-lost', paused: true, speedS: 300, record: false });
  const app = render(<App controller={controller} />);
  t.teardown(async () => {
    app.unmount();
    await controller.close();
  });
  const frame = (): string => app.lastFrame() ?? '';
  for (let i = 0; i < 10; i++) void controller.key('s');
  await waitUntil('zstor objects', frame, { until: (f) => /Storage zstor objects \d+ · degraded 0 · lost 0/.test(f) });
  // D: the next disk round robin, which starts with the HDDs under the scenario's zdbs.
  void controller.key('D');
  for (let i = 0; i < 4; i++) void controller.key('s');
  await waitUntil('degraded objects', frame, { until: (f) => /degraded [1-9]\d* · lost 0 · disk failures 1/.test(f) });
  const storage = frame().split('\n').find((l) => l.startsWith('Storage')) ?? '';
  t.log(storage);
  t.regex(storage, /zstor objects \d+ · degraded [1-9]/);
});
