// The operator's panels: healing (queued, running, done, with reasons), the queue's detail, down
// nodes, availability beside the node counts, and fault keys aimed by a cursor over farms and nodes.
// Real runs of farm-partition under ink-testing-library, stepped by key; the panels alone with given figures.

import test from 'ava';
import { render } from 'ink-testing-library';
import { App } from '../../cli/tui/app.js';
import { TuiController } from '../../cli/tui/controller.js';
import { cursorAt, cursorNode, moveFarm, moveNode, nextWhere } from '../../cli/tui/cursor.js';
import { HealingPanel } from '../../cli/tui/healing-panel.js';
import { liveHelp } from '../../cli/tui/help-line.js';
import { liveCommand, liveKeys } from '../../cli/tui/keys.js';
import { JobTally } from '../../scenarios/job-tally.js';
import type { LiveSnapshot } from '../../scenarios/live.js';
import type { JobEvent } from '../../scheduler/transport.js';
import { waitUntil } from '../helpers/wait.js';

function start(t: { teardown(fn: () => unknown): void }, options: ConstructorParameters<typeof TuiController>[0] = {}) {
  const controller = new TuiController({ scenario: 'farm-partition', paused: true, record: false, ...options });
  const app = render(<App controller={controller} />);
  t.teardown(async () => {
    app.unmount();
    await controller.close();
  });
  return { controller, app, frame: (): string => app.lastFrame() ?? '' };
}

const figure = (frame: string, re: RegExp): number => Number(re.exec(frame)?.[1] ?? NaN);

test('farm-partition: availability falls beside the node counts, the healing panel fills and empties, re-placements counted', async (t) => {
  const { controller, frame } = start(t, { speedS: 900 });
  await controller.ready();
  // Six ticks of 15 min: the partition at 1.5 h; then 1 min ticks through the reconciler's work.
  for (let i = 0; i < 6; i++) await controller.key('s');
  await controller.key('-');
  await controller.key('-');
  const seen: { nowS: number; availability: number; queued: number; running: number; done: number; replaced: number; down: number }[] = [];
  for (let i = 0; i < 40; i++) {
    await controller.key('s');
    const s = controller.getState().snapshot!;
    seen.push({ nowS: s.nowS, availability: s.availability.fraction, queued: s.healing.counts.queued, running: s.healing.counts.running, done: s.healing.counts.done, replaced: s.healing.replacements, down: s.nodes.down });
  }
  const lowest = Math.min(...seen.map((x) => x.availability));
  const busiest = seen.find((x) => x.queued > 0)!;
  const last = seen.at(-1)!;
  t.log(`lowest availability ${(100 * lowest).toFixed(1)} %; healing queued ${busiest.queued} at t=${busiest.nowS} s; at t=${last.nowS} s: done ${last.done}, re-placed ${last.replaced}, availability ${(100 * last.availability).toFixed(1)} %`);
  t.true(lowest < 0.9, 'a quarter of the grid cut off takes deployments down');
  t.truthy(busiest, 'the reconciler queued actions');
  t.is(last.queued + last.running, 0, 'the healing queue emptied');
  t.true(last.done > 0 && last.replaced > 0);
  t.is(last.availability, 1, 'every deployment available again, elsewhere');
  t.is(last.down, 25, 'the farm itself is still cut off');

  await waitUntil('the healed frame', frame, { until: (f) => /re-placed [1-9]/.test(f) });
  const f = frame();
  t.log(f);
  t.regex(f, /Nodes 100: up 75 standby 0 down 25 · availability 100\.0 % \(0\/\d+ deployments down, [\d.]+ h lost\)/);
  t.regex(f, /Down nodes \(25\): 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24/);
  t.regex(f, /Queue waiting 0 · active 0 · delayed 0 · retrying 0 · done \d+ · failed 0/);
  t.regex(f, new RegExp(`Healing queued 0 running 0 done ${last.done} failed 0 │ re-placed ${last.replaced} · zstor repairs 0 · Z-Net re-applies 0`));
  t.regex(f, /availability [▁▂▃▄▅▆▇█]+ 100\.0 %/, 'availability has its sparkline');
});

test('--no-reconcile: the same partition, and nothing heals (zos alone)', async (t) => {
  const { controller, frame } = start(t, { speedS: 900, run: { reconcile: false } });
  await controller.ready();
  for (let i = 0; i < 9; i++) await controller.key('s');
  const s = controller.getState().snapshot!;
  t.is(s.nowS, 8100);
  t.true(s.availability.fraction < 0.9, `availability ${s.availability.fraction}`);
  t.deepEqual(s.healing.counts, { queued: 0, running: 0, done: 0, failed: 0 });
  t.is(s.healing.replacements, 0);
  await waitUntil('the frame', frame, { until: (f) => f.includes('t=2.25h') });
  t.regex(frame(), /Healing queued 0 running 0 done 0 failed 0 │ re-placed 0/);
});

test('cursor: ] and > aim k at a chosen node of a chosen farm; tab finds a down node, r repairs it', async (t) => {
  const { controller, frame } = start(t);
  await controller.ready();
  for (const k of ']]>>>') await controller.key(k);
  await waitUntil('the cursor', frame, { until: (f) => /Cursor › farm-east node 53 \(up, 4 of 25\)/.test(f) });
  await controller.key('k');
  await waitUntil('the kill', frame, { until: (f) => /killed node 53 \(farm-east\)/.test(f) });
  t.regex(frame(), /farm-east +›●●●✕●+ +up 24 standby 0 down 1/);
  t.regex(frame(), /Down nodes \(1\): 53/);
  t.is(controller.getState().snapshot!.downNodes[0], 53, 'node 53, not node 0');

  // Back to the first farm, then tab: the cursor jumps to the down node, and r repairs exactly it.
  await controller.key('', { upArrow: true });
  await controller.key('', { upArrow: true });
  await controller.key('\t');
  t.regex(frame(), /Cursor › farm-east node 53 \(down, 4 of 25\) · cursor on down node 53/);
  await controller.key('r');
  await waitUntil('the repair', frame, { until: (f) => /repaired node 53 \(farm-east\)/.test(f) });
  t.regex(frame(), /Down nodes: none/);
  await controller.key('r');
  t.regex(frame(), /node 53 is not down/, 'r aims at the cursor only: nothing else is repaired');

  // p cuts off the cursor's farm, not the first one.
  await controller.key('p');
  await waitUntil('the partition', frame, { until: (f) => /partitioned farm-east/.test(f) });
  t.regex(frame(), /farm-east +›✕+ +up 0 standby 0 down 25/);
  t.regex(frame(), /farm-north +●+ +up 25/);
});

test('round robin: K kills the next node up, R repairs the next node down, whatever the cursor', async (t) => {
  const { controller } = start(t);
  await controller.ready();
  await controller.key(']');
  await controller.key('K');
  t.is(controller.getState().message, 'killed node 0 (farm-north)');
  await controller.key('K');
  t.is(controller.getState().message, 'killed node 1 (farm-north)');
  await controller.key('R');
  t.regex(controller.getState().message, /repaired node [01] \(farm-north\)/);
  t.is(controller.getState().snapshot!.nodes.down, 1);
});

test('keys typed together ("]>>k" in one read) each act, in order', async (t) => {
  const { controller } = start(t);
  await controller.ready();
  await controller.key(']>>k');
  t.is(controller.getState().message, 'killed node 27 (farm-south)');
});

test('the help line names every key the live view knows, and no other fault key', (t) => {
  // Aliases the help line leaves out: = for +, . and , for > and <; space is spelled out.
  const aliases = new Set(['=', '.', ',']);
  for (const k of liveKeys) {
    if (aliases.has(k)) continue;
    const shown = k === ' ' ? 'space' : k;
    t.true(liveHelp.includes(shown), `help line mentions ${JSON.stringify(shown)}`);
  }
  for (const word of ['kill', 'repair', 'disk', 'reboot', 'partition']) t.regex(liveHelp, new RegExp(`\\b[krdbp] ${word}\\b`));
  t.deepEqual(liveCommand('', { tab: true }), { kind: 'next-down' });
  t.deepEqual(liveCommand('', { leftArrow: true }), { kind: 'node', step: -1 });
  t.is(liveCommand('x'), undefined);
});

test('cursor moves: wrap around farms, clamp offsets, find the next down node', (t) => {
  const farms = [
    { firstNode: 0, states: Uint8Array.from([0, 0, 0]) },
    { firstNode: 3, states: Uint8Array.from([0, 2]) },
    { firstNode: 5, states: Uint8Array.from([0, 0, 2, 0]) },
  ];
  t.deepEqual(moveFarm({ farm: 0, offset: 2 }, farms, 1), { farm: 1, offset: 1 }, 'offset clamped to the smaller farm');
  t.deepEqual(moveFarm({ farm: 0, offset: 0 }, farms, -1), { farm: 2, offset: 0 });
  t.deepEqual(moveNode({ farm: 0, offset: 2 }, farms, 1), { farm: 1, offset: 0 });
  t.deepEqual(moveNode({ farm: 0, offset: 0 }, farms, -1), { farm: 2, offset: 3 });
  t.is(cursorNode({ farm: 2, offset: 2 }, farms), 7);
  t.deepEqual(cursorAt(4, farms), { farm: 1, offset: 1 });
  t.deepEqual(nextWhere({ farm: 1, offset: 1 }, farms, (s) => s === 2), { farm: 2, offset: 2 });
  t.deepEqual(nextWhere({ farm: 2, offset: 2 }, farms, (s) => s === 2), { farm: 1, offset: 1 }, 'wraps past the last farm');
  t.is(nextWhere({ farm: 0, offset: 0 }, farms, (s) => s === 1), null);
});

test('healing panel: counts and totals, unfinished actions first with their reasons', (t) => {
  const action = (id: string, state: 'queued' | 'running' | 'done' | 'failed', reason: string, detail: string) => ({ id, atS: 6300, reason, detail, state });
  const healing: LiveSnapshot['healing'] = {
    counts: { queued: 1, running: 1, done: 5, failed: 1 },
    recent: [action('a', 'done', 'replaced', 'now contract 9 on node 60'), action('b', 'queued', 'replace', 'node 4 lost; moving to node 54'), action('c', 'failed', 'zstor-repair', 'object 3'), action('d', 'running', 'znet-reapply', 'net1 on node 7')],
    replacements: 3,
    repairs: 1,
    reapplies: 2,
  };
  const { lastFrame, unmount } = render(<HealingPanel healing={healing} rows={3} />);
  t.teardown(unmount);
  const lines = (lastFrame() ?? '').split('\n');
  t.log(lines.join('\n'));
  t.is(lines[0], 'Healing queued 1 running 1 done 5 failed 1 │ re-placed 3 · zstor repairs 1 · Z-Net re-applies 2');
  t.regex(lines[1]!, /1\.75h queued +replace +node 4 lost; moving to node 54/);
  t.regex(lines[2]!, /running +znet-reapply +net1 on node 7/);
  t.regex(lines[3]!, /done +replaced +now contract 9 on node 60/);
  t.is(lines.length, 4, 'rows bounds the action lines');
});

test('queue detail: a job that fails an attempt is delayed, then retrying while it runs again, then done', (t) => {
  const listeners: ((e: JobEvent) => void)[] = [];
  const tally = new JobTally({ on: (l) => (listeners.push(l), () => {}), onAudit: () => () => {} });
  const emit = (kind: JobEvent['kind'], attempt: number): void => listeners.forEach((l) => l({ kind, id: 'a', op: 'deployment.create', atS: 0, attempt }));
  // The in-process transport's own sequence for a job that succeeds on its third attempt (test/scheduler/inprocess.test.ts).
  emit('queued', 0);
  t.like(tally.queue(), { waiting: 1, active: 0, delayed: 0, retrying: 0 });
  emit('active', 1);
  t.like(tally.queue(), { waiting: 0, active: 1 });
  emit('retrying', 1);
  t.like(tally.queue(), { active: 0, delayed: 1, retrying: 1 });
  emit('active', 2);
  t.like(tally.queue(), { active: 1, delayed: 0, retrying: 1 });
  emit('completed', 3);
  t.deepEqual(tally.queue(), { waiting: 0, active: 0, delayed: 0, retrying: 0, completed: 1, failed: 0 });
});
