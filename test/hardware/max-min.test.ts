import test from 'ava';
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { boundedByRate, solveMaxMin, unconstrained, type MaxMinFlow } from '../../sim/hardware/max-min.js';
import { fcParams } from '../helpers/fc-params.js';

const near = (a: number, b: number, tol = 1e-12): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
const rates = (capacities: number[], flows: MaxMinFlow[]): number[] => [...solveMaxMin(capacities, flows).rateBytesPerS];

test('a flow alone gets the whole link; two flows on one link get half each', (t) => {
  t.deepEqual(rates([10], [{ links: [0] }]), [10]);
  t.deepEqual(rates([10], [{ links: [0] }, { links: [0] }]), [5, 5]);
});

test('three flows over two links: f2 and f3 share B, f1 takes the rest of A', (t) => {
  // A = 10, B = 4; f1 on A, f2 on A and B, f3 on B. B saturates first at 2 each; A then gives f1 10 - 2.
  const solution = solveMaxMin([10, 4], [{ links: [0] }, { links: [0, 1] }, { links: [1] }]);
  t.deepEqual([...solution.rateBytesPerS], [8, 2, 2]);
  t.deepEqual([...solution.bottleneck], [0, 1, 1]);
});

test('a flow bounded below its fair share releases capacity to the others', (t) => {
  const solution = solveMaxMin([10], [{ links: [0], boundBytesPerS: 2 }, { links: [0] }, { links: [0] }]);
  t.deepEqual([...solution.rateBytesPerS], [2, 4, 4]);
  t.deepEqual([...solution.bottleneck], [boundedByRate, 0, 0]);
  // A bound above the fair share changes nothing.
  t.deepEqual(rates([10], [{ links: [0], boundBytesPerS: 7 }, { links: [0] }]), [5, 5]);
});

test('weights share a link in proportion', (t) => {
  t.deepEqual(rates([12], [{ links: [0], weight: 1 }, { links: [0], weight: 2 }]), [4, 8]);
  // Weighted and bounded: the weight-3 flow is capped at 3, the weight-1 flow takes the other 7.
  t.deepEqual(rates([10], [{ links: [0], weight: 3, boundBytesPerS: 3 }, { links: [0], weight: 1 }]), [3, 7]);
});

test('coefficients charge a flow more than its rate on a link (SimGrid ACK cross-traffic)', (t) => {
  const [rate] = rates([125_000], [{ links: [0], coefficients: [1.05] }]);
  t.true(near(rate!, 125_000 / 1.05));
  // Two flows on one link, one of them also charged 0.05 for its ACKs there: 2.05·r = 41.
  t.deepEqual(rates([41], [{ links: [0, 0], coefficients: [1, 0.05] }, { links: [0] }]), [20, 20]);
});

test('parking lot: a long flow over three unit links and one short flow per link all get 1/2', (t) => {
  const flows = [{ links: [0, 1, 2] }, { links: [0] }, { links: [1] }, { links: [2] }];
  t.deepEqual(rates([1, 1, 1], flows), [0.5, 0.5, 0.5, 0.5]);
  // With a slower middle link the long flow is held there and the outer short flows take the slack.
  t.deepEqual(rates([1, 0.5, 1], flows), [0.25, 0.75, 0.25, 0.75]);
});

test('flows with no finite limit are unconstrained; linkless flows ride at their bound', (t) => {
  const solution = solveMaxMin([Infinity, 10], [{ links: [] }, { links: [0] }, { links: [], boundBytesPerS: 3 }, { links: [0, 1] }]);
  t.deepEqual([...solution.rateBytesPerS], [Infinity, Infinity, 3, 10]);
  t.deepEqual([...solution.bottleneck], [unconstrained, unconstrained, boundedByRate, 1]);
});

test('an empty problem and links nobody uses are fine', (t) => {
  t.deepEqual(rates([], []), []);
  t.deepEqual(rates([5, 7], [{ links: [1] }]), [7]);
});

test('bad input is a programmer error', (t) => {
  t.throws(() => solveMaxMin([1], [{ links: [1] }]), { message: /link index 1/ });
  t.throws(() => solveMaxMin([1], [{ links: [0], weight: 0 }]), { message: /weight/ });
});

// ---- property: the max-min certificate on random small networks ----

interface Network {
  capacities: number[];
  flows: MaxMinFlow[];
}

const networkArb: fc.Arbitrary<Network> = fc
  .integer({ min: 1, max: 6 })
  .chain((linkCount) =>
    fc.record({
      capacities: fc.array(fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 100 }) }, { weight: 1, arbitrary: fc.constant(Infinity) }), {
        minLength: linkCount,
        maxLength: linkCount,
      }),
      flows: fc.array(
        fc.record(
          {
            links: fc.uniqueArray(fc.integer({ min: 0, max: linkCount - 1 }), { maxLength: 4 }),
            boundBytesPerS: fc.integer({ min: 1, max: 60 }),
            weight: fc.constantFrom(0.5, 1, 2, 3),
            coefficient: fc.constantFrom(1, 1.05, 0.5),
          },
          { requiredKeys: ['links'] },
        ),
        { minLength: 1, maxLength: 8 },
      ),
    }),
  )
  .map(({ capacities, flows }) => ({
    capacities,
    flows: flows.map(({ links, boundBytesPerS, weight, coefficient }) => ({
      links,
      coefficients: links.map(() => coefficient ?? 1),
      ...(boundBytesPerS === undefined ? {} : { boundBytesPerS }),
      ...(weight === undefined ? {} : { weight }),
    })),
  }));

const tolerance = 1e-9;

/** Throws unless `rate` is feasible and weighted max-min fair, checked without trusting the solver's own reasons. */
function checkCertificate({ capacities, flows }: Network, rate: Float64Array): void {
  const load = capacities.map(() => 0);
  flows.forEach((flow, f) => flow.links.forEach((l, i) => (load[l]! += flow.coefficients![i]! * rate[f]!)));
  load.forEach((used, l) => {
    if (used > capacities[l]! * (1 + tolerance) + tolerance) throw new Error(`link ${l} over capacity: ${used} > ${capacities[l]}`);
  });
  const saturated = (l: number): boolean => load[l]! >= capacities[l]! * (1 - tolerance);
  const normalised = (f: number): number => rate[f]! / (flows[f]!.weight ?? 1);
  const largestShare = capacities.map(() => 0);
  flows.forEach((flow, f) => flow.links.forEach((l) => (largestShare[l] = Math.max(largestShare[l]!, normalised(f)))));
  flows.forEach((flow, f) => {
    const bound = flow.boundBytesPerS ?? Infinity;
    if (rate[f]! > bound * (1 + tolerance)) throw new Error(`flow ${f} above its bound`);
    if (rate[f]! >= bound * (1 - tolerance)) return;
    const finite = flow.links.filter((l) => capacities[l]! < Infinity);
    if (finite.length === 0) {
      if (rate[f] !== Infinity) throw new Error(`flow ${f} has no limit but rate ${rate[f]}`);
      return;
    }
    const hasBottleneck = finite.some((l) => saturated(l) && largestShare[l]! <= normalised(f) * (1 + tolerance) + tolerance);
    if (!hasBottleneck) throw new Error(`flow ${f} (rate ${rate[f]}) has no saturated link where it has the largest share`);
  });
}

test('property: every solution is feasible and each flow has a bottleneck or sits at its bound', (t) => {
  fc.assert(
    fc.property(networkArb, (network) => {
      const solution = solveMaxMin(network.capacities, network.flows);
      checkCertificate(network, solution.rateBytesPerS);
    }),
    fcParams('max-min #1', 1000),
  );
  t.pass();
});

test('property: the certificate check itself rejects a perturbed allocation', (t) => {
  // Guards the property above against a checker that accepts anything.
  const network: Network = { capacities: [10, 4], flows: [{ links: [0] }, { links: [0, 1] }, { links: [1] }].map((f) => ({ ...f, coefficients: f.links.map(() => 1) })) };
  t.notThrows(() => checkCertificate(network, Float64Array.from([8, 2, 2])));
  t.throws(() => checkCertificate(network, Float64Array.from([7, 2, 2])), { message: /no saturated link/ });
  t.throws(() => checkCertificate(network, Float64Array.from([8, 2.5, 2])), { message: /over capacity/ });
  t.throws(() => checkCertificate(network, Float64Array.from([9, 1, 3])), { message: /no saturated link/ });
});

test('a large random problem (20k flows × 2k links) passes the certificate', (t) => {
  const random = seedrandom.alea('max-min large');
  const next = (n: number): number => Math.floor(random() * n);
  const capacities = Array.from({ length: 2000 }, () => 1 + next(1000));
  const flows: MaxMinFlow[] = Array.from({ length: 20_000 }, () => {
    const links = [...new Set([next(2000), next(2000), next(2000)])];
    return { links, coefficients: links.map(() => 1), ...(next(4) === 0 ? { boundBytesPerS: 1 + next(50) } : {}) };
  });
  const network = { capacities, flows };
  const startedMs = performance.now();
  const solution = solveMaxMin(capacities, flows);
  const elapsedMs = performance.now() - startedMs;
  t.notThrows(() => checkCertificate(network, solution.rateBytesPerS));
  t.log(`20k flows × 2k links solved in ${elapsedMs.toFixed(1)} ms`);
});
