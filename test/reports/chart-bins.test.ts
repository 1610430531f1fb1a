// The time charts' bins: each column folds as its meaning asks, and a long run comes out at most
// maxChartPoints points with its counts intact.
import test from 'ava';
import { chartRecord, foldBuckets, maxChartPoints } from '../../reports/html/chart-bins.js';
import { fixtureRun } from '../helpers/reports-fixture.js';

test('means weighted by bucket width, maxima kept, per-bucket counts added, latency weighted by operations', (t) => {
  const [a, b] = fixtureRun({ durationS: 2 * 3600, bucketS: 3600 }).buckets;
  const short = { ...b!, endS: b!.startS + 1200 }; // a last bucket cut short by the run's end
  const row = (r: typeof a, n: number) => ({ ...r!, nodesDownMean: n, nodesDownMax: n * 2, workloadsReplaced: n, ops: { count: n, errors: 0, latencyMs: { p50: n * 10, p95: n * 20, p99: n * 30 } } });
  const folded = foldBuckets([row(a, 1), row(short, 4)]);
  t.is(folded.startS, a!.startS);
  t.is(folded.endS, short.endS);
  t.is(folded.nodesDownMean, (1 * 3600 + 4 * 1200) / 4800);
  t.is(folded.nodesDownMax, 8);
  t.is(folded.workloadsReplaced, 5);
  t.deepEqual(folded.ops, { count: 5, errors: 0, latencyMs: { p50: (10 + 4 * 40) / 5, p95: (20 + 4 * 80) / 5, p99: (30 + 4 * 120) / 5 } });
});

test('a long run is drawn in at most maxChartPoints bins of a round width, counts intact; a short one as it is', (t) => {
  const long = fixtureRun({ durationS: 60 * 86400, bucketS: 3600 });
  const { record, perBin } = chartRecord(long);
  t.is(perBin, 12, '1440 hours in bins of 12 h');
  t.true(record.buckets.length <= maxChartPoints);
  const replaced = (r: typeof long) => r.buckets.reduce((n, b) => n + b.workloadsReplaced, 0);
  t.is(replaced(record), replaced(long));
  const short = fixtureRun({ durationS: 3 * 86400 });
  t.is(chartRecord(short).record, short);
});
