// `bench report --json`: CPU of the compiled run with and without --out, measured in child processes of
// the same run, and their ratio. Not a speed threshold: the figures only have to be real measurements.
import test from 'ava';
import { median } from '../../bench/child-cpu.js';
import { spawnCli } from '../helpers/cli.js';

test('bench report --json: both CPU figures from the same run, each the median of its rounds, and their ratio', async (t) => {
  const r = await spawnCli(['bench', 'report', '--scenario', 'zstor-backend-lost', '--rounds', '3', '--json'], { timeoutMs: 300_000 });
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { scenario: string; rounds: number; plainCpuS: number; outCpuS: number; ratio: number; plainCpuSAll: number[]; outCpuSAll: number[] };
  t.is(doc.scenario, 'zstor-backend-lost');
  t.is(doc.plainCpuSAll.length, 3);
  t.is(doc.outCpuSAll.length, 3);
  for (const s of [...doc.plainCpuSAll, ...doc.outCpuSAll]) t.true(s > 0, 'a real run costs CPU');
  t.is(doc.plainCpuS, median(doc.plainCpuSAll));
  t.is(doc.outCpuS, median(doc.outCpuSAll));
  t.true(Math.abs(doc.ratio - doc.outCpuS / doc.plainCpuS) < 0.01);
});

test('bench report rejects a scenario that does not exist, naming it', async (t) => {
  const r = await spawnCli(['bench', 'report', '--scenario', 'no-such-scenario', '--rounds', '1', '--json']);
  t.not(r.code, 0);
  t.regex(r.stderr, /no-such-scenario/);
});

test('median: the middle value, or the mean of the middle two', (t) => {
  t.is(median([3, 1, 2]), 2);
  t.is(median([4, 1, 3, 2]), 2.5);
  t.is(median([5]), 5);
});
