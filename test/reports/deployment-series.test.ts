// Deployment availability and healing in the recorder: the fraction time-weighted per bucket and its
// minimum (including the value held into a bucket), healing counts in the bucket of their instant,
// whole-run figures, the columns and summary rows they add, and bad figures rejected.

import test from 'ava';
import { capacityPlan } from '../../reports/capacity.js';
import { summaryCsv, timeseriesCsv } from '../../reports/csv.js';
import { nines, ninesLabel } from '../../reports/html/availability-charts.js';
import { reportHtml } from '../../reports/html/report-html.js';
import { RunRecorder } from '../../reports/recorder.js';
import type { DeploymentSample, RunRecord } from '../../reports/types.js';
import { checkHtml } from '../helpers/reports-html.js';
import { handRun, handSample } from '../helpers/reports-hand-run.js';

const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-9;

/**
 * Buckets of 100 s over 250 s. Availability: 1 until 30, 0.9 until 60, 1 until 150, 0.99 from 150 on.
 * Healing: a re-placement at 60, a repair at 100 (the boundary: bucket 1), a re-apply at 240.
 */
function deploymentRun(): RunRecord {
  const rec = new RunRecorder({ bucketS: 100, seed: 1, scenario: 'deployments' });
  let d: DeploymentSample = { availableFraction: 1, replacements: 0, repairs: 0, reapplies: 0 };
  const at = (s: number, change: Partial<DeploymentSample>): void => {
    d = { ...d, ...change };
    rec.sample(s, { ...handSample(20, 0, 0), deployments: d });
  };
  at(0, {});
  at(30, { availableFraction: 0.9 });
  at(60, { availableFraction: 1, replacements: 1 });
  at(100, { repairs: 1 });
  at(150, { availableFraction: 0.99 });
  at(240, { reapplies: 1 });
  return rec.finish(250);
}

test('the available fraction: time-weighted mean and minimum per bucket, whole-run figures', (t) => {
  const r = deploymentRun();
  const [b0, b1, b2] = r.buckets.map((b) => b.deployments!);
  // [0,30) at 1, [30,60) at 0.9, [60,100) at 1 → 0.97; [100,150) at 1, [150,200) at 0.99 → 0.995.
  t.true(close(b0!.availableFractionMean, 0.97));
  t.true(close(b1!.availableFractionMean, 0.995));
  t.true(close(b2!.availableFractionMean, 0.99));
  t.deepEqual([b0!.availableFractionMin, b1!.availableFractionMin, b2!.availableFractionMin], [0.9, 0.99, 0.99], 'the 0.99 held into bucket 2 is its minimum');
  const d = r.deployments!;
  t.is(d.availableFractionMin, 0.9);
  t.is(d.availableFractionMinAtS, 30);
  // (30·1 + 30·0.9 + 90·1 + 100·0.99) / 250.
  t.true(close(d.availableFractionMean, (30 + 27 + 90 + 99) / 250));
  t.is(d.belowThreeNinesS, 30 + 100, 'below 99.9 %: at 0.9 for 30 s and at 0.99 for 100 s');
  t.is(d.belowFourNinesS, 130);
});

test('healing counts land in the bucket of their instant; re-placements also count as workloads replaced', (t) => {
  const r = deploymentRun();
  t.deepEqual(r.buckets.map((b) => [b.deployments!.replacements, b.deployments!.repairs, b.deployments!.reapplies]), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  t.deepEqual(r.buckets.map((b) => b.workloadsReplaced), [1, 0, 0]);
  t.like(r.deployments, { replacements: 1, repairs: 1, reapplies: 1 });
  t.is(r.totals.workloadsReplaced, 1);
});

test('the columns and summary rows appear only for records that tracked deployments', (t) => {
  const r = deploymentRun();
  const lines = timeseriesCsv(r).split('\n');
  const head = lines[0]!.split(',');
  const column = (name: string): string[] => lines.slice(1, 4).map((l) => l.split(',')[head.indexOf(name)]!);
  t.deepEqual(column('deploymentsAvailableFractionMin'), ['0.9', '0.99', '0.99']);
  t.deepEqual(column('deploymentsAvailableFractionMean'), ['0.97', '0.995', '0.99']);
  t.deepEqual(column('healingRepairsCount'), ['0', '1', '0']);
  const summary = summaryCsv(r, capacityPlan(r));
  t.regex(summary, /^deploymentsAvailableFractionMin,0\.9$/m);
  t.regex(summary, /^deploymentsBelowThreeNinesS,130$/m);
  t.regex(summary, /^healingReappliesCount,1$/m);
  const plain = handRun();
  t.false(timeseriesCsv(plain).includes('deploymentsAvailable'));
  t.false(summaryCsv(plain, capacityPlan(plain)).includes('healing'));
  t.false(reportHtml(plain, capacityPlan(plain)).includes('chart-availability'));
});

test('report.html draws availability on a nines axis and tabulates healing', (t) => {
  const r = deploymentRun();
  const html = reportHtml(r, capacityPlan(r));
  t.deepEqual(checkHtml(html).problems, [], 'the added section keeps the page well-formed');
  t.true(html.includes('id="chart-healing"'));
  const chart = /<svg class="chart" id="chart-availability".*?<\/svg>/s.exec(html)?.[0] ?? '';
  for (const label of ['90 %', '99 %', '99.9 %', '99.99 %']) t.true(chart.includes(`>${label}</text>`), label);
  t.regex(html, /<table id="healing-summary">[\s\S]*zstor repairs<\/td><td class="num">1</);
  t.true(close(nines(0.999), 3));
  t.true(close(nines(0.9999), 4));
  t.is(nines(1), 6, 'full availability sits at the ceiling, not at infinity');
  t.is(ninesLabel(3), '99.9 %');
  t.is(ninesLabel(0), '0 %');
});

test('a fraction outside [0, 1] or a healing count going back is a runner bug', (t) => {
  const rec = new RunRecorder({ bucketS: 100, seed: 1, scenario: 'bad' });
  t.throws(() => rec.sample(0, { ...handSample(20, 0, 0), deployments: { availableFraction: 1.5, replacements: 0, repairs: 0, reapplies: 0 } }), { message: /availableFraction/ });
  rec.sample(1, { ...handSample(20, 0, 0), deployments: { availableFraction: 1, replacements: 2, repairs: 0, reapplies: 0 } });
  t.throws(() => rec.sample(2, { ...handSample(20, 0, 0), deployments: { availableFraction: 1, replacements: 1, repairs: 0, reapplies: 0 } }), { message: /cumulative/ });
});
