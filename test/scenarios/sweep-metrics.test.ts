// What a sweep aggregates from one run: deployments cancelled on purpose leave the "ok" denominator
// (a planner's demand that ends by design is not a failure), and the availability figures operators
// feel during faults reach the sweep as metrics.
import test from 'ava';
import { compileScenario } from '../../scenarios/compile.js';
import { runScenario } from '../../scenarios/runner.js';
import type { Scenario } from '../../scenarios/scenario.js';
import { sweepMetrics } from '../../scenarios/sweep-metrics.js';

function withCancel(cancel: boolean): Scenario {
  return {
    name: 'cancel-half',
    description: 'two groups; one is cancelled by design',
    grid: 'small',
    durationS: '30m',
    workload: [
      { name: 'kept', kind: 'vm', count: 3 },
      { name: 'gone', kind: 'vm', count: 3 },
    ],
    actions: cancel ? [{ kind: 'cancel', group: 'gone', atS: '10m' }] : [],
    invariants: [{ kind: 'converged' }],
  };
}

test('deployments cancelled on purpose are neither ok nor counted against the ok fraction', async (t) => {
  const cancelled = await runScenario(compileScenario(withCancel(true), 'test'), { seed: '1' });
  const deployments = cancelled.metrics['deployments'] as { placed: number; ok: number; cancelled: number };
  t.is(deployments.placed, 6);
  t.is(deployments.cancelled, 3);
  t.is(deployments.ok, 3);
  t.is(sweepMetrics(cancelled).deploymentsOkFraction, 1, 'the 3 kept are all ok: 3 / 3, not 3 / 6');
});

test('the sweep metrics carry deployment availability and hours lost from the run', async (t) => {
  const summary = await runScenario(compileScenario(withCancel(false), 'test'), { seed: '1' });
  const m = sweepMetrics(summary);
  const d = summary.metrics['deployments'] as { availabilityMinFraction: number; hoursLost: number };
  t.is(m.deploymentsAvailabilityMinFraction, d.availabilityMinFraction);
  t.is(m.deploymentHoursLost, d.hoursLost);
  t.is(m.timeToHealP99S, 0, 'no outage: nothing took time to heal');
  t.is(m.deploymentsOkFraction, 1);
});
