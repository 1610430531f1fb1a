// What SimBackend needs of a World beyond its public API: the per-node flist block caches, which the
// World keeps private. Reached here only, by name, so a public accessor on World can replace this file.

import type { World } from '../sim/grid/world.js';
import type { BlockCache } from '../sim/storage/flist/block-cache.js';

/** World.cacheOf is private; bracket access is TypeScript's sanctioned escape hatch for it. */
interface WorldInternals {
  cacheOf(node: number): BlockCache;
  readonly caches: ReadonlyMap<number, BlockCache>;
}

/** The node's block cache, created on first use exactly as a zmachine boot would create it. */
export function nodeCache(world: World, node: number): BlockCache {
  return (world as unknown as WorldInternals).cacheOf.call(world, node);
}

/** Every node cache in use, by node. */
export function nodeCaches(world: World): ReadonlyMap<number, BlockCache> {
  return (world as unknown as WorldInternals).caches;
}
