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
