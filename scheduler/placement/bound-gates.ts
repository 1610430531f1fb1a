// The gates of the capacity index: thresholds per dimension under which a node's free memory is kept
// as a joint bound (memory and CPU, memory and SSD, ...). Only the ladder lives here; the tree does not.

import type { CompiledRequest } from './capacity-record.js';

const GiB = 2 ** 30;
// Gate thresholds per dimension (0 CPU headroom, 1 SSD pool, 2 HDD, 3 IPv4), a geometric ladder so a
// request is always judged against a threshold within 2× (CPU) or 4× (disks) of what it needs.
const ladders: readonly (readonly number[])[] = [
  [1, 2, 4, 8, 16],
  [1, 4, 16, 64, 256, 1024, 4096].map((g) => g * GiB),
  [1, 4, 16, 64, 256, 1024, 4096, 16384].map((g) => g * GiB),
  [1, 2, 4],
];
export const gateDim = ladders.flatMap((ladder, dim) => ladder.map(() => dim));
export const gateMin = ladders.flat();
export const GATES = gateMin.length;
const gateBase = ladders.map((_, dim) => gateDim.indexOf(dim));
/** Per dimension, the gates [gateFrom, gateTo) of its ladder, thresholds ascending. */
export const gateFrom: readonly number[] = gateBase;
export const gateTo: readonly number[] = ladders.map((ladder, dim) => gateBase[dim]! + ladder.length);
export const gateDims = ladders.length;

/** Per dimension the highest gate the request's need reaches, if any. */
export function gatesFor(req: CompiledRequest): number[] {
  const needs = [req.vcpus, req.maxSsd, req.maxHdd, req.ipv4];
  const out: number[] = [];
  needs.forEach((need, dim) => {
    const ladder = ladders[dim]!;
    let i = -1;
    while (i + 1 < ladder.length && ladder[i + 1]! <= need) i++;
    if (i >= 0) out.push(gateBase[dim]! + i);
  });
  return out;
}
