import test from 'ava';
import { constant, exponentialFromMean, uniform, weibull } from '../../sim/engine/distributions.js';
import { RngStreams } from '../../sim/engine/rng.js';
import { Simulation } from '../../sim/engine/simulation.js';
import {
  FailureModel,
  HOURS_PER_YEAR,
  SECONDS_PER_YEAR,
  afrToMttfS,
  exponentialFromAfr,
  mttfSToAfr,
  type CorrelatedEventRecord,
  type FailureCallbacks,
  type FailureModelOptions,
} from '../../sim/hardware/failures.js';

const H = 3600;

/** A model on a fresh simulation, with a callback recorder; `extra` overrides the callbacks. */
function setup(seed: string | number, options: Omit<FailureModelOptions, 'rng'>, extra: Partial<FailureCallbacks> = {}) {
  const sim = new Simulation();
  const trace: string[] = [];
  const records: CorrelatedEventRecord[] = [];
  const callbacks: FailureCallbacks = {
    onFail: (host, cause) => trace.push(`${sim.nowS} fail ${host} ${cause}`),
    onRepair: (host) => trace.push(`${sim.nowS} repair ${host}`),
    onCorrelatedEvent: (record) => records.push(record),
    ...extra,
  };
  const model = new FailureModel(sim, { ...options, rng: new RngStreams(seed).stream('failures') }, callbacks);
  model.start();
  return { sim, model, trace, records };
}

/** Within k standard errors; the message carries the figures so a failure explains itself. */
function near(t: { true(v: boolean, m?: string): void }, actual: number, expected: number, tolerance: number, what: string): void {
  t.true(Math.abs(actual - expected) <= tolerance, `${what}: got ${actual}, expected ${expected} ± ${tolerance}`);
}

test('AFR ↔ MTTF uses the exact exponential relation and reproduces the anchors', (t) => {
  // Backblaze 2024 fleet AFR 1.57 % ⇔ MTTF ≈ 554 k h; datasheet MTBF 2.5 M h ⇔ AFR 0.35 % (ANCHORS 4.3).
  near(t, afrToMttfS(0.0157) / H, 553_949, 1, 'MTTF h at AFR 1.57 %');
  near(t, mttfSToAfr(2.5e6 * H), 0.0035003, 1e-7, 'AFR at 2.5 M h');
  // Exact, not AFR ≈ year/MTTF: 1.5 % gives 580 006 h, not the 584 400 h of the approximation.
  near(t, afrToMttfS(0.015) / H, 580_005.96, 0.01, 'MTTF h at AFR 1.5 %');
  near(t, mttfSToAfr(afrToMttfS(0.2)), 0.2, 1e-15, 'round trip');
  t.is(SECONDS_PER_YEAR, 8766 * 3600);
  t.throws(() => afrToMttfS(0));
  t.throws(() => afrToMttfS(1));
});

/*
 * 100 000 hosts, 20 years, AFR 5 %, exponential repairs of mean 24 h. Each host is an alternating
 * renewal process, so E[failures] = N·T/(MTTF + MTTR) = N·years·λ·MTTF/(MTTF+MTTR) with λ = −ln(1 − AFR)
 * per year: 102 572. Counts are close to Poisson (slightly under-dispersed), so SE ≈ √102 572 = 320;
 * the tolerance is 4 SE = 1 281 (1.25 %), which rejects using the AFR itself as the rate (−2.5 %).
 */
test('failure count over a long horizon matches N·years·rate within 4 Poisson SE', (t) => {
  const hostCount = 100_000;
  const years = 20;
  const afr = 0.05;
  const mttrS = 24 * H;
  const { sim, model } = setup(7, {
    hostCount,
    independent: { timeToFailureS: exponentialFromAfr(afr), timeToRepairS: exponentialFromMean(mttrS) },
  }, { onFail: () => {}, onRepair: () => {} });
  sim.run({ untilS: years * SECONDS_PER_YEAR });
  const mttfS = afrToMttfS(afr);
  const expected = hostCount * years * -Math.log1p(-afr) * (mttfS / (mttfS + mttrS));
  const tolerance = 4 * Math.sqrt(expected);
  const { failureCount, repairCount, downCount } = model.stats;
  t.log(`failures ${failureCount}, expected ${expected.toFixed(1)} ± ${tolerance.toFixed(0)} (4 SE)`);
  near(t, failureCount, expected, tolerance, 'failures');
  t.is(failureCount - repairCount, downCount);
});

/*
 * Weibull shape 1.5, scale 1000 h: mean = 1000·Γ(5/3) = 902.745 h, sd = 1000·√(Γ(7/3) − Γ(5/3)²) =
 * 612.936 h. The first 100 up-times (repair → next failure) of each of 200 hosts are i.i.d., so the
 * 20 000 samples are unbiased (taking all up-times inside a fixed window would under-sample long ones).
 * SE of the mean = 612.9/√20 000 = 4.33 h, tolerance 4 SE. The sd is held to 3 % (its SE is ≈ 0.55 %),
 * which an exponential of the same mean (sd = mean, +47 %) cannot pass.
 */
test('Weibull up-times have mean scale·Γ(1+1/k) and the Weibull spread', (t) => {
  const hostCount = 200;
  const perHost = 100;
  const scaleS = 1000 * H;
  const lastRepairS = new Float64Array(hostCount);
  const upTimesH: number[][] = Array.from({ length: hostCount }, () => []);
  const { sim } = setup('weibull', {
    hostCount,
    independent: { timeToFailureS: weibull(1.5, scaleS), timeToRepairS: constant(1 * H) },
  }, {
    onFail: (host) => {
      const list = upTimesH[host]!;
      if (list.length < perHost) list.push((sim.nowS - lastRepairS[host]!) / H);
    },
    onRepair: (host) => (lastRepairS[host] = sim.nowS),
  });
  sim.run({ untilS: 200_000 * H });
  t.true(upTimesH.every((list) => list.length === perHost), 'every host completed 100 up-times');
  const samples = upTimesH.flat();
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const sd = Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / (samples.length - 1));
  const expectedMean = 1000 * 0.9027452929509336;
  const expectedSd = 612.9357917546762;
  t.log(`mean ${mean.toFixed(2)} h (expected ${expectedMean.toFixed(2)}), sd ${sd.toFixed(2)} h (expected ${expectedSd.toFixed(2)})`);
  near(t, mean, expectedMean, (4 * expectedSd) / Math.sqrt(samples.length), 'mean up-time h');
  near(t, sd, expectedSd, 0.03 * expectedSd, 'sd of up-time h');
});

test('each correlated event takes down round(fraction·N) distinct hosts of its set, all back together', (t) => {
  const hostCount = 1000;
  const rack = Array.from({ length: 400 }, (_, i) => 600 + i);
  const fails: Array<{ timeS: number; host: number; cause: string }> = [];
  const repairs: Array<{ timeS: number; host: number }> = [];
  const { sim, records, model } = setup('correlated', {
    hostCount,
    // Intervals of 10–20 h and outages of 2 h: events of one process never overlap, and the two
    // processes share no hosts, so every chosen host is up when hit.
    correlated: [
      {
        intervalS: uniform(10 * H, 20 * H),
        durationS: constant(2 * H),
        fraction: constant(0.05),
        hostIndices: Array.from({ length: 600 }, (_, i) => i),
        label: 'power',
      },
      { intervalS: uniform(10 * H, 20 * H), durationS: constant(2 * H), fraction: uniform(0.01, 0.3), hostIndices: rack, label: 'rack' },
    ],
  }, {
    onFail: (host, cause) => fails.push({ timeS: sim.nowS, host, cause }),
    onRepair: (host) => repairs.push({ timeS: sim.nowS, host }),
  });
  sim.run({ untilS: 2000 * H });
  const power = records.filter((r) => r.label === 'power');
  const racks = records.filter((r) => r.label === 'rack');
  t.true(power.length > 90 && racks.length > 90, `${power.length} and ${racks.length} events`);
  for (const record of records) {
    const setSize = record.label === 'power' ? 600 : 400;
    const expected = Math.round(record.fraction * setSize);
    t.is(record.hostIndices.length, expected);
    t.is(record.newlyFailedCount, expected);
    t.is(new Set(record.hostIndices).size, expected, 'hosts are distinct');
    const inSet = record.label === 'power' ? (h: number) => h < 600 : (h: number) => h >= 600;
    t.true(record.hostIndices.every(inSet), 'hosts are drawn from the set');
    const failedNow = fails.filter((f) => f.timeS === record.timeS && f.cause === record.label).map((f) => f.host);
    t.deepEqual(failedNow, record.hostIndices);
    const endS = record.timeS + record.durationS;
    if (endS < sim.nowS) {
      // The engine adds the delay to now, so the repair time may differ from endS by an ulp.
      const back = repairs.filter((r) => Math.abs(r.timeS - endS) < 1e-6).map((r) => r.host);
      t.deepEqual(back.sort(), [...record.hostIndices].sort());
    }
  }
  t.true(new Set(racks.map((r) => r.hostIndices.length)).size > 10, 'the rack fraction varies per event');
  t.is(model.stats.failuresByCause.get('power'), power.length * 30);
});

test('failHost on a down host keeps it down until the later repair and does not fail it twice', (t) => {
  const { sim, model, trace } = setup(1, { hostCount: 3 });
  t.true(model.failHost(1, 10, 'ops'));
  sim.run({ untilS: 5 });
  t.false(model.failHost(1, 20, 'ops'));
  t.false(model.failHost(1, 1, 'ops'));
  sim.run();
  t.deepEqual(trace, ['0 fail 1 ops', '25 repair 1']);
  t.true(model.isUp(1));
  t.is(model.stats.downHostS, 25);
});

/*
 * MTTF 100 h, MTTR 10 h, both exponential: A = 100/110 = 0.909091. The up indicator of one host is a
 * two-state Markov chain with asymptotic variance of its time average 2λμ/(λ+μ)³/T = 1.50 h/T; over
 * 1 000 hosts and T = 10 000 h the SE is 3.9e-4 and the tolerance 4 SE = 1.55e-3. Starting all hosts up
 * biases the average by (1 − A)/((λ+μ)T) = 8e-5, well inside it.
 */
test('availability with exponential up and down times ≈ MTTF/(MTTF+MTTR)', (t) => {
  const hostCount = 1000;
  const horizonH = 10_000;
  const lambda = 1 / 100;
  const mu = 1 / 10;
  const { sim, model } = setup('availability', {
    hostCount,
    independent: { timeToFailureS: exponentialFromMean(100 * H), timeToRepairS: exponentialFromMean(10 * H) },
  }, { onFail: () => {}, onRepair: () => {} });
  sim.run({ untilS: horizonH * H });
  const availability = 1 - model.stats.downHostS / (hostCount * horizonH * H);
  const se = Math.sqrt((2 * lambda * mu) / (lambda + mu) ** 3 / horizonH / hostCount);
  t.log(`availability ${availability.toFixed(5)}, expected ${(100 / 110).toFixed(5)} ± ${(4 * se).toFixed(5)} (4 SE)`);
  near(t, availability, 100 / 110, 4 * se, 'availability');
});

function mixedTrace(seed: string): string[] {
  const { sim, trace } = setup(seed, {
    hostCount: 500,
    independent: { timeToFailureS: weibull(1.2, 2 * SECONDS_PER_YEAR), timeToRepairS: exponentialFromMean(24 * H) },
    correlated: [{ intervalS: exponentialFromMean(60 * 24 * H), durationS: exponentialFromMean(6 * H), fraction: uniform(0, 0.1) }],
  });
  sim.run({ untilS: 5 * SECONDS_PER_YEAR });
  return trace;
}

test('same seed ⇒ identical trace; another seed ⇒ a different one', (t) => {
  const a = mixedTrace('alpha');
  t.true(a.length > 1000, `${a.length} transitions`);
  t.deepEqual(mixedTrace('alpha'), a);
  t.notDeepEqual(mixedTrace('beta'), a);
});

test('transitions come in time order and each host alternates fail, repair, fail…', (t) => {
  const trace = mixedTrace('order');
  const times = trace.map((line) => Number(line.split(' ')[0]));
  t.true(times.every((time, i) => i === 0 || time >= times[i - 1]!), 'times never go back');
  const lastKind = new Map<string, string>();
  for (const line of trace) {
    const [, kind, host] = line.split(' ');
    t.not(lastKind.get(host!), kind, `host ${host} did ${kind} twice in a row`);
    lastKind.set(host!, kind!);
  }
});

/*
 * 100 000 hosts for one year at AFR 1.5 % with 24 h repairs: E[independent failures] = 1 511.3,
 * SE ≈ √1 511 = 38.9, tolerance 4 SE = 156. A correlated process (mean every 30 days, 0.1 % of hosts
 * for 12 h) adds round(0.001 × 100 000) = 100 hosts per event.
 */
test('100 000 hosts over one simulated year at AFR 1.5 %', (t) => {
  const hostCount = 100_000;
  const buffersBefore = process.memoryUsage().arrayBuffers;
  let failCalls = 0;
  let repairCalls = 0;
  const { sim, model, records } = setup('scale', {
    hostCount,
    independent: { timeToFailureS: exponentialFromAfr(0.015), timeToRepairS: exponentialFromMean(24 * H) },
    correlated: [{ intervalS: exponentialFromMean(30 * 24 * H), durationS: constant(12 * H), fraction: constant(0.001) }],
  }, { onFail: () => failCalls++, onRepair: () => repairCalls++ });
  const bytesPerHost = (process.memoryUsage().arrayBuffers - buffersBefore) / hostCount;
  sim.run({ untilS: SECONDS_PER_YEAR });
  const stats = model.stats;
  const independent = stats.failuresByCause.get('independent') ?? 0;
  const correlated = stats.failuresByCause.get('correlated-0') ?? 0;
  const mttfS = afrToMttfS(0.015);
  const expected = hostCount * -Math.log1p(-0.015) * (mttfS / (mttfS + 24 * H));
  t.log(`independent ${independent} (expected ${expected.toFixed(1)} ± ${(4 * Math.sqrt(expected)).toFixed(0)})`);
  t.log(`correlated ${correlated} in ${records.length} events, ${sim.eventCount} engine events, typed arrays ${bytesPerHost.toFixed(1)} B/host`);
  near(t, independent, expected, 4 * Math.sqrt(expected), 'independent failures');
  t.is(correlated, records.reduce((sum, r) => sum + r.newlyFailedCount, 0));
  t.true(records.every((r) => r.hostIndices.length === 100));
  t.true(records.length >= 4 && records.length <= 25, `${records.length} correlated events (mean 12.2)`);
  t.is(stats.failureCount, independent + correlated);
  t.is(failCalls, stats.failureCount);
  t.is(repairCalls, stats.repairCount);
  t.is(stats.failureCount - stats.repairCount, stats.downCount);
  // Engine events are transitions, not ticks: at most one per independent failure, per repair (hosts
  // back from one outage share one) and per correlated event.
  t.true(sim.eventCount <= independent + stats.repairCount + records.length, `${sim.eventCount} engine events`);
  t.true(bytesPerHost <= 24, `${bytesPerHost} B/host of typed arrays`);
  t.is(HOURS_PER_YEAR, 8766);
});

