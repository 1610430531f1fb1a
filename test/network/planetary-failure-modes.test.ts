// The Planetary Network's known failure modes (ANCHORS 4.4, DOMAIN 5.14) as measured outcomes: link and
// parent loss (detection + repair time), root loss (stale coordinates until the record expires, then
// re-election), the root as a forwarding hot spot, and one bridge peer carrying all traffic.
import test from 'ava';
import seedrandom from 'seedrandom';

import { buildTopology, components } from '../../sim/network/topology/graph.js';
import { loadTopology } from '../../sim/network/topology/load.js';
import { RouteStatus } from '../../sim/network/planetary/greedy.js';
import { compareKeys } from '../../sim/network/planetary/keys.js';
import { PlanetaryOverlay } from '../../sim/network/planetary/overlay.js';
import { failureKinds, measureReconvergence } from '../../sim/network/planetary/reconvergence.js';
import { measureStretch } from '../../sim/network/planetary/stretch.js';
import { ironwoodTimers } from '../../sim/network/planetary/timers.js';
import { randomConnected, sendRatio, topologyFile, treeViolations } from '../helpers/network-graphs.js';

const kdl = loadTopology(topologyFile('zoo/Kdl.graphml'));
const { peerTimeoutS, routerTimeoutS, routerRefreshS } = ironwoodTimers;

function connectedWithoutLink(a: number, b: number): boolean {
  const up = new Uint8Array(kdl.edgeCount).fill(1);
  up[kdl.edgeIds[kdl.offsets[a]! + [...kdl.neighbours.subarray(kdl.offsets[a]!, kdl.offsets[a + 1]!)].indexOf(b)]!] = 0;
  return new Set(components(kdl, undefined, up)).size === 1;
}

function stillConnectedWithout(x: number): boolean {
  const alive = new Uint8Array(kdl.nodeCount).fill(1);
  alive[x] = 0;
  return new Set([...components(kdl, alive)].filter((c) => c >= 0)).size === 1;
}

/** Pairs of nodes that stay in the main component once `x` is gone. */
function pairsWithout(x: number, count: number, seed: string): [number, number][] {
  const alive = new Uint8Array(kdl.nodeCount).fill(1);
  alive[x] = 0;
  const label = components(kdl, alive);
  const sizes = new Map<number, number>();
  for (const c of label) sizes.set(c, (sizes.get(c) ?? 0) + 1);
  const biggest = [...sizes.entries()].filter(([c]) => c >= 0).sort((a, b) => b[1] - a[1])[0]![0];
  return samplePairs(kdl.nodeCount, count, seed).filter(([s, d]) => label[s] === biggest && label[d] === biggest);
}

function samplePairs(n: number, count: number, seed: string): [number, number][] {
  const next = seedrandom.alea(seed);
  const pairs: [number, number][] = [];
  while (pairs.length < count) {
    const s = Math.floor(next() * n);
    const d = Math.floor(next() * n);
    if (s !== d) pairs.push([s, d]);
  }
  return pairs;
}

test('a tree link fails: its subtree re-attaches after the peer timeout, within milliseconds of announcements', (t) => {
  const overlay = new PlanetaryOverlay(kdl, { seed: 1 });
  // Cut the parent link of the largest subtree that has another way out, so no node is cut off.
  const subtreeSize = (c: number): number => overlay.coords.filter((p) => p[overlay.depth[c]!] === c).length;
  const child = [...overlay.parent.keys()]
    .filter((x) => overlay.parent[x]! >= 0 && connectedWithoutLink(x, overlay.parent[x]!))
    .map((x) => [x, subtreeSize(x)] as const)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
  const pairs = samplePairs(kdl.nodeCount, 2000, 'link');
  t.is(sendRatio(overlay, pairs), 1);
  overlay.sim.scheduleAt(10, () => overlay.failLink(child, overlay.parent[child]!));
  overlay.sim.run({ untilS: 11 });
  const during = sendRatio(overlay, pairs);
  overlay.sim.run({ untilS: 10 + peerTimeoutS + 1 });
  const record = overlay.history[0]!;
  t.is(record.detectedAtS, 10 + peerTimeoutS);
  const reconvergenceS = record.convergedAtS - record.atS;
  t.true(reconvergenceS >= peerTimeoutS && reconvergenceS < peerTimeoutS + 0.05, `reconvergence ${reconvergenceS} s`);
  t.is(sendRatio(overlay, pairs), 1);
  t.deepEqual(treeViolations(overlay), []);
  t.log(`${record.cause}: ${record.affectedNodes} nodes moved, reconverged in ${reconvergenceS.toFixed(4)} s; delivery in the detection window ${during.toFixed(3)}`);
});

test('a link off the tree fails: no tree change; converged as soon as it is detected', (t) => {
  const overlay = new PlanetaryOverlay(kdl, { seed: 1 });
  let e = 0;
  while (overlay.parent[kdl.edgeA[e]!] === kdl.edgeB[e] || overlay.parent[kdl.edgeB[e]!] === kdl.edgeA[e]) e++;
  const before = [...overlay.parent];
  overlay.failLink(kdl.edgeA[e]!, kdl.edgeB[e]!);
  overlay.sim.run({ untilS: 100 });
  t.is(overlay.history[0]!.convergedAtS, peerTimeoutS);
  t.deepEqual([...overlay.parent], before);
});

test('a parent node fails: every orphaned subtree re-attaches after the peer timeout', (t) => {
  const overlay = new PlanetaryOverlay(kdl, { seed: 2 });
  const childCount = new Map<number, number>();
  for (const p of overlay.parent) if (p >= 0) childCount.set(p, (childCount.get(p) ?? 0) + 1);
  // The busiest parent whose loss leaves the map connected (Kdl has many cut vertices).
  const victim = [...childCount.entries()]
    .filter(([x]) => overlay.depth[x]! > 0 && stillConnectedWithout(x))
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
  overlay.sim.scheduleAt(5, () => overlay.failNode(victim));
  overlay.sim.run({ untilS: 5 + peerTimeoutS + 5 });
  const record = overlay.history[0]!;
  const reconvergenceS = record.convergedAtS - record.atS;
  t.true(reconvergenceS >= peerTimeoutS && reconvergenceS < peerTimeoutS + 0.05, `${reconvergenceS}`);
  const live = pairsWithout(victim, 3000, 'parent');
  t.is(sendRatio(overlay, live), 1);
  t.log(`parent ${victim} (${childCount.get(victim)} children) lost: ${record.affectedNodes} nodes moved, reconverged in ${reconvergenceS.toFixed(4)} s`);
});

test('root loss: stale coordinates until the root record expires, then the next smallest key is elected and all pairs recover', (t) => {
  for (const seed of [1, 2, 3]) {
    const overlay = new PlanetaryOverlay(kdl, { seed });
    const root = overlay.rootOf(0);
    const heir = [...overlay.keys.keys()].filter((x) => x !== root).sort((a, b) => compareKeys(overlay.keys, a, b))[0]!;
    const failS = 1000;
    overlay.sim.scheduleAt(failS, () => overlay.failNode(root));
    // Leaves hanging off the root are cut off with it; only the main part can recover.
    const pairs = pairsWithout(root, 2000, `root-${seed}`);
    overlay.sim.run({ untilS: failS + 30 });
    const stale = sendRatio(overlay, pairs);
    overlay.sim.run({ untilS: failS + routerTimeoutS + 60 });
    const record = overlay.history[0]!;
    const recoveryS = record.convergedAtS - failS;
    // The record was last refreshed at most one refresh period before the failure, so it expires
    // between (timeout − refresh) and timeout after it; announcements then add milliseconds.
    t.true(recoveryS > routerTimeoutS - routerRefreshS && recoveryS < routerTimeoutS + 0.1, `seed ${seed}: recovery ${recoveryS} s`);
    t.is(record.newRoot, heir);
    t.is(overlay.rootOf(0), heir);
    t.true(stale < 1, `seed ${seed}: stale-window delivery ${stale}`);
    t.is(sendRatio(overlay, pairs), 1);
    t.deepEqual(treeViolations(overlay), []);
    t.log(`seed ${seed}: root ${root} lost; delivery while stale ${stale.toFixed(3)}; heir ${heir} elected, recovered after ${recoveryS.toFixed(1)} s`);
  }
});

test('root hot spot: on the sparse Kdl map the root carries a large share of routes, far above an average node', (t) => {
  for (const seed of [1, 2, 3]) {
    const overlay = new PlanetaryOverlay(kdl, { seed });
    const r = measureStretch(overlay, { pairs: 5000, seed });
    // An average node is an intermediate hop on (mean routed hops − 1) / (n − 2) of the routes.
    const averageShare = (r.meanHops - 1) / (kdl.nodeCount - 2);
    t.true(r.rootTransitFraction > 0.2, `seed ${seed}: root on ${r.rootTransitFraction} of routes`);
    t.true(r.rootTransitFraction > 5 * averageShare);
    t.true(r.rootTransitFraction > 2 * r.rootShortestTransitFraction);
    t.log(`seed ${seed}: root ${r.root} on ${(r.rootTransitFraction * 100).toFixed(1)} % of routes (${(r.rootShortestTransitFraction * 100).toFixed(1)} % of shortest paths); busiest node ${r.busiestTransitNode} ${(r.busiestTransitFraction * 100).toFixed(1)} %; average node ${(averageShare * 100).toFixed(2)} %`);
  }
});

/** Two random halves that meet only at one bridge node (the ThreeFold "peer to the public network"). */
function bridged(shortcut: boolean): { overlay: PlanetaryOverlay; bridge: number; half: number } {
  const next = seedrandom.alea('bridge');
  const half = 60;
  const bridge = 2 * half;
  const edges = [...randomConnected(half, 20, next), ...randomConnected(half, 20, next, half)];
  for (let k = 0; k < 3; k++) edges.push([bridge, k * 7], [bridge, half + k * 11]);
  if (shortcut) edges.push([5, half + 5]);
  const topology = buildTopology({ source: 'bridged', labels: Array.from({ length: 2 * half + 1 }, (_, i) => `${i}`), from: edges.map((e) => e[0]), to: edges.map((e) => e[1]) });
  return { overlay: new PlanetaryOverlay(topology, { seed: 'bridge' }), bridge, half };
}

test('bridge peer: every route between the two halves crosses the one bridge node, unless a shortcut link exists', (t) => {
  const share = (shortcut: boolean): number => {
    const { overlay, bridge, half } = bridged(shortcut);
    const path = new Int32Array(overlay.topology.nodeCount + 1);
    let cross = 0;
    let through = 0;
    for (let s = 0; s < half; s++) {
      for (let d = half; d < 2 * half; d++) {
        const r = overlay.route(s, d, path);
        t.is(r.status, RouteStatus.delivered);
        cross++;
        if (path.subarray(1, r.hops).includes(bridge)) through++;
      }
    }
    return through / cross;
  };
  t.is(share(false), 1);
  const withShortcut = share(true);
  t.true(withShortcut < 1, `${withShortcut}`);
  t.log(`share of cross-half routes through the bridge: 1 without a shortcut, ${withShortcut.toFixed(3)} with one direct link`);
});

test('bridge peer fails: the halves are cut; the half without the root re-elects after the record expires', (t) => {
  const { overlay, bridge, half } = bridged(false);
  overlay.sim.scheduleAt(1, () => overlay.failNode(bridge));
  overlay.sim.run({ untilS: 1 + routerTimeoutS + 60 });
  t.deepEqual(treeViolations(overlay), []);
  const rootA = overlay.rootOf(0);
  const rootB = overlay.rootOf(half);
  t.not(rootA, rootB);
  for (const [lo, hi] of [[0, half], [half, 2 * half]] as [number, number][]) {
    const members = Array.from({ length: hi - lo }, (_, i) => lo + i);
    const best = members.sort((a, b) => compareKeys(overlay.keys, a, b))[0]!;
    t.is(overlay.rootOf(lo), best);
    for (const s of members) for (const d of members) if (s !== d) t.is(overlay.route(s, d).status, RouteStatus.delivered);
  }
  t.is(overlay.route(0, half).status, RouteStatus.broken);
});

test('measureReconvergence: link and parent loss settle a few ms after the peer timeout, root loss after the record expires', (t) => {
  const as = loadTopology(topologyFile('as/as20000102.txt'));
  for (const [name, topology] of [['Kdl', kdl], ['AS', as]] as const) {
    for (const kind of failureKinds) {
      const r = measureReconvergence(topology, { seed: 1, kind, pairs: 1000 });
      t.not(r.failed, '', `${name} ${kind}: a target that keeps the graph connected exists`);
      t.is(r.deliveryAfter, 1, `${name} ${kind}`);
      if (kind === 'root') t.true(r.reconvergenceS > routerTimeoutS - routerRefreshS && r.reconvergenceS < routerTimeoutS + 0.1);
      else t.true(r.reconvergenceS >= peerTimeoutS && r.reconvergenceS < peerTimeoutS + 0.05);
      t.log(`${name} ${kind} ${r.failed}: ${r.reconvergenceS.toFixed(3)} s, ${r.affectedNodes} nodes moved, delivery ${r.deliveryDuring.toFixed(3)} before detection, root now ${r.root}`);
    }
  }
  t.deepEqual(measureReconvergence(kdl, { seed: 1, kind: 'root', pairs: 300 }), measureReconvergence(kdl, { seed: 1, kind: 'root', pairs: 300 }));
});
