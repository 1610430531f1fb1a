// `bench mycelium`: the Mycelium model on a synthetic N-node peering graph with D destinations in use
// and F link failures (routes settled as a quiet network settles them, failures event by event), against
// a plain Dijkstra per destination at setup and after every failure, measured in the same run.

import type { Args } from '../cli/args.js';
import { RngStreams } from '../sim/engine/rng.js';
import { measureMyceliumConvergence } from '../sim/network/mycelium/convergence.js';
import { buildTopology, type Topology } from '../sim/network/topology/graph.js';
import { ShortestPaths } from '../sim/network/topology/shortest-paths.js';
import { benchMain } from './bench-main.js';

/**
 * Preferential attachment (each new node peers with 2 earlier ones, chosen by degree) with one-way
 * latencies of 1–30 ms: hubs and leaves, like an overlay's peering, at any size, from a seed.
 */
export function peeringGraph(nodes: number, seed: string): Topology {
  const rng = new RngStreams(seed).stream('bench/mycelium-graph');
  const from: number[] = [0];
  const to: number[] = [1];
  const ends: number[] = [0, 1];
  for (let u = 2; u < nodes; u++) {
    for (let k = 0; k < 2; k++) {
      const v = ends[rng.int(0, ends.length)]!;
      from.push(u);
      to.push(v);
      ends.push(u, v);
    }
  }
  const latencyS = from.map(() => 0.001 + rng.next() * 0.029);
  return buildTopology({ source: `peering-${nodes}`, labels: Array.from({ length: nodes }, (_, i) => String(i)), from, to, latencyS, hasCoordinates: true });
}

function cpuS(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export function benchMycelium(nodes: number, destinations: number, linkFailures: number, seed: string) {
  const topology = peeringGraph(nodes, seed);
  const start = cpuS();
  const report = measureMyceliumConvergence(topology, { seed, linkFailures, destinations, setup: 'steady', failureGapS: 120 });
  const modelCpuS = cpuS() - start;
  // Reference: what a full recompute costs, one Dijkstra per destination at setup and after each failure.
  // Three rounds are timed and scaled to setup + every failure (each round is the same work).
  const rounds = report.linkFailures + 1;
  const timedRounds = Math.min(rounds, 3);
  const refStart = cpuS();
  const paths = new ShortestPaths(topology);
  let checksum = 0;
  for (let round = 0; round < timedRounds; round++) {
    for (let d = 0; d < destinations; d++) checksum += paths.dijkstra((d * 7919) % nodes)[(d * 104_729) % nodes]!;
  }
  const referenceCpuS = ((cpuS() - refStart) * rounds) / timedRounds;
  return {
    nodes,
    edges: topology.edgeCount,
    destinations,
    linkFailures: report.linkFailures,
    modelCpuS: Number(modelCpuS.toFixed(2)),
    referenceCpuS: Number(referenceCpuS.toFixed(2)),
    ratio: Number((modelCpuS / referenceCpuS).toFixed(2)),
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    convergenceP99S: report.convergenceS.p99,
    withinBoundRatio: report.withinBoundRatio,
    pairsUndeliveredAtEnd: report.pairsUndeliveredAtEnd,
    referenceChecksum: checksum,
    seed,
  };
}

await benchMain('mycelium', {
  run(args: Args) {
    const nodes = args.number('nodes', { min: 10, max: 1e7, integer: true, default: 10_000 });
    const destinations = args.number('destinations', { min: 1, max: 100_000, integer: true, default: 256 });
    const linkFailures = args.number('link-failures', { min: 1, max: 100_000, integer: true, default: 100 });
    const seed = args.string('seed', '1');
    process.stderr.write(`seed: ${seed}\n`);
    const r = benchMycelium(nodes, destinations, linkFailures, seed);
    const human = [
      `mycelium on ${r.nodes} nodes (${r.edges} links), ${r.destinations} destinations in use, ${r.linkFailures} link failures`,
      `  model       ${r.modelCpuS} s CPU (setup, failures, pair checks), peak RSS ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
      `  reference   ${r.referenceCpuS} s CPU (a Dijkstra per destination at setup and after each failure; 3 rounds timed in this run, scaled)`,
      `  ratio       ${r.ratio}`,
      `  convergence p99 ${r.convergenceP99S.toFixed(1)} s; lost pairs back within bound ${(r.withinBoundRatio * 100).toFixed(1)} %`,
    ].join('\n');
    return { document: r, human };
  },
});
