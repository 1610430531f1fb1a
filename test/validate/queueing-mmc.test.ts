// The engine's M/M/c against Erlang C: the ANCHORS 4.1 golden cases within 2 %, and random
// parameters outside that table (fast-check, fixed seed so a failure replays). Every figure is
// checked against its 95 % batch-means CI (two independent replications in parallel worker threads,
// 2 × 20 batches pooled): the exact value inside it, and, where the test claims 2 %, the CI
// narrower than ±2 %, so the claim is a statistical one and no more customers are run than it needs.
import test from 'ava';
import fc from 'fast-check';
import { ciProblems, describeCi, exactOf, validateInParallel } from './queue-replications.js';

test('Erlang C c=3 a=2: L, W, Wq, P(wait) inside their 95 % CIs, each narrower than ±2 %, at 2 × 10^6 customers (was 4·10^6)', async (t) => {
  const v = await validateInParallel({ lambdaPerS: 2, muPerS: 1, servers: 3, customers: 1_000_000, seed: 42 }, 2);
  t.true(Math.abs(exactOf(v, 'erlangC', 2 / 3) - 4 / 9) < 1e-12);
  for (const k of ['L', 'W', 'Wq', 'erlangC'] as const) {
    const exact = exactOf(v, k, 2 / 3);
    t.log(describeCi(v, k, exact));
    t.deepEqual(ciProblems(v, k, exact, 0.02), []);
  }
});

test('call centre (c=55, A=48 E): L, W, ASA and P(wait) within 2 % at 2 × 5·10^6 customers, inside their CIs', async (t) => {
  const v = await validateInParallel({ lambdaPerS: 0.2, muPerS: 1 / 240, servers: 55, customers: 5_000_000, seed: 42 }, 2);
  t.true(Math.abs(exactOf(v, 'erlangC', 48 / 55) - 0.2387) < 5e-5, 'P(wait) 0.2387 (ANCHORS)');
  for (const k of ['L', 'W', 'erlangC'] as const) {
    const exact = exactOf(v, k, 48 / 55);
    t.log(describeCi(v, k, exact));
    t.deepEqual(ciProblems(v, k, exact, 0.02), []);
  }
  // ASA (Wq) is small against W here, so its CI is the widest: about ±2.5 % (95 %) at 10^7; a CI
  // narrower than ±2 % would take about 1.6·10^7 customers. So it is held, as before, to 2 % of the
  // exact value and, in addition, to lie inside its own CI (printed).
  const wq = v.measured.ci95.Wq;
  t.log(describeCi(v, 'Wq', v.exact.Wq));
  t.true(Math.abs(v.relError.Wq) < 0.02, `ASA ${v.measured.Wq} vs ${v.exact.Wq}`);
  t.true(v.exact.Wq >= wq.low && v.exact.Wq <= wq.high, 'exact ASA inside its 95 % CI');
});

test('random stable queues: L and W within 2 % with CIs narrower than ±2 %; every figure within 1.5 CI half-widths', async (t) => {
  const params = fc.record({
    servers: fc.integer({ min: 1, max: 12 }),
    rho: fc.double({ min: 0.3, max: 0.85, noNaN: true }),
    muPerS: fc.double({ min: 0.05, max: 20, noNaN: true }),
    seed: fc.integer({ min: 0, max: 1e6 }),
  });
  // The values fc.assert({ seed, numRuns: 6 }) would draw, each run as 2 × 5·10^5 customers
  // (10^6, as before) in worker threads. Wq and P(wait) of a many-server queue at moderate load are
  // tiny, so their relative CIs can be ±10 %; 24 figures are checked, so each is held to 1.5 × its
  // 95 % half-width (≈ 3 σ, as before for Wq) rather than to the 95 % CI itself, which would fail
  // about once in 20 figures on a correct engine. L and W are also held to 2 % and a CI under ±2 %.
  for (const { servers, rho, muPerS, seed } of fc.sample(params, { seed: 20261125, numRuns: 6 })) {
    const v = await validateInParallel({ lambdaPerS: rho * servers * muPerS, muPerS, servers, customers: 500_000, seed }, 2);
    const where = `c=${servers} ρ=${rho} μ=${muPerS} seed=${seed}`;
    for (const k of ['L', 'W', 'Wq', 'erlangC'] as const) {
      const exact = exactOf(v, k, rho);
      const ci = v.measured.ci95[k];
      t.log(where, describeCi(v, k, exact));
      t.true(Math.abs(ci.estimate - exact) <= 1.5 * ci.halfWidth, `${where}: ${describeCi(v, k, exact)}`);
    }
    for (const k of ['L', 'W'] as const) {
      const ci = v.measured.ci95[k];
      t.true(Math.abs(v.relError[k]) < 0.02 && ci.relHalfWidth < 0.02, `${where}: ${describeCi(v, k, v.exact[k])}`);
    }
    // The old rule for Wq, kept: 2 % or 1.5 × its own 95 % half-width, whichever is wider.
    t.true(Math.abs(v.relError.Wq) < Math.max(0.02, 1.5 * v.measured.relHalfWidth95.Wq), where);
  }
});
