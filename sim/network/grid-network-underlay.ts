// The grid's underlay, derived from the grid spec alone: each farm is a site (a router at coordinates
// drawn from the 'net.sites' stream), its nodes hang off it on a LAN, and sites link to their nearest
// sites with fibre latency. Leaves out real ISP topologies, queueing and asymmetric routes.

import type { Rng } from '../engine/rng.js';
import type { Farms } from '../grid/farms.js';
import { fibreLatencyS, greatCircleKm } from './topology/geo.js';
import { buildTopology, type Topology } from './topology/graph.js';

/** One switch hop and a few metres of copper. */
export const LAN_LATENCY_S = 100e-6;
/** A node's uplink: 1 Gb/s. */
export const LAN_BANDWIDTH_BYTES_PER_S = 125e6;
/** A site's transit links: 10 Gb/s. */
export const SITE_BANDWIDTH_BYTES_PER_S = 1.25e9;
/** Each site links to this many nearest sites (plus the spanning tree below). */
export const SITE_NEIGHBOURS = 3;

export interface GridUnderlay {
  /** Underlay ids: grid node i is i; farm f's site router is gridNodes + f. */
  readonly topology: Topology;
  readonly gridNodes: number;
  readonly siteLatDeg: Float64Array;
  readonly siteLonDeg: Float64Array;
  /** Per undirected link (topology edge id). */
  readonly bandwidthBytesPerS: Float64Array;
}

/**
 * Sites link to their k nearest sites because transit between hosting sites follows geography: a
 * farm in Ghent peers in Brussels and Amsterdam, not in Tokyo. k nearest alone can leave regional
 * islands, so the minimum spanning tree over great-circle distance is added: the grid starts in one
 * piece, and most sites keep two or more links so that one cut rarely partitions it.
 */
export function buildGridUnderlay(farms: Farms, gridNodes: number, rng: Rng): GridUnderlay {
  const siteCount = farms.farmCount;
  const { lat, lon } = drawSites(siteCount, rng);
  const from: number[] = [];
  const to: number[] = [];
  const latencyS: number[] = [];
  for (let f = 0; f < siteCount; f++) {
    const { firstNode, nodeCount } = farms.nodesOf(f);
    for (let node = firstNode; node < firstNode + nodeCount; node++) {
      from.push(node);
      to.push(gridNodes + f);
      latencyS.push(LAN_LATENCY_S);
    }
  }
  for (const [a, b] of sitePairs(lat, lon)) {
    from.push(gridNodes + a);
    to.push(gridNodes + b);
    latencyS.push(fibreLatencyS(lat[a]!, lon[a]!, lat[b]!, lon[b]!));
  }
  const labels = [...Array.from({ length: gridNodes }, (_, i) => `node-${i}`), ...farms.names.map((name) => `site-${name}`)];
  const topology = buildTopology({ source: 'grid underlay', labels, from, to, latencyS, hasCoordinates: true });
  const bandwidthBytesPerS = new Float64Array(topology.edgeCount);
  for (let e = 0; e < topology.edgeCount; e++) {
    bandwidthBytesPerS[e] = topology.edgeA[e]! < gridNodes ? LAN_BANDWIDTH_BYTES_PER_S : SITE_BANDWIDTH_BYTES_PER_S;
  }
  return { topology, gridNodes, siteLatDeg: lat, siteLonDeg: lon, bandwidthBytesPerS };
}

/** Latitudes uniform by area between 55° S and 70° N (where hosting sites are), longitudes uniform. */
function drawSites(count: number, rng: Rng): { lat: Float64Array; lon: Float64Array } {
  const lat = new Float64Array(count);
  const lon = new Float64Array(count);
  const lo = Math.sin((-55 * Math.PI) / 180);
  const hi = Math.sin((70 * Math.PI) / 180);
  for (let i = 0; i < count; i++) {
    lat[i] = (Math.asin(lo + rng.next() * (hi - lo)) * 180) / Math.PI;
    lon[i] = rng.next() * 360 - 180;
  }
  return { lat, lon };
}

/** The k-nearest links and the minimum spanning tree (Prim, O(sites²)); duplicates are dropped later. */
function sitePairs(lat: Float64Array, lon: Float64Array): [number, number][] {
  const n = lat.length;
  const km = (a: number, b: number): number => greatCircleKm(lat[a]!, lon[a]!, lat[b]!, lon[b]!);
  const pairs: [number, number][] = [];
  for (let a = 0; a < n; a++) {
    const others = Array.from({ length: n }, (_, b) => b).filter((b) => b !== a);
    others.sort((x, y) => km(a, x) - km(a, y) || x - y);
    for (const b of others.slice(0, SITE_NEIGHBOURS)) pairs.push([a, b]);
  }
  const inTree = new Uint8Array(n);
  const bestKm = new Float64Array(n).fill(Infinity);
  const bestFrom = new Int32Array(n).fill(-1);
  for (let step = 0, next = 0; step < n; step++) {
    inTree[next] = 1;
    if (bestFrom[next]! >= 0) pairs.push([bestFrom[next]!, next]);
    let pick = -1;
    for (let b = 0; b < n; b++) {
      if (inTree[b] === 1) continue;
      const d = km(next, b);
      if (d < bestKm[b]!) [bestKm[b], bestFrom[b]] = [d, next];
      if (pick < 0 || bestKm[b]! < bestKm[pick]!) pick = b;
    }
    next = pick;
  }
  return pairs;
}
