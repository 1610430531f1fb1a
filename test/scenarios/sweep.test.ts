// Sweeps: parameters as paths into a scenario, the same sweep.csv bytes whatever the number of
// worker threads, and the command's contract (files, JSON, bad input).

import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinScenario } from '../../scenarios/builtin/index.js';
import { applyParams, cartesian, parseParams } from '../../scenarios/sweep-params.js';
import { planSweep } from '../../scenarios/sweep-plan.js';
import { runSweepTasks } from '../../scenarios/sweep-pool.js';
import { summarizeSweep, sweepCsv } from '../../reports/sweep-csv.js';
import { defaultSlo, parseSlo } from '../../reports/sweep-slo.js';
import { cli, stackFrame } from '../helpers/cli.js';

// farm-partition cuts a farm off at 1.5 h: a 1 h run never sees it, so it is no candidate.
const sweepArgs = "grid.farms[0].nodes[0].count=5,15;durationS=1h,4h";

test('params: paths with indices, typed values, cartesian order, named grids expanded', (t) => {
  const params = parseParams(sweepArgs);
  t.deepEqual(params[0]!.path, ['grid', 'farms', 0, 'nodes', 0, 'count']);
  t.deepEqual(params[0]!.values, [5, 15]);
  t.deepEqual(params[1]!.values, [3600, 14_400], 'a field named in seconds holds seconds');
  t.deepEqual(cartesian(params), [[5, 3600], [5, 14_400], [15, 3600], [15, 14_400]]);
  const base = builtinScenario('farm-partition')!;
  const applied = applyParams(base, params, [5, 14_400]) as unknown as { grid: { farms: { nodes: { count: number }[] }[] }; durationS: number };
  t.is(applied.grid.farms[0]!.nodes[0]!.count, 5);
  t.is(applied.durationS, 14_400);
  t.is(base.grid, 'farm100', 'the built-in itself is not changed');
  t.throws(() => applyParams(base, parseParams('grid.farms[9].name=x'), ['x']), { message: /no grid\.farms\.9/ });
  t.throws(() => parseParams('durationS'), { message: /PATH=V1,V2/ });
  t.throws(() => parseParams('durationS=2x'), { message: /--param.*'durationS' takes durations/ });
});

test('sweep.csv is byte-identical on 1 and on 2 worker threads', async (t) => {
  const plan = planSweep('farm-partition', parseParams(sweepArgs), 2);
  const slo = parseSlo(defaultSlo);
  const serial = sweepCsv(plan, summarizeSweep(plan, await runSweepTasks(plan.tasks, 1), slo));
  const parallel = sweepCsv(plan, summarizeSweep(plan, await runSweepTasks(plan.tasks, 2), slo));
  t.is(parallel, serial);
  t.is(serial.trim().split('\n').length, 5, 'a header and one row per point');
  t.regex(serial.split('\n')[0]!, /^grid\.farms\[0\]\.nodes\[0\]\.count,durationS,nodesCount,seedsCount,nodeAvailabilityFractionMean,nodeAvailabilityFractionCi95HalfWidth,/);
});

test('cli: writes sweep.csv and recommendation.json, and names the smallest passing point', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
  const r = await cli('sweep', 'farm-partition', '--param', sweepArgs, '--seeds', '2', '--workers', '2', '--out', dir, '--json');
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { recommended: { params: Record<string, unknown>; nodes: number }; files: string[] };
  t.deepEqual(doc.recommended, { params: { 'grid.farms[0].nodes[0].count': 5, durationS: 14_400 }, nodes: 90 });
  t.regex(readFileSync(join(dir, 'sweep.csv'), 'utf8'), /\n5,14400,90,2,.*,true,true\n/);
  t.regex(r.stderr, /^seeds: 1\.1 1\.2/);
  // The 1 h points end before the partition: warned about and never recommended, even where they pass.
  t.regex(r.stderr, /warning: point grid\.farms\[0\]\.nodes\[0\]\.count=5 durationS=3600: faults\[0\] \(crash\) at 1\.5h is not before the end of the run at 1h; not a candidate/);
  t.is((doc as unknown as { warnings: string[] }).warnings.length, 2);
});

test('cli: bad parameters, a bad --redis URL and --serve without it are bad input (exit 2), no stack trace', async (t) => {
  // None of these reaches a Redis: the URL is checked, and the plan compiled, before connecting.
  for (const argv of [
    ['sweep', 'farm-partition', '--param', 'nosuch=1,2'],
    ['sweep', 'farm-partition', '--param', 'durationS=1h', '--redis', 'localhost:6379'],
    ['sweep', '--serve'],
    ['sweep', 'farm-partition', '--param', 'durationS=-5', '--redis', 'redis://127.0.0.1:1'],
    ['sweep', 'farm-partition', '--param', 'durationS=-5'],
  ]) {
    const r = await cli(...argv);
    t.is(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
    t.notRegex(r.stderr, stackFrame);
  }
});

test('cli: sizes and the output directory are checked before any run (exit 2 naming the flag)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sweep-bounds-'));
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  mkdirSync(join(dir, 'csv-is-dir', 'sweep.csv'), { recursive: true });
  const manyValues = Array.from({ length: 101 }, (_, i) => String(i + 1)).join(',');
  const cases: Array<[string[], RegExp]> = [
    [['--param', 'durationS=1h', '--seeds', '1e9'], /field --seeds: must be an integer from 1 to 10000, got 1000000000/],
    [['--param', 'durationS=1h', '--seeds', '0'], /field --seeds: must be at least 1/],
    [['--param', `seed=${manyValues};durationS=${manyValues}`], /field --param: 101 × 101 = 10201 points; at most 10000/],
    [['--param', `durationS=${manyValues}`, '--seeds', '1000'], /field --seeds: 101 points × 1000 seeds = 101000 runs; at most 100000/],
    [['--param', 'durationS=1h', '--workers', '100000'], /field --workers: must be at most 1024/],
    [['--param', 'durationS=1h', '--out', file], /field --out: .*a-file exists and is not a directory/],
    [['--param', 'durationS=1h', '--out', join(file, 'sub')], /field --out: cannot use .*a-file\/sub \(ENOTDIR\)/],
    [['--param', 'durationS=1h', '--out', join(dir, 'csv-is-dir')], /field --out: .*sweep\.csv exists and is not a regular file/],
  ];
  for (const [argv, message] of cases) {
    const startMs = Date.now();
    const r = await cli('sweep', 'farm-partition', ...argv);
    t.is(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
    t.regex(r.stderr, message);
    t.notRegex(r.stderr, stackFrame);
    t.notRegex(r.stderr, /^seeds:/m, 'refused before the plan was built');
    t.true(Date.now() - startMs < 5_000, `${argv.join(' ')} took ${Date.now() - startMs} ms`);
  }
});
