// The exact formulas against the figures printed in ANCHORS 4.1 (to their printed precision).
import test from 'ava';
import { erlangC, mm1Exact, mmcExact, serviceLevel } from '../../sim/validate/queueing-exact.js';

const close = (actual: number, expected: number, digits: number): boolean => Math.abs(actual - expected) <= 0.5 * 10 ** -digits;

test('M/M/1 λ=1 μ=1.1: L = W = 10, Wq = Lq = 9.0909', (t) => {
  const f = mm1Exact(1, 1.1);
  t.true(close(f.L, 10, 9) && close(f.W, 10, 9), JSON.stringify(f));
  t.true(close(f.Wq, 9.0909, 4) && close(f.Lq, 9.0909, 4));
});

test('M/M/c with one server agrees with the M/M/1 closed forms', (t) => {
  for (const [l, m] of [[1, 1.1], [0.9, 1], [0.3, 2]] as const) {
    const a = mm1Exact(l, m);
    const c = mmcExact(l, m, 1);
    for (const k of ['L', 'W', 'Wq', 'Lq'] as const) t.true(Math.abs(a[k] - c[k]) < 1e-9 * a[k], k);
    t.true(Math.abs(c.erlangC - l / m) < 1e-12);
  }
});

test('Erlang C c=3 a=2: C = 4/9, Wq = 0.4444, L = 2.889', (t) => {
  const f = mmcExact(2, 1, 3);
  t.true(Math.abs(f.erlangC - 4 / 9) < 1e-12);
  t.true(close(f.Wq, 0.4444, 4) && close(f.L, 2.889, 3), JSON.stringify(f));
});

test('call centre: 360 calls / 30 min, AHT 240 s, 55 agents', (t) => {
  const lambda = 360 / 1800;
  const mu = 1 / 240;
  const f = mmcExact(lambda, mu, 55);
  t.true(close(lambda / mu, 48, 9));
  t.true(close(lambda / mu / 55, 0.8727, 4), 'occupancy 87.27 %');
  t.true(close(f.erlangC, 0.2387, 4), `P(wait) ${f.erlangC}`);
  t.true(close(f.Wq, 8.18, 2), `ASA ${f.Wq}`);
  t.true(close(serviceLevel(lambda, mu, 55, 15), 0.8459, 4), 'SL(15 s) 84.59 %');
  t.true(close(f.L, 49.64, 2));
});

test('staffing λ=30/h, 5 min: C(3..6) and the minimum c for ≥ 90 % no-wait is 6', (t) => {
  const a = 2.5;
  t.deepEqual([3, 4, 5, 6].map((c) => Math.round(erlangC(c, a) * 1e4) / 1e4), [0.7022, 0.3199, 0.1304, 0.0474]);
  const minimum = [3, 4, 5, 6, 7].find((c) => 1 - erlangC(c, a) >= 0.9);
  t.is(minimum, 6);
});
