// Sweep statistics: mean and Student-t 95 % half-widths checked against sums worked by hand, and the
// SLO recommendation picking the smallest passing point of a synthetic sweep.

import test from 'ava';
import { meanCi95, tQuantile975 } from '../../reports/sweep-stats.js';
import { meetsSlo, parseSlo, recommend } from '../../reports/sweep-slo.js';
import type { SweepMetrics } from '../../scenarios/sweep-metrics.js';
import type { SweepPoint } from '../../scenarios/sweep-plan.js';

const close = (a: number, b: number, eps = 1e-6): boolean => Math.abs(a - b) <= eps;

test('1..5: mean 3, s² = 10/4, half-width t(4)·s/√5 = 2.7764 · 1.581139 / 2.236068 = 1.963211', (t) => {
  const { mean, ci95HalfWidth } = meanCi95([1, 2, 3, 4, 5]);
  t.is(mean, 3);
  t.true(close(ci95HalfWidth, 1.963211), String(ci95HalfWidth));
});

test('two seeds 10 and 12: s = √2, so the half-width is t(1) = 12.7062 exactly', (t) => {
  const { mean, ci95HalfWidth } = meanCi95([10, 12]);
  t.is(mean, 11);
  t.true(close(ci95HalfWidth, 12.7062));
});

test('identical seeds give zero width; one seed or a NaN gives no interval', (t) => {
  t.deepEqual(meanCi95([0.5, 0.5, 0.5]), { mean: 0.5, ci95HalfWidth: 0 });
  t.true(Number.isNaN(meanCi95([7]).ci95HalfWidth));
  t.is(meanCi95([7]).mean, 7);
  t.true(Number.isNaN(meanCi95([1, NaN]).mean));
});

test('t table: small df exact, large df take the next smaller tabled df (wider interval)', (t) => {
  t.is(tQuantile975(2), 4.3027);
  t.is(tQuantile975(30), 2.0423);
  t.is(tQuantile975(35), 2.0423);
  t.is(tQuantile975(59), 2.0211);
  t.is(tQuantile975(1000), 1.9799);
  t.true(Number.isNaN(tQuantile975(0)));
});

function metrics(okFraction: number, lost: number): SweepMetrics {
  return {
    nodeAvailabilityFraction: 1, deploymentsOkFraction: okFraction, deploymentsUnplacedCount: 0,
    deploymentsAvailabilityMinFraction: 1, deploymentsAvailabilityMeanFraction: 1, deploymentHoursLost: 0, timeToHealP99S: 0,
    nodeFailuresCount: 0, diskFailuresCount: 0, lostObjectsCount: lost, filesLostCount: 0, convergedFraction: 1, convergedAfterS: 0,
    invariantsFailedCount: 0, eventsCount: 1,
  };
}

test('SLO bounds: every bound must hold, NaN fails, bad text is named', (t) => {
  const slo = parseSlo('deploymentsOkFraction>=0.999,lostObjectsCount<=0');
  t.true(meetsSlo(metrics(0.999, 0), slo));
  t.false(meetsSlo(metrics(0.998, 0), slo));
  t.false(meetsSlo(metrics(1, 1), slo));
  t.false(meetsSlo(metrics(NaN, 0), slo));
  t.throws(() => parseSlo('okness>=1'), { message: /--slo: unknown metric 'okness'/ });
  t.throws(() => parseSlo('deploymentsOkFraction=1'), { message: /--slo/ });
});

test('recommendation: fewest nodes among passing points, then parameter values ascending', (t) => {
  // A synthetic sweep over (nodes per farm, replicas): small grids fail, one replica fails.
  const points: SweepPoint[] = [];
  const passing: boolean[] = [];
  for (const perFarm of [40, 10, 20, 30]) {
    for (const replicas of [3, 1, 2]) {
      points.push({ index: points.length, values: [perFarm, replicas], nodes: perFarm * 4, faultsPastEnd: [] });
      passing.push(perFarm >= 20 && replicas >= 2);
    }
  }
  const rec = recommend(points, passing);
  t.deepEqual(rec?.values, [20, 2]);
  t.is(rec?.nodes, 80);
  t.is(recommend(points, points.map(() => false)), undefined);
});
