// The latency chart's bins: whole buckets, at most maxBins of them; each bin's percentiles are its
// buckets' weighted by operations (exact for one bucket); bins without operations leave gaps.
import test from 'ava';
import { binLatency, bucketsPerBin, latencyBandsChart, maxBins } from '../../reports/html/latency-bands.js';
import type { BucketRow, RunRecord } from '../../reports/types.js';
import { fixtureRun } from '../helpers/reports-fixture.js';

/** Only what the bins read: operations and their percentiles. */
function bucket(count: number, p50: number, p95: number, p99: number): BucketRow {
  return { ops: { count, errors: 0, latencyMs: { p50, p95, p99 } } } as unknown as BucketRow;
}

test('bins hold whole buckets, at most maxBins, as wide as a round duration: a year of hours is 53 bins of 7 d', (t) => {
  t.is(bucketsPerBin(12, 3600), 1);
  t.is(bucketsPerBin(maxBins, 3600), 1);
  t.is(bucketsPerBin(maxBins + 1, 3600), 2);
  t.is(bucketsPerBin(8767, 3600), 7 * 24);
  t.is(Math.ceil(8767 / bucketsPerBin(8767, 3600)), 53);
  t.is(bucketsPerBin(200, 21600), 4, '4 × 6 h = 1 d');
  // No round width is a whole number of 7 s buckets: the fewest whole buckets instead.
  t.is(bucketsPerBin(1000, 7), 17);
});

test('a bin is its buckets weighted by operations; an empty bucket weighs nothing; an empty bin is NaN', (t) => {
  const bins = binLatency([bucket(1, 10, 20, 30), bucket(3, 50, 60, 70), bucket(0, NaN, NaN, NaN), bucket(0, NaN, NaN, NaN)], 2);
  t.deepEqual(bins[0], { first: 0, end: 2, count: 4, p50: 40, p95: 50, p99: 60 });
  t.is(bins[1]!.count, 0);
  t.true(Number.isNaN(bins[1]!.p50));
  t.deepEqual(binLatency([bucket(5, 1, 2, 3)], 1)[0], { first: 0, end: 1, count: 5, p50: 1, p95: 2, p99: 3 }, 'one bucket: its own figures');
});

test('a long run draws at most maxBins rects per band, and a gap in operations splits the median line', (t) => {
  const long = fixtureRun({ durationS: 60 * 86400, bucketS: 3600 });
  const axis = { xs: long.buckets.map((b) => b.startS / 86400), xDomain: [0, 60] as const, xLabel: 'simulated time (days), bucket start; buckets of 3600 s' };
  const [svg] = latencyBandsChart(long, axis, 86400);
  const band = (name: string): string => svg!.slice(svg!.indexOf(`data-series="${name}"`), svg!.indexOf('</g>', svg!.indexOf(`data-series="${name}"`)));
  t.is(band('p95–p99').split('<rect').length - 1, 60, '1440 hourly buckets in 60 bins of 24 h');
  t.regex(svg!, />simulated time \(days\), bins of 1d<\/text>/);
  // No operation at all in days 20–30: the median stops and starts again.
  const gap: RunRecord = { ...long, buckets: long.buckets.map((b, i) => (i >= 20 * 24 && i < 30 * 24 ? { ...b, ops: { count: 0, errors: 0, latencyMs: { p50: NaN, p95: NaN, p99: NaN } } } : b)) };
  const [gapped] = latencyBandsChart(gap, axis, 86400);
  t.is(gapped!.slice(gapped!.indexOf('data-series="p50"')).split('<path').length - 1, 2);
  t.deepEqual(latencyBandsChart({ ...long, buckets: long.buckets.map((b) => ({ ...b, ops: { count: 0, errors: 0, latencyMs: { p50: NaN, p95: NaN, p99: NaN } } })) }, axis, 86400), [], 'no operations: no chart');
});
