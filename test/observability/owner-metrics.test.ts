// The owner's /metrics (apply, run with --metrics-port): job counters from the Testbed's events equal
// the operations it reports, the reconciler's actions are counted, and a simulated grid's gauges say
// which simulated instant they belong to.
import test from 'ava';
import { createMetrics } from '../../cli/observability/metrics.js';
import { serveMetrics } from '../../cli/observability/metrics-server.js';
import { countPlanRuns } from '../../cli/observability/plan-metrics.js';
import { addWorldGauges, MetricsRunObserver, watchTestbed } from '../../cli/observability/owner-metrics.js';
import { builtinScenario, compileBuiltin } from '../../scenarios/builtin/index.js';
import { runScenario } from '../../scenarios/runner.js';
import { openSimTestbed } from '../../scenarios/testbed.js';
import { opsFile } from '../helpers/bullmq-runs.js';
import { parsePromText, sumOf } from '../helpers/prom-text.js';

test('apply: /metrics counts each reported operation by kind and state, and the grid gauges read the world', async (t) => {
  const metrics = createMetrics();
  const { testbed, world } = await openSimTestbed({ seed: 1, grid: 'small', where: 'test' });
  watchTestbed(testbed, metrics);
  addWorldGauges(metrics, world);
  const server = await serveMetrics(metrics.registry, { port: 0 });
  try {
    for (const op of opsFile('faults.json')) await testbed.submit(op);
    await testbed.run();
    const state = await testbed.state();
    const samples = parsePromText(await (await fetch(server.url)).text());
    // The owner reports failed operations as `failed`; a job that exhausted its attempts ends `error`.
    const reported = new Map<string, number>();
    for (const op of state.ops) reported.set(op.state, (reported.get(op.state) ?? 0) + 1);
    t.is(sumOf(samples, 'zos_jobs_total'), state.ops.length);
    t.is(sumOf(samples, 'zos_jobs_total', { state: 'ok' }), reported.get('completed') ?? 0);
    const nodesUp = [...Array(world.grid.nodeCount).keys()].filter((n) => world.grid.isOn(n)).length;
    t.is(sumOf(samples, 'zos_sim_nodes_up'), nodesUp);
    t.is(sumOf(samples, 'zos_sim_time_seconds'), world.sim.nowS);
    t.true(world.sim.nowS > 0);
  } finally {
    await server.close();
    await testbed.close();
  }
});

test('run: the observer counts every operation, the reconciler\'s replacements and the grid gauges of the last sample', async (t) => {
  const metrics = createMetrics();
  const scenario = compileBuiltin(builtinScenario('farm-partition')!);
  const summary = await runScenario(scenario, { seed: 8, observer: new MetricsRunObserver(metrics) });
  const samples = parsePromText(await metrics.registry.metrics());
  const replaced = (summary.metrics['deployments'] as { replaced: number }).replaced;
  t.true(replaced > 0);
  t.is(sumOf(samples, 'zos_jobs_total', { kind: 'deployment.create' }), 90 + replaced, 'each deployment and each copy as one operation');
  t.is(sumOf(samples, 'zos_jobs_total', { kind: 'deployment.delete' }), replaced);
  t.is(sumOf(samples, 'zos_reconciler_actions_total', { reason: 'replaced' }), replaced);
  t.is(sumOf(samples, 'zos_sim_nodes_up'), 100, 'every node is back up at the end');
  t.is(sumOf(samples, 'zos_sim_time_seconds'), summary.simulatedSeconds);
  t.is(sumOf(samples, 'zos_sim_deployments_available_ratio'), 1);
});

test('plan: each batch of runs is counted by outcome and timed', async (t) => {
  const metrics = createMetrics();
  const counted = countPlanRuns(async (tasks: readonly number[]) => tasks.map((x) => x * 2), metrics);
  t.deepEqual(await counted([1, 2, 3]), [2, 4, 6]);
  const failing = countPlanRuns(async (_tasks: readonly number[]): Promise<number[]> => Promise.reject(new Error('worker lost')), metrics);
  await t.throwsAsync(failing([1, 2]), { message: 'worker lost' });
  const samples = parsePromText(await metrics.registry.metrics());
  t.is(sumOf(samples, 'zos_jobs_total', { kind: 'plan.run', state: 'ok' }), 3);
  t.is(sumOf(samples, 'zos_jobs_total', { kind: 'plan.run', state: 'error' }), 2);
  t.is(sumOf(samples, 'zos_job_duration_seconds_count', { kind: 'plan.batch' }), 2);
});
