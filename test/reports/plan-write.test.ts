// plan.csv carries each frontier metric's mean and 95 % CI half-width across the seeds; plan.html
// draws no legend entry for a series with no point (all levels met: no "no grid up to this many nodes passes").
import test from 'ava';
import { planCsv } from '../../reports/plan-write.js';
import { planHtml } from '../../reports/plan-html.js';
import { valueWords, type FrontierEntry, type PlanResult } from '../../scenarios/plan.js';

function level(demand: number, nodes: number, sloMet: boolean, hoursLost: readonly number[]): FrontierEntry {
  const mean = hoursLost.reduce((a, b) => a + b, 0) / hoursLost.length;
  return { demand, nodes, size: nodes, sloMet, binding: 'memory binds', metrics: { deploymentHoursLost: mean }, samples: { deploymentHoursLost: hoursLost } };
}

/** plan.csv's rows as objects; no cell here holds a comma or a quote. */
function parse(csv: string): Record<string, string>[] {
  const [header, ...rows] = csv.trim().split('\n').map((line) => line.split(','));
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

function result(frontier: FrontierEntry[], seeds: string[]): PlanResult {
  return { frontier, evaluatedRuns: 9, fullGridRuns: 60, seeds, sizes: { min: 1, max: 10 } };
}

test('plan.csv: mean and Student-t 95 % half-width per metric across seeds; empty with one seed', (t) => {
  const three = parse(planCsv(result([level(1, 3, true, [1, 2, 3]), level(2, 6, true, [4, 4, 4])], ['1.1', '1.2', '1.3']), 'n'));
  t.is(three[0]!['seedsCount'], '3');
  t.is(three[0]!['deploymentHoursLostMean'], '2');
  // s = 1, t(0.975, 2) = 4.3027: 4.3027 / √3.
  t.is(Number(three[0]!['deploymentHoursLostCi95HalfWidth']).toFixed(4), (4.3027 / Math.sqrt(3)).toFixed(4));
  t.is(three[1]!['deploymentHoursLostCi95HalfWidth'], '0', 'no spread, no width');
  // A metric no seed sampled (the grid did not fit the scenario) is empty, not "undefined".
  t.is(three[0]!['timeToHealP99SMean'], '');
  const one = parse(planCsv(result([level(1, 3, true, [5])], ['1.1']), 'n'));
  t.is(one[0]!['deploymentHoursLostMean'], '5');
  t.is(one[0]!['deploymentHoursLostCi95HalfWidth'], '', 'one seed says nothing about the spread');
});

test('plan.html: a series with no point has no legend entry; one with points keeps its colour', (t) => {
  const allMet = planHtml(result([level(1, 3, true, [0]), level(2, 6, true, [0])], ['1']), 'p');
  t.false(allMet.includes('no grid up to this many nodes passes'));
  t.true(allMet.includes('smallest grid meeting the SLO'));
  const someUnmet = planHtml(result([level(1, 3, true, [0]), level(2, 10, false, [0])], ['1']), 'p');
  t.regex(someUnmet, /fill="#D55E00"\/><text class="legend"[^>]*>no grid up to this many nodes passes/);
});

test('what binds reads in people\'s units: seconds as minutes or hours, shares as percentages, counts as they are', (t) => {
  t.is(valueWords('timeToHealP99S', 3000), '50 min');
  t.is(valueWords('timeToHealP99S', 1800), '30 min');
  t.is(valueWords('timeToHealP99S', 45), '45 s');
  t.is(valueWords('timeToHealP99S', 7200), '2 h');
  t.is(valueWords('deploymentsOkFraction', 0.9991), '99.91 %');
  t.is(valueWords('deploymentsOkFraction', 0.5), '50 %');
  t.is(valueWords('deploymentsUnplacedCount', 3), '3');
});
