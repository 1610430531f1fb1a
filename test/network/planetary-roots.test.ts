// The Planetary Network's stretch over many roots with zos's parent rule (yggdrasil 0.5.4: first
// announcement wins), checked against a second, deliberately plain implementation written here:
// Dijkstra by link latency, the first-arrival parent, LCA tree distance by parent walks, greedy
// forwarding and BFS hop counts, over its own pairs. Issue 15: medians agree within ±0.01.
import test from 'ava';

import { loadTopology } from '../../sim/network/topology/load.js';
import type { Topology } from '../../sim/network/topology/graph.js';
import { drawKeys } from '../../sim/network/planetary/keys.js';
import { measureRoots } from '../../sim/network/planetary/roots.js';
import { topologyFile } from '../helpers/network-graphs.js';

const as = loadTopology(topologyFile('as/as20000102.txt'));
const kdl = loadTopology(topologyFile('zoo/Kdl.graphml'));

/** Mean hop stretch with `root` as the root, over `sources` × `targets` pairs (a plain LCG picks them). */
function plainMeanStretch(g: Topology, keys: Float64Array, root: number, sources: number, targets: number, salt: number): number {
  const n = g.nodeCount;
  const adj = (u: number): number[] => {
    const out: number[] = [];
    for (let h = g.offsets[u]!; h < g.offsets[u + 1]!; h++) out.push(h);
    return out;
  };
  const key = (x: number): number => (x === root ? -1 : keys[x]!);
  const less = (a: number, b: number): boolean => key(a) < key(b) || (key(a) === key(b) && a < b);
  // Dijkstra, O(n²): simple enough to trust.
  const dist = new Float64Array(n).fill(Infinity);
  const done = new Uint8Array(n);
  dist[root] = 0;
  for (;;) {
    let u = -1;
    for (let x = 0; x < n; x++) if (done[x] === 0 && dist[x]! < Infinity && (u < 0 || dist[x]! < dist[u]!)) u = x;
    if (u < 0) break;
    done[u] = 1;
    for (const h of adj(u)) {
      const v = g.neighbours[h]!;
      if (dist[u]! + g.latencyS[h]! < dist[v]!) dist[v] = dist[u]! + g.latencyS[h]!;
    }
  }
  // The parent is the peer the announcement came through first: dist[p] + link = dist[v], smallest key.
  const parent = new Int32Array(n).fill(-1);
  for (let v = 0; v < n; v++) {
    if (v === root || dist[v] === Infinity) continue;
    for (const h of adj(v)) {
      const p = g.neighbours[h]!;
      if (dist[p]! + g.latencyS[h]! === dist[v] && (parent[v]! < 0 || less(p, parent[v]!))) parent[v] = p;
    }
  }
  const depth = new Int32Array(n).fill(-1);
  const depthOf = (x: number): number => (depth[x]! >= 0 ? depth[x]! : (depth[x] = x === root ? 0 : depthOf(parent[x]!) + 1));
  for (let x = 0; x < n; x++) if (dist[x]! < Infinity) depthOf(x);
  const treeDist = (a: number, b: number): number => {
    let [x, y, d] = [a, b, 0];
    while (depth[x]! > depth[y]!) [x, d] = [parent[x]!, d + 1];
    while (depth[y]! > depth[x]!) [y, d] = [parent[y]!, d + 1];
    while (x !== y) [x, y, d] = [parent[x]!, parent[y]!, d + 2];
    return d;
  };
  let state = 12345 + salt;
  const next = (m: number): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % m;
  };
  let sum = 0;
  let count = 0;
  for (let s = 0; s < sources; s++) {
    const src = next(n);
    if (dist[src] === Infinity) continue;
    const hops = new Int32Array(n).fill(-1);
    hops[src] = 0;
    const queue = [src];
    for (let i = 0; i < queue.length; i++) for (const h of adj(queue[i]!)) if (hops[g.neighbours[h]!]! < 0) (hops[g.neighbours[h]!] = hops[queue[i]!]! + 1), queue.push(g.neighbours[h]!);
    for (let k = 0; k < targets; k++) {
      const dst = next(n);
      if (dst === src || hops[dst]! < 0) continue;
      let u = src;
      let routed = 0;
      while (u !== dst) {
        let best = -1;
        let bestH = -1;
        let bestD = treeDist(u, dst);
        for (const h of adj(u)) {
          const v = g.neighbours[h]!;
          const d = treeDist(v, dst);
          if (d < bestD || (d === bestD && best >= 0 && (g.latencyS[h]! < g.latencyS[bestH]! || (g.latencyS[h] === g.latencyS[bestH] && less(v, best))))) [best, bestH, bestD] = [v, h, d];
        }
        if (best < 0) throw new Error(`plain routing stuck at ${u} towards ${dst}`);
        u = best;
        routed++;
      }
      sum += routed / hops[dst]!;
      count++;
    }
  }
  return sum / count;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length / 2) - 1]!;

for (const [name, g, roots, pairs, sources, targets] of [
  ['Kdl', kdl, 15, 8000, 30, 300],
  ['AS', as, 8, 6000, 20, 300],
] as const) {
  test(`${name}: the median over ${roots} roots of mean stretch (zos rule) matches a plain implementation within ±0.01`, (t) => {
    const report = measureRoots(g, { roots, pairs, seed: 1 });
    t.is(report.rootNodes.length, roots);
    t.is(report.deliveryRatio, 1);
    const keys = drawKeys(g.nodeCount, 1);
    const plain = report.rootNodes.map((r, i) => plainMeanStretch(g, keys, r, sources, targets, i));
    const ours = median(report.rootMeans);
    const theirs = median(plain);
    t.log(`${name}: ours p10/median/p90 ${report.roots.p10.toFixed(3)} / ${ours.toFixed(3)} / ${report.roots.p90.toFixed(3)}; plain median ${theirs.toFixed(3)}`);
    t.true(Math.abs(ours - theirs) <= 0.01, `ours ${ours} vs plain ${theirs}`);
    t.true(report.roots.p10 <= report.roots.median && report.roots.median <= report.roots.p90);
  });
}

test('the ironwood rule is a different tree on Kdl (latency-weighted depth), and both rules deliver everything', (t) => {
  const zos = measureRoots(kdl, { roots: 5, pairs: 2000, seed: 3 });
  const ironwood = measureRoots(kdl, { roots: 5, pairs: 2000, seed: 3, parentRule: 'ironwood' });
  t.deepEqual(zos.rootNodes, ironwood.rootNodes);
  t.is(ironwood.deliveryRatio, 1);
  t.notDeepEqual(zos.rootMeans, ironwood.rootMeans);
});
