// `run --out DIR`: the runner feeds reports/'s recorder; same seed ⇒ byte-identical CSV files, and
// observing a run does not change it.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunRecorder } from '../../reports/index.js';
import { builtinScenario, compileBuiltin } from '../../scenarios/builtin/index.js';
import { runScenario } from '../../scenarios/runner.js';
import { cli } from '../helpers/cli.js';
import { scenarioDir } from '../helpers/scenario-files.js';

const csvFiles = ['timeseries.csv', 'nodes.csv', 'operations.csv', 'summary.csv'];

test('run --out: same seed writes byte-identical CSV files, another seed different ones', async (t) => {
  const [a, b, c] = [scenarioDir(), scenarioDir(), scenarioDir()];
  const runs = await Promise.all([
    cli('run', 'farm-partition', '--seed', '3', '--out', a, '--json'),
    cli('run', 'farm-partition', '--seed', '3', '--out', b, '--json'),
    cli('run', 'farm-partition', '--seed', '4', '--out', c, '--json'),
  ]);
  for (const r of runs) t.is(r.code, 0, r.stderr);
  const files = (JSON.parse(runs[0]!.stdout) as { files: string[] }).files;
  t.deepEqual(files.map((f) => f.slice(a.length + 1)), [...csvFiles, 'report.html']);
  for (const name of csvFiles) t.is(readFileSync(join(a, name), 'utf8'), readFileSync(join(b, name), 'utf8'), name);
  t.not(readFileSync(join(a, 'timeseries.csv'), 'utf8'), readFileSync(join(c, 'timeseries.csv'), 'utf8'));
  const summary = readFileSync(join(a, 'summary.csv'), 'utf8');
  t.regex(summary, /^scenario,farm-partition$/m);
  t.regex(summary, /^nodesCount,100$/m);
});

/** A CSV file as rows of named cells (the run's files quote nothing in these columns). */
function csvRows(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trim().split('\n');
  const names = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i]!, v])));
}

test('run --out: deployment availability and healing in the CSV files and the page match the run summary', async (t) => {
  const dir = scenarioDir();
  const r = await cli('run', 'farm-partition', '--seed', '3', '--out', dir, '--json');
  t.is(r.code, 0, r.stderr);
  const run = JSON.parse(r.stdout) as { metrics: { deployments: { availabilityMinFraction: number; availabilityMinAtS: number; replaced: number }; healing: { replacements: number; repairs: number; reapplies: number } } };
  const { deployments, healing } = run.metrics;
  t.true(deployments.availabilityMinFraction < 1, 'the partition made deployments unavailable');
  const rows = csvRows(readFileSync(join(dir, 'timeseries.csv'), 'utf8'));
  const lowest = Math.min(...rows.map((row) => Number(row['deploymentsAvailableFractionMin'])));
  t.is(Number(lowest.toFixed(6)), deployments.availabilityMinFraction, 'the CSV\'s lowest availability is the run\'s minimum');
  const bucketS = Number(rows[0]!['bucketEndS']) - Number(rows[0]!['bucketStartS']);
  const worst = rows.find((row) => Number(row['deploymentsAvailableFractionMin']) === lowest)!;
  t.is(Number(worst['bucketStartS']), Math.floor(deployments.availabilityMinAtS / bucketS) * bucketS, 'in the bucket of the instant the run names');
  const sum = (name: string): number => rows.reduce((n, row) => n + Number(row[name]), 0);
  t.is(sum('healingReplacementsCount'), healing.replacements);
  t.is(sum('healingReplacementsCount'), deployments.replaced);
  t.is(sum('healingRepairsCount'), healing.repairs);
  t.is(sum('healingReappliesCount'), healing.reapplies);
  t.is(sum('workloadsReplacedCount'), deployments.replaced);
  for (const row of rows) t.true(Number(row['deploymentsAvailableFractionMin']) <= Number(row['deploymentsAvailableFractionMean']), row['bucketStartS']);
  // Re-placed deployments are counted at their new contract: once all are placed, the ok workloads
  // end where they peaked (60 zdbs × 1 + 30 VMs × 3 = 150), not lower by what moved.
  const ok = rows.map((row) => Number(row['workloadsOkCountMean']));
  t.is(ok[ok.length - 1], 150);
  t.is(Math.max(...ok), 150);
  const summary = csvRows(readFileSync(join(dir, 'summary.csv'), 'utf8'));
  const metric = (name: string): number => Number(summary.find((row) => row['metric'] === name)?.['value']);
  t.is(Number(metric('deploymentsAvailableFractionMin').toFixed(6)), deployments.availabilityMinFraction);
  t.is(metric('deploymentsAvailableFractionMinAtS'), deployments.availabilityMinAtS);
  t.is(metric('healingReplacementsCount'), healing.replacements);
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  t.regex(html, /<svg class="chart" id="chart-availability"[^]*?>99\.99 %<\/text>/);
  t.regex(html, new RegExp(`re-placements \\(deployments moved off a lost node\\)</td><td class="num">${healing.replacements}<`));
});

test('an observer sees the run without changing it', async (t) => {
  const scenario = compileBuiltin(builtinScenario('farm-partition')!);
  const plain = await runScenario(scenario, { seed: 8 });
  const recorder = new RunRecorder({ bucketS: 300, seed: 8, scenario: scenario.name });
  const observed = await runScenario(scenario, { seed: 8, observer: recorder });
  t.deepEqual(observed, plain);
  const record = recorder.finish(observed.simulatedSeconds);
  t.is(record.nodes.length, 100);
  const count = (kind: string): number => record.operations.filter((op) => op.kind === kind).reduce((n, op) => n + op.count, 0);
  const replaced = (observed.metrics['deployments'] as { replaced: number }).replaced;
  t.true(replaced > 0, 'the reconciler moved the cut-off farm\'s deployments');
  t.is(count('deployment.create'), 90 + replaced, 'each deployment and each copy the reconciler made finished as one operation');
  t.is(count('deployment.delete'), replaced, 'each replaced contract deleted once');
});
