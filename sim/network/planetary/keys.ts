// Node identities of the Planetary Network: one key per node, drawn from the run's seed.
// Leaves out ed25519 and address derivation (DOMAIN 4); only the order of keys matters to routing.

import { RngStreams } from '../../engine/rng.js';

/**
 * 53-bit integers from the stream "planetary/keys", in node order, so a node keeps its key across
 * runs with the same seed. Two 53-bit keys collide with odds ~n²/2^54: for 10^5 nodes about 10^-6,
 * and compareKeys breaks such a tie by node index anyway.
 */
export function drawKeys(nodeCount: number, seed: string | number): Float64Array {
  const rng = new RngStreams(seed).stream('planetary/keys');
  const keys = new Float64Array(nodeCount);
  for (let i = 0; i < nodeCount; i++) keys[i] = Math.floor(rng.next() * 2 ** 32) * 2 ** 21 + Math.floor(rng.next() * 2 ** 21);
  return keys;
}

/** Negative when a's key is smaller: the smaller key is the better root (ironwood v0.5). */
export function compareKeys(keys: Float64Array, a: number, b: number): number {
  return keys[a]! - keys[b]! || a - b;
}
