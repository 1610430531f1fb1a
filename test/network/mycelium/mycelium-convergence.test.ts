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
  t.log(`0.7.3: within ${a.withinBoundRatio.toFixed(3)}, stuck ${a.pairsUndeliveredAtEnd}; 0.7.5: within ${b.withinBoundRatio.toFixed(3)}, stuck ${b.pairsUndeliveredAtEnd}`);
  t.true(b.pairsUndeliveredAtEnd <= a.pairsUndeliveredAtEnd);
});
