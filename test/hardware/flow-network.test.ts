import test from 'ava';
import fc from 'fast-check';
import { Simulation } from '../../sim/engine/simulation.js';
import { solveMaxMin } from '../../sim/hardware/max-min.js';
import {
  FlowNetwork,
  LinkFailedError,
  cm02TcpModel,
  linkFailedCode,
  lv08BandwidthFactor,
  lv08LatencyFactor,
  lv08TcpModel,
  plainTcpModel,
  simgridAckCrossTrafficFraction,
  type FlowEvent,
  type FlowSpec,
  type TcpModel,
} from '../../sim/hardware/flow-network.js';
import { fcParams } from '../helpers/fc-params.js';

const MB = 1e6;
const relativeError = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/** Starts each flow at its time and records when its event is processed (NaN if it failed). */
function runFlows(network: FlowNetwork, sim: Simulation, flows: readonly (FlowSpec & { atS: number })[]): number[] {
  const endS = flows.map(() => NaN);
  flows.forEach((spec, i) => {
    sim.schedule(spec.atS, () => {
      const event = network.startFlow(spec);
      event.onProcessed((e) => {
        if (e.ok) endS[i] = sim.nowS;
        else e.defused = true;
      });
    });
  });
  sim.run();
  return endS;
}

function oneLink(model: TcpModel, bandwidthBytesPerS: number, latencyS: number): { sim: Simulation; network: FlowNetwork; link: number } {
  const sim = new Simulation();
  const network = new FlowNetwork(sim, model);
  return { sim, network, link: network.addLink({ bandwidthBytesPerS, latencyS }) };
}

test('staggered flows: A alone, then sharing with B, then alone again', (t) => {
  // A: 100 MB from t=0 on 100 MB/s. B: 30 MB from t=0.5. At 0.5 A has 50 MB left; both run at 50 MB/s,
  // so B ends at 0.5 + 30/50 = 1.1 with A at 20 MB left, which it sends alone in 0.2 s: A ends at 1.3.
  const { sim, network, link } = oneLink(plainTcpModel, 100 * MB, 0);
  const ends = runFlows(network, sim, [
    { atS: 0, path: [link], sizeBytes: 100 * MB },
    { atS: 0.5, path: [link], sizeBytes: 30 * MB },
  ]);
  t.true(Math.abs(ends[0]! - 1.3) < 1e-12, `A ended at ${ends[0]}`);
  t.true(Math.abs(ends[1]! - 1.1) < 1e-12, `B ended at ${ends[1]}`);
  // Four instants changed the rates: A starts, B starts, B ends, A ends. Nothing in between.
  t.is(network.recomputeCount, 4);
  t.is(network.linkStats(link).bytesTransferred, 130 * MB);
});

test('two flows due at the same instant end in one event and one recompute', (t) => {
  // B = 50 MB joining at 0.5 leaves both with 50 MB at 50 MB/s: both end at 1.5.
  const { sim, network, link } = oneLink(plainTcpModel, 100 * MB, 0);
  const ends = runFlows(network, sim, [
    { atS: 0, path: [link], sizeBytes: 100 * MB },
    { atS: 0.5, path: [link], sizeBytes: 50 * MB },
  ]);
  t.deepEqual(ends, [1.5, 1.5]);
  t.is(network.recomputeCount, 3);
});

test('flows that start at one instant cost one recompute, and a long flow costs no events in between', (t) => {
  const { sim, network, link } = oneLink(plainTcpModel, 100 * MB, 0);
  const ends = runFlows(network, sim, [0, 0, 0].map(() => ({ atS: 0, path: [link], sizeBytes: 1e12 })));
  t.deepEqual(ends, [3e4, 3e4, 3e4]);
  t.is(network.recomputeCount, 2);
  // 3 starter callbacks + 3 latency ends + 2 recomputes + 1 completion + 3 event processings.
  t.is(sim.eventCount, 12);
});

test('LV08 reproduces SimGrid: 100 kB over 10 ms, 1 Mb/s takes 0.996079 s', (t) => {
  const latencyS = 0.01;
  const bandwidthBytesPerS = 1e6 / 8;
  const sizeBytes = 1e5;
  const { sim, network, link } = oneLink(lv08TcpModel, bandwidthBytesPerS, latencyS);
  const [endS] = runFlows(network, sim, [{ atS: 0, path: [link], sizeBytes }]);
  // Models.rst: 0.01 × 13.01 + 8·10⁵ / ((0.97·10⁶) / 1.05), in bits; the same in bytes with named constants.
  const formulaS =
    latencyS * lv08LatencyFactor + sizeBytes / ((lv08BandwidthFactor * bandwidthBytesPerS) / (1 + simgridAckCrossTrafficFraction));
  t.true(relativeError(endS!, 0.996079) < 1e-6, `got ${endS}`);
  t.true(relativeError(endS!, formulaS) < 1e-12);
  t.log(`LV08: ${endS!.toFixed(6)} s (SimGrid 0.996079 s)`);
});

test('the plain model gives the naive 0.81 s for the LV08 example', (t) => {
  const { sim, network, link } = oneLink(plainTcpModel, 1e6 / 8, 0.01);
  const [endS] = runFlows(network, sim, [{ atS: 0, path: [link], sizeBytes: 1e5 }]);
  t.true(relativeError(endS!, 0.81) < 1e-12);
});

test('CM02 window bound: 10¹⁰ bytes over 10¹⁰ B/s at four latencies', (t) => {
  // rate = min(B, γ / (2·latency)), γ = 4 194 304 bytes; T = latency + S / rate.
  const cases: [latencyS: number, expectedS: number][] = [
    [0, 1],
    [1e-5, 1.00001],
    [1e-3, 4.768 + 0.001],
    [0.1, 476.94],
  ];
  for (const [latencyS, expectedS] of cases) {
    const { sim, network, link } = oneLink(cm02TcpModel, 1e10, latencyS);
    const [endS] = runFlows(network, sim, [{ atS: 0, path: [link], sizeBytes: 1e10 }]);
    t.true(relativeError(endS!, expectedS) < 1e-3, `latency ${latencyS} s: ${endS} s, want ${expectedS} s`);
    t.log(`CM02 latency ${latencyS} s: ${endS} s (target ${expectedS} s)`);
  }
});

test('a failed link fails the flows crossing it and the others on its links speed up', (t) => {
  // L is shared by A (L, M) and B (L): 50 MB/s each. M fails at t=1: A fails having sent 50 MB; B has
  // 50 MB left, now at 100 MB/s, and ends at 1.5 instead of 2.
  const sim = new Simulation();
  const network = new FlowNetwork(sim);
  const shared = network.addLink({ bandwidthBytesPerS: 100 * MB, latencyS: 0 });
  const failing = network.addLink({ bandwidthBytesPerS: 100 * MB, latencyS: 0 });
  const a = network.startFlow({ path: [shared, failing], sizeBytes: 100 * MB });
  const b = network.startFlow({ path: [shared], sizeBytes: 100 * MB });
  let failure: unknown;
  a.onProcessed((e) => {
    e.defused = true;
    failure = e.error;
  });
  let bEndS = NaN;
  b.onProcessed(() => (bEndS = sim.nowS));
  sim.schedule(1, () => network.failLink(failing));
  sim.run();
  t.true(failure instanceof LinkFailedError);
  t.is((failure as LinkFailedError).code, linkFailedCode);
  t.is((failure as LinkFailedError).linkId, failing);
  t.is((failure as LinkFailedError).flowId, a.flowId);
  t.is(bEndS, 1.5);
  t.is(network.linkStats(shared).bytesTransferred, 150 * MB);
  t.is(network.linkStats(failing).bytesTransferred, 50 * MB);
  t.false(network.isLinkUp(failing));
});

test('flows in their latency phase and flows started over a down link fail too; a healed link carries again', async (t) => {
  const sim = new Simulation();
  const network = new FlowNetwork(sim);
  const link = network.addLink({ bandwidthBytesPerS: 100 * MB, latencyS: 1 });
  const waiting = network.startFlow({ path: [link], sizeBytes: MB });
  sim.schedule(0.5, () => network.failLink(link));
  const outcomes: string[] = [];
  const record = async (label: string, start: () => FlowEvent): Promise<void> => {
    try {
      const result = await start();
      outcomes.push(`${label} ok at ${result.endS}`);
    } catch (error) {
      outcomes.push(`${label} ${(error as LinkFailedError).code} at ${sim.nowS}`);
    }
  };
  const first = record('waiting', () => waiting);
  const second = (async () => {
    await sim.sleep(0.75);
    await record('on down link', () => network.startFlow({ path: [link], sizeBytes: MB }));
    network.healLink(link);
    await record('after heal', () => network.startFlow({ path: [link], sizeBytes: MB }));
  })();
  await sim.runAsync();
  await Promise.all([first, second]);
  t.deepEqual(outcomes, ['waiting E_LINK_FAILED at 0.5', 'on down link E_LINK_FAILED at 0.75', 'after heal ok at 1.76']);
  t.is(network.flowCount, 0);
});

test('a rate bound caps a flow and leaves the rest to the others', (t) => {
  const { sim, network, link } = oneLink(plainTcpModel, 100 * MB, 0);
  const ends = runFlows(network, sim, [
    { atS: 0, path: [link], sizeBytes: 20 * MB, rateBoundBytesPerS: 20 * MB },
    { atS: 0, path: [link], sizeBytes: 80 * MB },
  ]);
  t.deepEqual(ends, [1, 1]);
});

test('RTT-weighted sharing (CM02): rates on a shared bottleneck go as 1 / path latency', (t) => {
  const sim = new Simulation();
  const network = new FlowNetwork(sim, cm02TcpModel);
  const bottleneck = network.addLink({ bandwidthBytesPerS: 1e6, latencyS: 0 });
  const near = network.addLink({ bandwidthBytesPerS: 1e9, latencyS: 0.01 });
  const far = network.addLink({ bandwidthBytesPerS: 1e9, latencyS: 0.03 });
  const a = network.startFlow({ path: [bottleneck, near], sizeBytes: 1e7 });
  const b = network.startFlow({ path: [bottleneck, far], sizeBytes: 1e7 });
  sim.run({ untilS: 0.05 });
  t.true(relativeError(network.flowRateBytesPerS(a.flowId)!, 750_000) < 1e-12);
  t.true(relativeError(network.flowRateBytesPerS(b.flowId)!, 250_000) < 1e-12);
});

test('a zero-byte flow ends after its latency; a loopback flow runs at its bound', (t) => {
  const { sim, network, link } = oneLink(plainTcpModel, 100 * MB, 0.25);
  const ends = runFlows(network, sim, [
    { atS: 0, path: [link], sizeBytes: 0 },
    { atS: 0, path: [], sizeBytes: 10 * MB, rateBoundBytesPerS: 40 * MB },
    { atS: 1, path: [], sizeBytes: 10 * MB },
  ]);
  t.deepEqual(ends, [0.25, 0.25, 1]);
});

test('bad input is rejected', (t) => {
  const { network, link } = oneLink(plainTcpModel, 100 * MB, 0);
  t.throws(() => network.addLink({ bandwidthBytesPerS: 0, latencyS: 0 }), { message: /bandwidthBytesPerS/ });
  t.throws(() => network.startFlow({ path: [link + 1], sizeBytes: 1 }), { message: /no link/ });
  t.throws(() => network.startFlow({ path: [link], sizeBytes: -1 }), { message: /size/ });
  t.throws(() => new FlowNetwork(new Simulation(), { ...lv08TcpModel, bandwidthFactor: 0 }), { message: /bandwidthFactor/ });
});

// ---- property: the incremental network agrees with a brute-force reference ----

interface Scenario {
  bandwidths: number[];
  flows: { atS: number; path: number[]; sizeBytes: number; bound?: number }[];
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.integer({ min: 1, max: 5 }).chain((linkCount) =>
  fc.record({
    bandwidths: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: linkCount, maxLength: linkCount }),
    flows: fc.array(
      fc.record(
        {
          atS: fc.integer({ min: 0, max: 8 }).map((q) => q / 4),
          path: fc.uniqueArray(fc.integer({ min: 0, max: linkCount - 1 }), { minLength: 1, maxLength: 3 }),
          sizeBytes: fc.integer({ min: 0, max: 40 }),
          bound: fc.integer({ min: 1, max: 10 }),
        },
        { requiredKeys: ['atS', 'path', 'sizeBytes'] },
      ),
      { minLength: 1, maxLength: 8 },
    ),
  }),
);

/** Steps from event to event, re-solving every active flow each time: slow, obvious, independent of FlowNetwork. */
function referenceEnds({ bandwidths, flows }: Scenario): number[] {
  const remaining = flows.map((f) => f.sizeBytes);
  const ends = flows.map(() => NaN);
  let nowS = 0;
  for (;;) {
    const active = flows.map((f, i) => i).filter((i) => flows[i]!.atS <= nowS && Number.isNaN(ends[i]));
    for (const i of active) if (remaining[i]! <= 1e-9) ends[i] = nowS;
    const running = active.filter((i) => Number.isNaN(ends[i]));
    const rates = solveMaxMin(bandwidths, running.map((i) => ({ links: flows[i]!.path, ...(flows[i]!.bound ? { boundBytesPerS: flows[i]!.bound } : {}) }))).rateBytesPerS;
    const nextStartS = Math.min(...flows.map((f) => f.atS).filter((s) => s > nowS));
    const nextEndS = Math.min(...running.map((i, k) => nowS + remaining[i]! / rates[k]!));
    const stepS = Math.min(nextStartS, nextEndS) - nowS;
    if (stepS === Infinity) return ends;
    running.forEach((i, k) => (remaining[i] = remaining[i]! - rates[k]! * stepS));
    nowS += stepS;
  }
}

test('property: completion times and link bytes match a brute-force reference', (t) => {
  fc.assert(
    fc.property(scenarioArb, (scenario) => {
      const sim = new Simulation();
      const network = new FlowNetwork(sim);
      const links = scenario.bandwidths.map((bandwidthBytesPerS) => network.addLink({ bandwidthBytesPerS, latencyS: 0 }));
      const ends = runFlows(
        network,
        sim,
        scenario.flows.map((f) => ({ atS: f.atS, path: f.path, sizeBytes: f.sizeBytes, ...(f.bound ? { rateBoundBytesPerS: f.bound } : {}) })),
      );
      const expected = referenceEnds(scenario);
      ends.forEach((endS, i) => {
        if (!(Math.abs(endS - expected[i]!) <= 1e-9 * Math.max(1, expected[i]!))) {
          throw new Error(`flow ${i} ended at ${endS}, reference ${expected[i]}`);
        }
      });
      links.forEach((l) => {
        const want = scenario.flows.reduce((sum, f) => sum + (f.path.includes(l) ? f.sizeBytes : 0), 0);
        const got = network.linkStats(l).bytesTransferred;
        if (!(Math.abs(got - want) <= 1e-9 * Math.max(1, want))) throw new Error(`link ${l} carried ${got}, want ${want}`);
      });
    }),
    fcParams('flow-network #1', 300),
  );
  t.pass();
});
