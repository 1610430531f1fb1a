// Underlay link faults as data: which link two ids name, which links a farm partition cuts, and the
// components left. Leaves out partial faults (loss, added latency): a link is up or cut.

import { InputError } from '../errors.js';
import { components, findEdge, type Topology } from './topology/graph.js';
import type { GridUnderlay } from './grid-network-underlay.js';

/** The link's edge id; an unknown pair is bad input naming the link. */
export function checkLink(topology: Topology, a: number, b: number): number {
  const known = (x: number) => Number.isInteger(x) && x >= 0 && x < topology.nodeCount;
  const e = known(a) && known(b) ? findEdge(topology, a, b) : -1;
  if (e < 0) throw new InputError('underlay', `link ${a}-${b}`, `no such link (links() lists them; ids 0..${topology.nodeCount - 1})`);
  return e;
}

/** Every site link between the given farms' sites and the others. */
export function partitionLinks(underlay: GridUnderlay, farms: readonly number[]): number[] {
  const { topology, gridNodes } = underlay;
  const siteCount = topology.nodeCount - gridNodes;
  const inside = new Uint8Array(siteCount);
  farms.forEach((f, i) => {
    if (!(Number.isInteger(f) && f >= 0 && f < siteCount)) throw new InputError('partitionFarms', `farms[${i}]`, `must be a farm index 0..${siteCount - 1}, got ${f}`);
    inside[f] = 1;
  });
  const cut: number[] = [];
  for (let e = 0; e < topology.edgeCount; e++) {
    const a = topology.edgeA[e]! - gridNodes;
    const b = topology.edgeB[e]! - gridNodes;
    if (a >= 0 && b >= 0 && inside[a] !== inside[b]) cut.push(e);
  }
  return cut;
}

/** Links cut for any reason, as sorted [a, b] pairs. */
export function linkCutsOf(topology: Topology, ...masks: Uint8Array[]): [number, number][] {
  const out: [number, number][] = [];
  for (let e = 0; e < topology.edgeCount; e++) {
    if (masks.some((m) => m[e] === 1)) out.push([topology.edgeA[e]!, topology.edgeB[e]!]);
  }
  return out;
}

export function componentsNow(topology: Topology, nodeUp: Uint8Array | undefined, linkUp: Uint8Array): Int32Array {
  return components(topology, nodeUp, linkUp);
}
