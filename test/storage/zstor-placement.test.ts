import test from 'ava';
import fc from 'fast-check';
import { Rng } from '../../sim/engine/rng.js';
import { placeShards, survivesLoss } from '../../sim/storage/zstor/placement.js';
import type { ZstorPolicy } from '../../sim/storage/zstor/types.js';
import { fcParams } from '../helpers/fc-params.js';

interface B {
  readonly group: number;
  readonly id: number;
}

function layout(sizes: readonly number[]): B[][] {
  let id = 0;
  return sizes.map((size, group) => Array.from({ length: size }, () => ({ group, id: id++ })));
}

/** Independent of survivesLoss: try every set of `rg` groups to lose, then `rn` backends from every other group. */
function bruteForceSurvives(shards: readonly B[], policy: ZstorPolicy): boolean {
  const counts = new Map<number, number>();
  for (const b of shards) counts.set(b.group, (counts.get(b.group) ?? 0) + 1);
  const groups = [...counts.keys()];
  const check = (from: number, removed: number[]): boolean => {
    if (removed.length === Math.min(policy.redundantGroups, groups.length)) {
      let left = 0;
      for (const g of groups) if (!removed.includes(g)) left += Math.max(0, counts.get(g)! - policy.redundantNodes);
      return left >= policy.dataShards;
    }
    for (let i = from; i < groups.length; i++) if (!check(i + 1, [...removed, groups[i]!])) return false;
    return true;
  };
  return check(0, []);
}

test('PROPERTY placement: n distinct backends that survive losing redundant_groups groups + redundant_nodes per group', (t) => {
  const arb = fc.record({
    sizes: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 6 }),
    k: fc.integer({ min: 1, max: 6 }),
    parity: fc.integer({ min: 0, max: 6 }),
    rg: fc.integer({ min: 0, max: 2 }),
    rn: fc.integer({ min: 0, max: 2 }),
    seed: fc.integer(),
  });
  let placed = 0;
  fc.assert(
    fc.property(arb, ({ sizes, k, parity, rg, rn, seed }) => {
      const policy: ZstorPolicy = { dataShards: k, totalShards: k + parity, redundantGroups: rg, redundantNodes: rn };
      const groups = layout(sizes);
      const result = placeShards(groups.map((g) => ({ free: g, pinned: [] })), policy, new Rng(String(seed)));
      if (result === null) return;
      placed++;
      if (result.length !== policy.totalShards) throw new Error(`placed ${result.length} shards, want ${policy.totalShards}`);
      if (new Set(result).size !== result.length) throw new Error('a backend got two shards');
      if (!bruteForceSurvives(result, policy)) throw new Error(`placement ${JSON.stringify(result)} does not survive the loss rules`);
    }),
    fcParams('zstor-placement', 300),
  );
  t.true(placed > 50, `only ${placed} feasible cases were generated`);
});

test('placement keeps pinned (intact) shards and adds only what is missing', (t) => {
  const policy: ZstorPolicy = { dataShards: 2, totalShards: 4, redundantGroups: 1, redundantNodes: 0 };
  const groups = layout([3, 3, 3, 3]);
  const pinned = [groups[0]![0]!, groups[1]![0]!, groups[2]![0]!];
  const result = placeShards(groups.map((g) => ({ free: g.filter((b) => !pinned.includes(b)), pinned: g.filter((b) => pinned.includes(b)) })), policy, new Rng('p'))!;
  t.is(result.length, 4);
  for (const p of pinned) t.true(result.includes(p));
  t.true(bruteForceSurvives(result, policy));
  t.true(survivesLoss([2, 1, 1], policy));
});

test('16/20 with redundant_nodes=1 spreads over 4 groups; 10/15 with redundant_groups=1 and redundant_nodes=1 has no valid spread', (t) => {
  const planning: ZstorPolicy = { dataShards: 16, totalShards: 20, redundantGroups: 0, redundantNodes: 1 };
  const placed = placeShards(layout([6, 6, 6, 6]).map((g) => ({ free: g, pinned: [] })), planning, new Rng('r'));
  t.truthy(placed);
  t.true(bruteForceSurvives(placed!, planning));
  // With g groups the largest holds ≥ ⌈15/g⌉ and each other loses one: 15 − max − (g − 1) < 10 for every g.
  // zstor's own rule (config.rs add_valid_config) agrees: the README's 10/15 example only tests encoding.
  const readme: ZstorPolicy = { dataShards: 10, totalShards: 15, redundantGroups: 1, redundantNodes: 1 };
  t.is(placeShards(layout([5, 5, 5, 5, 5, 5]).map((g) => ({ free: g, pinned: [] })), readme, new Rng('r')), null);
});

test('placement is deterministic for a given RNG stream', (t) => {
  const policy: ZstorPolicy = { dataShards: 2, totalShards: 4, redundantGroups: 1, redundantNodes: 0 };
  const run = () => placeShards(layout([3, 3, 3]).map((g) => ({ free: g, pinned: [] })), policy, new Rng('same'))!.map((b) => b.id);
  t.deepEqual(run(), run());
});
