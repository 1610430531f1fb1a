// zstor's shard placement (`shard_stores`, DOMAIN.md 3.2): pick a spread of shards over groups that
// survives losing `redundant_groups` whole groups plus `redundant_nodes` backends in every other one.

import type { Rng } from '../../engine/rng.js';
import { InputError } from '../../errors.js';
import type { ZstorPolicy } from './types.js';

/** One group's candidates: backends that may take a new shard, plus those pinned (already holding one). */
export interface GroupCandidates<B> {
  readonly free: readonly B[];
  readonly pinned: readonly B[];
}

/** Enumeration is exponential in the number of groups, as in zstor; configs have a handful. */
const maxGroups = 24;

/**
 * The rule a distribution (shards per group) must pass: drop the `redundantGroups` largest groups
 * and `redundantNodes` shards from each remaining group; at least `dataShards` must be left.
 */
export function survivesLoss(counts: readonly number[], policy: ZstorPolicy): boolean {
  const sorted = counts.filter((c) => c > 0).sort((a, b) => b - a);
  let left = 0;
  for (let i = policy.redundantGroups; i < sorted.length; i++) left += Math.max(0, sorted[i]! - policy.redundantNodes);
  return left >= policy.dataShards;
}

/**
 * Chooses `totalShards` distinct backends, keeping every pinned one (repair reuses intact shards).
 * Returns null when no valid distribution exists: the caller stalls (store) or waits (repair).
 */
export function placeShards<B>(groups: readonly GroupCandidates<B>[], policy: ZstorPolicy, rng: Rng): B[] | null {
  const { dataShards: k, totalShards: n, redundantGroups: rg, redundantNodes: rn } = policy;
  // Groups smaller than redundant_nodes cannot absorb a node loss and are dropped.
  const usable: number[] = [];
  for (let g = 0; g < groups.length; g++) {
    const size = groups[g]!.free.length + groups[g]!.pinned.length;
    if (size > 0 && size >= rn) usable.push(g);
    else if (groups[g]!.pinned.length > 0) return null;
  }
  if (usable.length > maxGroups) throw new InputError('zstor', 'groups', `${usable.length} groups exceed the ${maxGroups} that placement can enumerate`);
  const maxUsed = rn === 0 ? usable.length : Math.min(usable.length, Math.floor((n - k) / rn) + rg);
  const mustUse = usable.filter((g) => groups[g]!.pinned.length > 0);

  // Reservoir-sample one valid (subset, distribution) pair uniformly without storing them all.
  let seen = 0;
  let chosen: { subset: number[]; counts: number[] } | null = null;
  const counts: number[] = [];
  const spread = (subset: number[], at: number, left: number): void => {
    if (at === subset.length) {
      if (left !== 0 || !survivesLoss(counts, policy)) return;
      seen++;
      if (rng.int(0, seen) === 0) chosen = { subset: [...subset], counts: [...counts] };
      return;
    }
    const g = groups[subset[at]!]!;
    const lo = Math.max(1, g.pinned.length);
    const hi = Math.min(g.free.length + g.pinned.length, left - (subset.length - at - 1));
    for (let c = lo; c <= hi; c++) {
      counts[at] = c;
      spread(subset, at + 1, left - c);
    }
    counts.length = at;
  };
  const subset: number[] = [];
  const choose = (from: number): void => {
    if (subset.length > rg && subset.length <= maxUsed && mustUse.every((g) => subset.includes(g))) {
      let capacity = 0;
      for (const g of subset) capacity += groups[g]!.free.length + groups[g]!.pinned.length - rn;
      if (capacity >= k) spread(subset, 0, n);
    }
    if (subset.length === maxUsed) return;
    for (let i = from; i < usable.length; i++) {
      subset.push(usable[i]!);
      choose(i + 1);
      subset.pop();
    }
  };
  choose(0);
  if (chosen === null) return null;
  const pick: { subset: number[]; counts: number[] } = chosen;
  const result: B[] = [];
  pick.subset.forEach((g, i) => {
    const group = groups[g]!;
    result.push(...group.pinned);
    const extra = rng.shuffle([...group.free]).slice(0, pick.counts[i]! - group.pinned.length);
    result.push(...extra);
  });
  return result;
}
