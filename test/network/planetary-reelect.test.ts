// Re-election when a dead root's record expires (sim/network/planetary/reelect.ts): the stranded pieces
// join the one live tree they touch or elect their smallest key; anything that would move a live tree
// falls back to regrowing the forest. Then the same end to end: a stranded half re-elects and the half
// that kept its root does not move.
import test from 'ava';

import { compareKeys } from '../../sim/network/planetary/keys.js';
import { PlanetaryOverlay } from '../../sim/network/planetary/overlay.js';
import { planReelection, type ReelectContext } from '../../sim/network/planetary/reelect.js';
import { ironwoodTimers } from '../../sim/network/planetary/timers.js';
import { topologyOf, treeViolations } from '../helpers/network-graphs.js';

/** A path 0-1-…-(n-1); nodes in `stale` are cut off, the others form one tree rooted at 0. */
function pathContext(n: number, stale: readonly number[], keys: readonly number[]): ReelectContext {
  const topology = topologyOf({ n, edges: Array.from({ length: n - 1 }, (_, i) => [i, i + 1] as const), latencyUs: Array(n - 1).fill(1000) });
  const ctx = {
    topology,
    keys: Float64Array.from(keys),
    nodeUp: new Uint8Array(n).fill(1),
    linkKnownUp: new Uint8Array(topology.edgeCount).fill(1),
    stale: new Uint8Array(n),
    depth: Int32Array.from({ length: n }, (_, i) => i),
    parent: Int32Array.from({ length: n }, (_, i) => i - 1),
  };
  for (const x of stale) ctx.stale[x] = 1;
  return ctx;
}

test('a piece touching one live tree whose root has the better key joins it through its border', (t) => {
  const ctx = pathContext(6, [3, 4, 5], [0, 1, 2, 3, 4, 5]);
  const mark = new Uint8Array(6);
  const plan = planReelection(ctx, [5, 4, 3, 4], mark);
  t.not(plan, 'regrow');
  t.deepEqual(plan === 'regrow' ? [] : plan.map((p) => ({ nodes: [...p.nodes].sort(), seeds: p.seeds, root: p.root })), [{ nodes: [3, 4, 5], seeds: [2], root: 0 }]);
  t.deepEqual([...mark], [0, 0, 0, 0, 0, 0], 'scratch left clean');
});

test('a piece with a key better than the root it touches, or touching two trees, makes the forest regrow', (t) => {
  t.is(planReelection(pathContext(6, [3, 4, 5], [1, 2, 3, 4, 0, 5]), [3, 4, 5], new Uint8Array(6)), 'regrow');
  const twoTrees = pathContext(7, [3], [0, 1, 2, 9, 4, 5, 6]);
  twoTrees.parent[4] = -1; // 4-5-6 is its own tree, rooted at 4
  for (const x of [4, 5, 6]) twoTrees.depth[x] = x - 4;
  t.is(planReelection(twoTrees, [3], new Uint8Array(7)), 'regrow');
});

test('a piece cut off from every live tree elects its smallest key, listed first', (t) => {
  const ctx = pathContext(6, [3, 4, 5], [0, 1, 2, 5, 3, 4]);
  ctx.linkKnownUp[2] = 0; // the link 2-3
  const plan = planReelection(ctx, [3, 4, 5], new Uint8Array(6));
  t.not(plan, 'regrow');
  if (plan === 'regrow') return;
  t.is(plan.length, 1);
  t.is(plan[0]!.root, -1);
  t.is(plan[0]!.nodes[0], 4);
  t.deepEqual(plan[0]!.seeds, []);
});

test('a stranded half re-elects at expiry; the half that kept its root does not move', (t) => {
  // Two rings of 12 joined by one bridge node (24); the root is in the ring its key says.
  const n = 25;
  const edges: (readonly [number, number])[] = [];
  for (let i = 0; i < 12; i++) edges.push([i, (i + 1) % 12], [12 + i, 12 + ((i + 1) % 12)]);
  edges.push([24, 0], [24, 12]);
  const topology = topologyOf({ n, edges, latencyUs: edges.map((_, i) => 1000 + 37 * i) });
  for (const seed of [1, 2, 3, 4]) {
    const overlay = new PlanetaryOverlay(topology, { seed });
    const root = overlay.rootOf(0);
    if (root === 24) continue; // the bridge as root strands both halves
    const kept = root < 12 ? [0, 12] : [12, 24];
    const cut = root < 12 ? [12, 24] : [0, 12];
    const before = overlay.parent.slice();
    overlay.sim.scheduleAt(1, () => overlay.failNode(24));
    overlay.sim.run({ untilS: 1 + ironwoodTimers.routerTimeoutS + 60 });
    t.deepEqual(treeViolations(overlay), [], `seed ${seed}`);
    for (let x = kept[0]!; x < kept[1]!; x++) if (before[x] !== 24) t.is(overlay.parent[x], before[x], `seed ${seed}: node ${x} moved`);
    const members = Array.from({ length: 12 }, (_, i) => cut[0]! + i).sort((a, b) => compareKeys(overlay.keys, a, b));
    const best = members[0]!;
    t.is(overlay.rootOf(cut[0]!), best, `seed ${seed}: the cut half's smallest key is its root`);
    const expiry = overlay.history.find((r) => r.cause === 'node 24')!;
    t.is(expiry.newRoot, best);
  }
});
