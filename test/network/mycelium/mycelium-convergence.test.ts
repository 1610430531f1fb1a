// Mycelium after link failures that leave the graph connected (issue 15): lost pairs deliver again
// within detection + 10 s (+ 5 s on a connection error). Measured on the AS graph; Kdl is logged.
import test from 'ava';

import { measureMyceliumConvergence } from '../../../sim/network/mycelium/convergence.js';
import { loadTopology } from '../../../sim/network/topology/load.js';
import { topologyFile } from '../../helpers/network-graphs.js';

const as = loadTopology(topologyFile('as/as20000102.txt'));
const kdl = loadTopology(topologyFile('zoo/Kdl.graphml'));

for (const notice of ['silent', 'connection-error'] as const) {
  test(`AS graph, ${notice}: ≥ 99 % of lost pairs back within detection + bound, none lost at the end`, (t) => {
    const { failures, ...r } = measureMyceliumConvergence(as, { seed: 1, linkFailures: 20, version: '0.7.5', notice });
    t.log(JSON.stringify(r));
    t.is(failures.length, 20);
    t.true(r.pairsLost > 0, 'some failure must cut a path in use, or the bound is not tested');
    t.true(r.withinBoundRatio >= 0.99);
    t.is(r.pairsUndeliveredAtEnd, 0);
    if (notice === 'silent') t.true(r.detectionS.p50 > 30, 'silent failures wait for the dead-peer check');
  });
}

test('Kdl: figures for both versions (0.7.3 cannot bump seqnos, so infeasible routes stay stuck)', (t) => {
  const a = measureMyceliumConvergence(kdl, { seed: 1, linkFailures: 10, version: '0.7.3' });
  const b = measureMyceliumConvergence(kdl, { seed: 1, linkFailures: 10, version: '0.7.5' });
  const causes = (r: typeof a): string => JSON.stringify(Object.fromEntries(Object.entries(r.undeliveredAtEndBy).filter(([, n]) => n > 0)));
  t.log(`0.7.3: within ${a.withinBoundRatio.toFixed(3)}, stuck ${a.pairsUndeliveredAtEnd} ${causes(a)}; 0.7.5: within ${b.withinBoundRatio.toFixed(3)}, stuck ${b.pairsUndeliveredAtEnd} ${causes(b)}`);
  t.true(b.pairsUndeliveredAtEnd <= a.pairsUndeliveredAtEnd);
  for (const r of [a, b]) {
    const { none, ...stuck } = r.undeliveredAtEndBy;
    t.is(none, 0);
    t.is(Object.values(stuck).reduce((x, y) => x + y, 0), r.pairsUndeliveredAtEnd, 'every pair still lost has a cause');
  }
});

test('Kdl, 0.7.5 with a connection error: lost pairs that had no feasible fallback wait for the 6 s retraction hold', (t) => {
  // Mycelium purges a retracted route 6 s after the retraction (router.rs RETRACTED_ROUTE_HOLD_TIME);
  // only then does a packet meet "no route" and send a route request. A subtree whose every fallback is
  // infeasible (the common case on a ring-like map) therefore cannot be back within 5 s.
  const r = measureMyceliumConvergence(kdl, { seed: 1, linkFailures: 10, version: '0.7.5', notice: 'connection-error' });
  const slow = r.failures.filter((f) => f.pairConvergenceP99S !== null && f.pairConvergenceP99S > 5);
  t.log(`within ${r.withinBoundRatio.toFixed(3)}; failures with pairs back after 5 s: ${slow.map((f) => f.pairConvergenceP99S!.toFixed(2)).join(', ')}`);
  t.true(slow.length > 0);
  for (const f of slow) t.true(f.pairConvergenceP99S! >= 6, 'nothing comes back between the 5 s bound and the 6 s hold but through a route request');
});

test('Kdl, 0.7.5 with our rfc8966 seqno requests: ≥ 99 % of lost pairs back within detection + bound, none lost at the end', (t) => {
  // Not what mycelium does: a node that loses its route asks every peer, and relays pass on answers
  // with a seqno at least the one asked (router.ts SeqnoRequestRule). The proposal the figures argue for.
  for (const notice of ['silent', 'connection-error'] as const) {
    const r = measureMyceliumConvergence(kdl, { seed: 1, linkFailures: 20, version: '0.7.5', notice, seqnoRequests: 'rfc8966' });
    const asReleased = measureMyceliumConvergence(kdl, { seed: 1, linkFailures: 20, version: '0.7.5', notice });
    t.log(`${notice}: within ${r.withinBoundRatio.toFixed(3)} (as released ${asReleased.withinBoundRatio.toFixed(3)}), still lost ${r.pairsUndeliveredAtEnd} (as released ${asReleased.pairsUndeliveredAtEnd})`);
    t.true(r.pairsLost > 0);
    t.true(r.withinBoundRatio >= 0.99);
    t.is(r.pairsUndeliveredAtEnd, 0);
    t.true(asReleased.withinBoundRatio < 0.99, 'the release itself misses the bound on Kdl: the comparison means something');
  }
});
