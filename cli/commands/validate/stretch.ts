// `validate stretch`: builds the Planetary Network overlay on a topology file and measures its stretch
// (ANCHORS 4.4). Leaves out the model itself (sim/network/planetary/); this only reads flags and prints.

import type { Args } from '../../args.js';
import type { Command, CommandContext } from '../../command.js';
import type { ReconvergenceReport } from '../../../sim/network/planetary/reconvergence.js';
import type { StretchReport } from '../../../sim/network/planetary/stretch.js';

const flags = {
  topology: { kind: 'value', valueName: 'FILE', help: 'GraphML (Topology Zoo) or SNAP edge list; self-loops and duplicate edges are ignored' },
  pairs: { kind: 'value', valueName: 'N', help: 'random source/destination pairs to route (default 10000)' },
  seed: { kind: 'value', valueName: 'S', help: 'seed of the node keys and the pairs (default 1)' },
  reconvergence: { kind: 'boolean', help: 'also fail a tree link, a parent and the root, and report how the overlay recovers' },
} as const;

async function run(args: Args, { out }: CommandContext): Promise<number> {
  const seed = args.string('seed', '1');
  out.progress(`seed: ${seed}`);
  const file = args.required('topology');
  const pairs = args.number('pairs', { integer: true, min: 1, max: 10_000_000, default: 10_000 });
  const [{ loadTopology }, { PlanetaryOverlay }, { failureKinds, measureReconvergence }, { measureStretch }] = await Promise.all([
    import('../../../sim/network/topology/load.js'),
    import('../../../sim/network/planetary/overlay.js'),
    import('../../../sim/network/planetary/reconvergence.js'),
    import('../../../sim/network/planetary/stretch.js'),
  ]);
  const topology = loadTopology(file);
  const overlay = new PlanetaryOverlay(topology, { seed });
  const report = measureStretch(overlay, { pairs, seed });
  const recovery = args.boolean('reconvergence') ? failureKinds.map((kind) => measureReconvergence(topology, { seed, kind, pairs: Math.min(pairs, 2000) })) : undefined;
  // The contract's seven fields first, in this order; the rest follow for whoever wants them.
  const { nodes, edges, meanStretch, p99Stretch, maxStretch, deliveryRatio, meanRoutingEntries, ...extra } = report;
  out.result(
    { nodes, edges, meanStretch, p99Stretch, maxStretch, deliveryRatio, meanRoutingEntries, ...extra, ...(recovery && { reconvergence: recovery }) },
    () => summary(file, report, recovery),
  );
  return 0;
}

function summary(file: string, r: StretchReport, recovery?: readonly ReconvergenceReport[]): string {
  const f = (x: number | null, digits = 3): string => (x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));
  return [
    `${file}: ${r.nodes} nodes, ${r.edges} links; root ${r.root}, tree depth ${r.treeDepthMax}`,
    `  ${r.pairs} pairs, delivered ${f(r.deliveryRatio * 100, 2)} %`,
    `  hop stretch      mean ${f(r.meanStretch)}  p99 ${f(r.p99Stretch)}  max ${f(r.maxStretch)}  (stretch 1: ${f(r.stretchOneFraction * 100, 1)} % of pairs)`,
    `  tree alone       mean ${f(r.meanTreeStretch)}  (no shortcut links: what greedy forwarding improves on)`,
    `  latency stretch  mean ${f(r.meanLatencyStretch)}  p99 ${f(r.p99LatencyStretch)}`,
    `  routing entries  mean ${f(r.meanRoutingEntries, 1)} (peers ${f(r.meanPeers, 1)} + tree records ${f(r.meanTreeEntries, 1)}), max ${r.maxRoutingEntries}`,
    `  transit          root ${f(r.rootTransitFraction * 100, 1)} % of routes (${f(r.rootShortestTransitFraction * 100, 1)} % of shortest paths); busiest node ${r.busiestTransitNode} ${f(r.busiestTransitFraction * 100, 1)} %`,
    ...(recovery ?? []).map(
      (x) => `  ${`${x.kind} loss`.padEnd(16)} ${x.failed || 'none that keeps the graph connected'}: reconverged in ${f(x.reconvergenceS)} s, ${x.affectedNodes} nodes moved, delivery ${f(x.deliveryDuring)} before detection, ${f(x.deliveryAfter)} after`,
    ),
  ].join('\n');
}

export const stretch: Command = {
  name: 'stretch',
  summary: 'route random pairs over the Planetary Network overlay and compare with shortest paths',
  usage: 'validate stretch --topology FILE [--pairs N] [--seed S] [--reconvergence] [--json]',
  flags,
  run,
};
