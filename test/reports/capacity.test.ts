// Capacity maths against textbook values: Wilson intervals, the Poisson upper bound against the
// exact chi-square one, headroom and durability on the hand run.

import test from 'ava';
import { durability, headroom, nodeAvailability, poissonUpperBound, wilsonInterval, yearS } from '../../reports/capacity.js';
import type { NodeRow, RunTotals } from '../../reports/types.js';
import { handRun } from '../helpers/reports-hand-run.js';

const near = (a: number, b: number, tol = 1e-4): boolean => Math.abs(a - b) <= tol;

test('Wilson interval: all or none of 10 trials, and 50 of 100', (t) => {
  // With no failures the bounds are n/(n+z²) and z²/(n+z²); z² = 3.8415.
  const all = wilsonInterval(10, 10);
  t.true(near(all.low, 10 / 13.8415) && all.high === 1, JSON.stringify(all));
  const none = wilsonInterval(0, 10);
  t.true(near(none.high, 3.8415 / 13.8415) && none.low === 0, JSON.stringify(none));
  const half = wilsonInterval(50, 100);
  t.true(near(half.low, 0.4038) && near(half.high, 0.5962), JSON.stringify(half));
  t.true(Number.isNaN(wilsonInterval(0, 0).estimate));
});

test('Poisson 95 % upper bound: rule of three at k = 0, chi-square at k = 10', (t) => {
  t.true(Math.abs(poissonUpperBound(0) - 2.996) / 2.996 < 0.01, String(poissonUpperBound(0)));
  // Exact: χ²(0.95; 22) / 2 = 16.962.
  t.true(Math.abs(poissonUpperBound(10) - 16.962) < 0.01, String(poissonUpperBound(10)));
});

test('headroom: threshold over peak, the smallest multiplier binds, unused resources never do', (t) => {
  const h = headroom({ usedFractionPeak: { cru: 0.5, mru: 0.6, sru: 0, hru: 0.19 } });
  const by = Object.fromEntries(h.resources.map((r) => [r.resource, r]));
  t.is(h.binding, 'mru');
  t.true(near(by.mru!.loadMultiplier, 1.5)); // 0.9 / 0.6
  t.true(near(by.mru!.capacityLossFraction, 1 / 3)); // 1 − 0.6 / 0.9
  t.true(near(by.cru!.loadMultiplier, 2));
  t.is(by.sru!.loadMultiplier, Infinity);
  t.true(near(by.hru!.loadMultiplier, 5));
  t.is(headroom({ usedFractionPeak: { cru: 0.5, mru: 0.6, sru: 0, hru: 0 } }, { cru: 0.5, mru: 0.9, sru: 1, hru: 1 }).binding, 'cru');
});

test('availability: node-time up with one trial per mean down episode', (t) => {
  const nodes = [
    { id: 1, upS: 900, downS: 100, downEvents: 1 },
    { id: 2, upS: 1000, downS: 0, downEvents: 0 },
  ] as NodeRow[];
  const a = nodeAvailability(nodes, 3600);
  t.is(a.estimate, 0.95);
  t.is(a.correlationS, 100);
  t.is(a.trials, 20);
  const w = wilsonInterval(19, 20);
  t.is(a.low, w.low);
  t.is(a.high, w.high);
  // No downtime: the fallback decides how many trials, and the upper bound is 1.
  const perfect = nodeAvailability([{ id: 1, upS: 7200, downS: 0, downEvents: 0 } as NodeRow], 3600);
  t.like(perfect, { estimate: 1, high: 1, trials: 2 });
});

test('durability: objects lost per TB-year and NOMDL bytes per TB', (t) => {
  const totals = { zstorStoredBytesMean: 4e12, zstorObjectsLost: 2, zstorLostBytes: 1e6 } as RunTotals;
  const d = durability(totals, yearS / 2);
  t.is(d.exposureTBYears, 2);
  t.is(d.objectsLostPerTBYear, 1);
  t.is(d.nomdlBytesPerTB, 250000);
  t.is(d.lostBytesPerTBYear, 500000);
  t.true(near(d.objectsLostPerTBYearUpper95, poissonUpperBound(2) / 2));
  // Nothing stored: rates are not defined rather than zero.
  t.true(Number.isNaN(durability({ ...totals, zstorStoredBytesMean: 0 }, yearS).objectsLostPerTBYear));
});

test('the hand run: 80 % node availability, Wilson over 5 trials', (t) => {
  const r = handRun();
  const a = nodeAvailability(r.nodes, r.bucketS);
  t.is(a.estimate, 0.8);
  t.true(near(a.low, 0.37553) && near(a.high, 0.96378), JSON.stringify(a));
});
