// Mycelium's steady state on real maps (issue 15): latency stretch ≤ 1.05 on Kdl, hop stretch 1.000 ±
// 0.001 on the AS graph, every pair delivered. The update floods run event by event on the engine.
import test from 'ava';

import { measureMyceliumStretch } from '../../../sim/network/mycelium/stretch.js';
import { loadTopology } from '../../../sim/network/topology/load.js';
import { topologyFile } from '../../helpers/network-graphs.js';

test('Kdl: latency stretch ≤ 1.05, all delivered', (t) => {
  const r = measureMyceliumStretch(loadTopology(topologyFile('zoo/Kdl.graphml')), { pairs: 5000, seed: 1 });
  t.log(JSON.stringify(r));
  t.is(r.deliveryRatio, 1);
  t.true(r.meanLatencyStretch! <= 1.05);
  t.true(r.meanStretch >= 1);
});

test('AS graph: hop stretch 1.000 ± 0.001, all delivered', (t) => {
  const r = measureMyceliumStretch(loadTopology(topologyFile('as/as20000102.txt')), { pairs: 3000, seed: 2, destinations: 40 });
  t.log(JSON.stringify(r));
  t.is(r.deliveryRatio, 1);
  t.true(Math.abs(r.meanStretch - 1) <= 0.001);
  t.true(r.roots.p10 <= r.roots.median && r.roots.median <= r.roots.p90);
});

test('same seed, same report', (t) => {
  const kdl = loadTopology(topologyFile('zoo/Kdl.graphml'));
  t.deepEqual(measureMyceliumStretch(kdl, { pairs: 300, seed: 'x' }), measureMyceliumStretch(kdl, { pairs: 300, seed: 'x' }));
});
