// RunRecorder: time-weighted bucketing, counters and exact percentiles checked against values
// computed by hand (see helpers/reports-hand-run.ts), misuse rejected, and memory bounded at scale.

import test from 'ava';
import { RunRecorder } from '../../reports/recorder.js';
import { handRun, handSample } from '../helpers/reports-hand-run.js';

const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-9;

test('gauges are time-weighted per bucket, maxima include the value held into a bucket', (t) => {
  const r = handRun();
  t.deepEqual(
    r.buckets.map((b) => [b.startS, b.endS]),
    [[0, 100], [100, 200], [200, 250]],
  );
  const [b0, b1, b2] = r.buckets;
  // [0,50) at 20 %, [50,100) at 60 % → 40 %; [100,150) at 60 %, [150,200) at 40 % → 50 %.
  t.true(close(b0!.usedFractionMean.cru, 0.4));
  t.true(close(b1!.usedFractionMean.cru, 0.5));
  t.true(close(b2!.usedFractionMean.cru, 0.4));
  t.true(close(b1!.usedFractionMax.cru, 0.6), 'the 60 % sample held across 100 s counts in bucket 1');
  t.true(close(b0!.usedFractionMean.mru, 0.2));
  t.is(b0!.nodesUpMean, 9);
  t.is(b0!.nodesDownMax, 2);
  t.is(b1!.queueDepthMean, 1);
  t.is(b1!.queueDepthMax, 2);
  t.is(b2!.nodesDownMax, 0);
  // The whole run: (20·50 + 60·100 + 40·100) / 250.
  t.true(close(r.totals.usedFractionMean.cru, 0.44));
  t.true(close(r.totals.usedFractionPeak.cru, 0.6));
});

test('counters land in the bucket of their instant', (t) => {
  const r = handRun();
  t.deepEqual(r.buckets.map((b) => b.workloadsReplaced), [2, 0, 0]);
  t.deepEqual(r.buckets.map((b) => b.repairBytes), [5e9, 1e9, 0]);
  t.deepEqual(r.buckets.map((b) => b.zstorObjectsLost), [0, 3, 0]);
  t.is(r.totals.zstorLostBytes, 3000);
  t.deepEqual(r.totals.events, [['custom-thing', 1], ['object-lost', 1], ['repair', 2], ['workload-replaced', 2]]);
});

test('latency percentiles per bucket and kind are exact nearest-rank values', (t) => {
  const r = handRun();
  const [b0, b1, b2] = r.buckets;
  // 2000, 3000, …, 21000 ms: ranks ceil(0.5·20) = 10, ceil(0.95·20) = 19, ceil(0.99·20) = 20.
  t.deepEqual(b0!.ops, { count: 20, errors: 0, latencyMs: { p50: 11000, p95: 20000, p99: 21000 } });
  t.deepEqual([...b0!.opsByKind.keys()], ['a']);
  t.deepEqual(b1!.opsByKind.get('b'), { count: 1, errors: 1, latencyMs: { p50: 1000, p95: 1000, p99: 1000 } });
  t.is(b2!.ops.count, 0);
  t.true(Number.isNaN(b2!.ops.latencyMs.p50));
  t.deepEqual(r.kinds, ['a', 'b']);
  const [a, b] = r.operations;
  t.like(a, { kind: 'a', count: 20, errors: 0, latencyMsMean: 11500, latencyMsMax: 21000, waitMsMean: 1000 });
  t.like(b, { kind: 'b', count: 1, errors: 1, waitMs: { p50: 500, p95: 500, p99: 500 } });
});

test('node uptime, down episodes and order', (t) => {
  const r = handRun();
  t.deepEqual(
    r.nodes.map((n) => [n.id, n.upS, n.downS, n.downEvents, n.up]),
    [
      [1, 150, 100, 1, true],
      ['x', 250, 0, 0, true],
    ],
  );
});

test('going back into a closed bucket, bad operation times and calls after finish throw', (t) => {
  const rec = new RunRecorder({ seed: 1, scenario: 's', bucketS: 10 });
  rec.sample(5, handSample(10, 0, 0));
  rec.event(3, 'repair', { bytes: 1 }); // still the open bucket: allowed
  t.throws(() => rec.sample(4, handSample(10, 0, 0)), { message: /older than/ });
  rec.sample(25, handSample(10, 0, 0));
  t.throws(() => rec.event(15, 'repair'), { message: /closed bucket/ });
  t.throws(() => rec.operation({ id: 'o', kind: 'k', submittedS: 30, startedS: 29, finishedS: 31, state: 'ok' }), { message: /submittedS ≤ startedS/ });
  t.throws(() => rec.event(26, 'repair', { bytes: -1 }), { message: /bytes/ });
  t.throws(() => rec.sample(26, { ...handSample(10, 0, 0), queueDepth: NaN }), { message: /queueDepth/ });
  rec.finish(30);
  t.throws(() => rec.sample(40, handSample(10, 0, 0)), { message: /after finish/ });
  t.throws(() => new RunRecorder({ seed: 1, scenario: 's', bucketS: 0 }), { message: /bucketS/ });
});

test('a run ending on a bucket boundary has no empty trailing bucket; gaps are filled by the held sample', (t) => {
  const rec = new RunRecorder({ seed: 1, scenario: 's', bucketS: 10, startS: 100 });
  rec.sample(100, handSample(50, 0, 0));
  const r = rec.finish(140);
  t.deepEqual(r.buckets.map((b) => [b.startS, b.endS, b.usedFractionMean.cru]), [
    [100, 110, 0.5],
    [110, 120, 0.5],
    [120, 130, 0.5],
    [130, 140, 0.5],
  ]);
});

test('a year of hourly buckets for 10,000 nodes stays bounded: the sketch replaces kept samples', (t) => {
  const rec = new RunRecorder({ seed: 1, scenario: 'year', bucketS: 3600, exactSamples: 256 });
  const nodes = 10_000;
  for (let i = 0; i < nodes; i++) rec.node(0, { id: i, up: true });
  const yearS = 365 * 86400;
  let op = 0;
  for (let t = 0; t < yearS; t += 900) {
    rec.sample(t, handSample(30 + (t % 7), t % 5, t % 3));
    // 40 operations per 15 min: 1.4 million in the year, far more than is kept.
    for (let k = 0; k < 40; k++) rec.operation({ id: `o${op}`, kind: k % 2 ? 'x' : 'y', submittedS: t, startedS: t, finishedS: t + ((op++ * 7919) % 600), state: 'ok' });
    if (t % 86400 === 0) rec.node(t, { id: (t / 86400) % nodes, up: (t / 86400) % 2 === 0 });
  }
  const heapBefore = process.memoryUsage().heapUsed;
  const r = rec.finish(yearS);
  t.is(r.buckets.length, 8760);
  t.is(r.nodes.length, nodes);
  t.is(r.operations.reduce((a, o) => a + o.count, 0), op);
  // Whole-run percentiles come from sketches: bounded by value range, not by 1.4 M samples.
  t.true(r.operations[0]!.latencyMs.p99 > 0);
  t.log(`heap used after feeding a year: ${Math.round(heapBefore / 2 ** 20)} MiB`);
});
