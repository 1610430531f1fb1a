// QuantileDigest: exact nearest-rank answers while small, within its stated relative error once
// it is a sketch, and independent of the order values arrive in.

import test from 'ava';
import fc from 'fast-check';
import { QuantileDigest } from '../../reports/quantile-digest.js';
import { percentile } from '../../sim/engine/stats.js';

test('exact mode: nearest-rank percentiles of 10, 20, …, 100', (t) => {
  const d = new QuantileDigest(1024, 0.01);
  for (const v of [70, 10, 100, 40, 20, 90, 30, 60, 80, 50]) d.add(v);
  t.true(d.isExact);
  // Ranks ceil(q·10): 5 → 50, 10 → 100 for p95 and p99, 1 → 10 for p0.
  t.deepEqual(d.quantiles([0.5, 0.95, 0.99, 0]), [50, 100, 100, 10]);
  t.is(d.mean, 55);
  t.is(d.max, 100);
});

test('empty digest answers NaN, and bad values stop loudly', (t) => {
  const d = new QuantileDigest(4, 0.01);
  t.deepEqual(d.quantiles([0.5]), [NaN]);
  t.true(Number.isNaN(d.mean));
  t.throws(() => d.add(-1), { message: /≥ 0/ });
  t.throws(() => d.add(NaN), { message: /≥ 0/ });
  t.throws(() => new QuantileDigest(4, 1), { message: /relative accuracy/ });
});

test('sketch mode: 1..1000 within 1 % of the exact nearest-rank values', (t) => {
  const d = new QuantileDigest(16, 0.01);
  for (let v = 1; v <= 1000; v++) d.add(v);
  t.false(d.isExact);
  const [p50, p95, p99] = d.quantiles([0.5, 0.95, 0.99]);
  for (const [got, exact] of [[p50!, 500], [p95!, 950], [p99!, 990]] as const) {
    t.true(Math.abs(got - exact) <= 0.01 * exact, `${got} vs ${exact}`);
  }
});

test('property: sketch quantiles are within α of exact ones, and order does not matter', (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 1e7, noNaN: true })), { minLength: 1, maxLength: 300 }),
      fc.constantFrom(0, 0.01, 0.37, 0.5, 0.95, 0.99, 1),
      (values, q) => {
        const alpha = 0.01;
        const forward = new QuantileDigest(0, alpha);
        const backward = new QuantileDigest(0, alpha);
        values.forEach((v) => forward.add(v));
        [...values].reverse().forEach((v) => backward.add(v));
        const exact = percentile(Float64Array.from(values).sort(), q);
        const [got] = forward.quantiles([q]);
        if (Math.abs(got! - exact) > alpha * exact * (1 + 1e-12)) return false;
        return got === backward.quantiles([q])[0];
      },
    ),
    { seed: 5, numRuns: 300 },
  );
  t.pass();
});
