// Stretch of the Planetary Network on real maps against ANCHORS 4.4 and issue 6: the AS graph (6,474
// nodes) and the Kdl PoP map (754 nodes), delivery in steady state, and the routing state it costs.
import test from 'ava';

import { loadTopology } from '../../sim/network/topology/load.js';
import { treeDistance } from '../../sim/network/planetary/greedy.js';
import { PlanetaryOverlay } from '../../sim/network/planetary/overlay.js';
import { measureStretch, type StretchReport } from '../../sim/network/planetary/stretch.js';
import { topologyFile } from '../helpers/network-graphs.js';

const as = loadTopology(topologyFile('as/as20000102.txt'));
const kdl = loadTopology(topologyFile('zoo/Kdl.graphml'));

const line = (r: StretchReport): string =>
  `stretch mean ${r.meanStretch.toFixed(3)} p99 ${r.p99Stretch.toFixed(2)} max ${r.maxStretch.toFixed(2)}; delivery ${r.deliveryRatio}; ` +
  `latency stretch ${r.meanLatencyStretch?.toFixed(3) ?? 'n/a'}; entries ${r.meanRoutingEntries.toFixed(1)} (peers ${r.meanPeers.toFixed(1)}); depth ${r.treeDepthMax}`;

test('AS graph, seed 1 (the CLI default): mean hop stretch ≤ 1.10 over 10,000 pairs, all delivered', (t) => {
  const r = measureStretch(new PlanetaryOverlay(as, { seed: 1 }), { pairs: 10_000, seed: 1 });
  t.is(r.deliveryRatio, 1);
  t.true(r.meanStretch <= 1.1, line(r));
  t.log(line(r));
});

test('AS graph, six seeds (six roots): all delivered, mean stretch ≤ 1.15 each; the root decides most of the spread', (t) => {
  const means: number[] = [];
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const r = measureStretch(new PlanetaryOverlay(as, { seed }), { pairs: 3000, seed });
    t.is(r.deliveryRatio, 1);
    t.true(r.meanStretch <= 1.15, `seed ${seed}: ${line(r)}`);
    means.push(r.meanStretch);
    t.log(`seed ${seed}: ${line(r)}`);
  }
  t.log(`mean over seeds ${(means.reduce((a, b) => a + b) / means.length).toFixed(3)}`);
});

test('Kdl: every pair delivered; hop and latency stretch measured (sparse PoP chains: far from the AS figure)', (t) => {
  for (const seed of [1, 2, 3]) {
    const r = measureStretch(new PlanetaryOverlay(kdl, { seed }), { pairs: 10_000, seed });
    t.is(r.deliveryRatio, 1);
    t.true(r.meanStretch < 1.6, line(r));
    // Shortcut links must recover part of the tree's detour, or greedy forwarding is not working.
    t.true(r.meanStretch < r.meanTreeStretch - 0.1, `${line(r)}; tree alone ${r.meanTreeStretch.toFixed(3)}`);
    t.not(r.meanLatencyStretch, null);
    t.log(`seed ${seed}: ${line(r)}`);
  }
});

// Issue 6 asks for ≤ 1.10 on Kdl too; faithful greedy tree routing does not reach it (1.33–1.55 over
// seeds 1–5). Kdl has 754 nodes and 895 links (mean degree 2.37, 64 % of nodes of degree 2, hop
// diameter 58, shortest paths of 22.7 hops on average): its 142 links off the tree each close a ring of
// 12 hops (median) against 5 on the AS graph, and a pair on the two sides of a cut ring goes round it.
// Greedy forwarding recovers about a third of the tree's detour (tree alone 1.52–1.84). Even the most
// favourable of all 754 roots gives 1.27 with this model's parents (median root 1.43) and 1.22 with a
// hop-shortest tree (median 1.39), so no choice of root or parents reaches 1.10 either. It is measured
// above, not asserted: a known-failure test reads as a pass in the TAP totals CI counts.

test('property: a greedy route is never longer than the tree path between its ends', (t) => {
  const overlay = new PlanetaryOverlay(kdl, { seed: 7 });
  const path = new Int32Array(kdl.nodeCount + 1);
  let shorter = 0;
  for (let s = 0; s < kdl.nodeCount; s += 7) {
    for (let d = 3; d < kdl.nodeCount; d += 11) {
      if (s === d) continue;
      const r = overlay.route(s, d, path);
      const treeHops = treeDistance(overlay.coords[s]!, overlay.coords[d]!);
      t.is(r.status, 'delivered');
      if (r.hops > treeHops) t.fail(`${s}→${d}: ${r.hops} hops greedy, ${treeHops} along the tree`);
      if (r.hops < treeHops) shorter++;
    }
  }
  t.true(shorter > 0, 'no shortcut was ever taken');
  t.log(`${shorter} pairs took a shortcut`);
});

test('measurement is deterministic: same seed, same report', (t) => {
  const a = measureStretch(new PlanetaryOverlay(kdl, { seed: 'x' }), { pairs: 2000, seed: 'x' });
  const b = measureStretch(new PlanetaryOverlay(kdl, { seed: 'x' }), { pairs: 2000, seed: 'x' });
  t.deepEqual(a, b);
});
