// The engine's M/M/c against Erlang C: the ANCHORS 4.1 golden cases within 2 %, and random
// parameters outside that table (fast-check, fixed seed so a failure replays).
import test from 'ava';
import fc from 'fast-check';
import { validateQueue } from '../../sim/validate/queueing.js';

test('Erlang C c=3 a=2: L, W, Wq, P(wait) within 2 % at 4·10^6 customers', (t) => {
  const v = validateQueue({ lambdaPerS: 2, muPerS: 1, servers: 3, customers: 4_000_000, seed: 42 });
  for (const k of ['L', 'W', 'Wq'] as const) t.true(Math.abs(v.relError[k]) < 0.02, `${k}: ${v.measured[k]} vs ${v.exact[k]}`);
  t.true(Math.abs(v.measured.erlangC - 4 / 9) / (4 / 9) < 0.02);
});

test('call centre (c=55, A=48 E): L, W, ASA and P(wait) within 2 % at 10^7 customers', (t) => {
  // ASA (Wq) is small against W here, so its CI is the widest: about ±3 % (95 %) at 10^7.
  const v = validateQueue({ lambdaPerS: 0.2, muPerS: 1 / 240, servers: 55, customers: 10_000_000, seed: 42 });
  for (const k of ['L', 'W', 'Wq'] as const) t.true(Math.abs(v.relError[k]) < 0.02, `${k}: ${v.measured[k]} vs ${v.exact[k]}`);
  t.true(Math.abs(v.measured.erlangC - 0.2387) / 0.2387 < 0.02, `P(wait) ${v.measured.erlangC}`);
  t.log(JSON.stringify(v.relError), JSON.stringify(v.measured.relHalfWidth95));
});

test('random stable queues: L and W within 2 % at 10^6 customers; Wq inside its CI', (t) => {
  // Wq of a many-server queue at moderate load is tiny, so its relative CI can be ±10 % at 10^6;
  // it is held to 2 % or 1.5 × its own 95 % half-width (≈ 3 σ), whichever is wider.
  const params = fc.record({
    servers: fc.integer({ min: 1, max: 12 }),
    rho: fc.double({ min: 0.3, max: 0.85, noNaN: true }),
    muPerS: fc.double({ min: 0.05, max: 20, noNaN: true }),
    seed: fc.integer({ min: 0, max: 1e6 }),
  });
  fc.assert(
    fc.property(params, ({ servers, rho, muPerS, seed }) => {
      const v = validateQueue({ lambdaPerS: rho * servers * muPerS, muPerS, servers, customers: 1_000_000, seed });
      const wqTolerance = Math.max(0.02, 1.5 * v.measured.relHalfWidth95.Wq);
      if (Math.abs(v.relError.L) >= 0.02 || Math.abs(v.relError.W) >= 0.02 || Math.abs(v.relError.Wq) >= wqTolerance) {
        throw new Error(`c=${servers} ρ=${rho} μ=${muPerS} seed=${seed}: ${JSON.stringify(v.relError)}`);
      }
    }),
    { seed: 20261125, numRuns: 6 },
  );
  t.pass();
});
