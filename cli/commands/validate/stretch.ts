// `validate stretch`: builds the Planetary Network overlay on a topology file and measures its stretch
// (ANCHORS 4.4). Leaves out the model itself (sim/network/planetary/); this only reads flags and prints.

import type { Args } from '../../args.js';
import type { Command, CommandContext } from '../../command.js';
import type { ReconvergenceReport } from '../../../sim/network/planetary/reconvergence.js';
import type { RootsReport } from '../../../sim/network/planetary/roots.js';
import type { ParentRule } from '../../../sim/network/planetary/tree.js';
import { InputError } from '../../../sim/errors.js';

const flags = {
  topology: { kind: 'value', valueName: 'FILE', help: 'GraphML (Topology Zoo) or SNAP edge list; self-loops and duplicate edges are ignored' },
  pairs: { kind: 'value', valueName: 'N', help: 'random source/destination pairs to route (default 10000)' },
  seed: { kind: 'value', valueName: 'S', help: 'seed of the node keys, the roots and the pairs (default 1)' },
  overlay: { kind: 'value', valueName: 'yggdrasil|mycelium', help: 'the overlay to measure (default yggdrasil)' },
  'parent-rule': { kind: 'value', valueName: 'zos|ironwood', help: "yggdrasil's parent choice: zos (0.5.4, first announcement; default) or ironwood (since Sep 2024, depth x link cost)" },
  roots: { kind: 'value', valueName: 'N', help: 'roots to measure, each forced in turn; `roots` gives the p10/median/p90 of their mean stretch (default 20)' },
  reconvergence: { kind: 'boolean', help: 'also fail a tree link, a parent and the root, and report how the overlay recovers' },
} as const;

async function run(args: Args, { out }: CommandContext): Promise<number> {
  const seed = args.string('seed', '1');
  out.progress(`seed: ${seed}`);
  const file = args.required('topology');
  const pairs = args.number('pairs', { integer: true, min: 1, max: 10_000_000, default: 10_000 });
  const overlayName = args.string('overlay', 'yggdrasil');
  if (overlayName === 'mycelium') return runMycelium(file, pairs, seed, out);
  if (overlayName !== 'yggdrasil') throw new InputError('validate stretch', '--overlay', `must be yggdrasil or mycelium, got '${overlayName}'`);
  const parentRule = args.string('parent-rule', 'zos');
  // Listed here, not imported from tree.ts, so that help loads none of the model (test/cli/binary).
  if (!['zos', 'ironwood'].includes(parentRule)) throw new InputError('validate stretch', '--parent-rule', `must be zos or ironwood, got '${parentRule}'`);
  const rootCount = args.number('roots', { integer: true, min: 1, max: 100_000, default: 20 });
  const [{ loadTopology }, { failureKinds, measureReconvergence }, { measureRoots }] = await Promise.all([
    import('../../../sim/network/topology/load.js'),
    import('../../../sim/network/planetary/reconvergence.js'),
    import('../../../sim/network/planetary/roots.js'),
  ]);
  const topology = loadTopology(file);
  const report = measureRoots(topology, { roots: rootCount, pairs, seed, parentRule: parentRule as ParentRule });
  const recovery = args.boolean('reconvergence') ? failureKinds.map((kind) => measureReconvergence(topology, { seed, kind, pairs: Math.min(pairs, 2000) })) : undefined;
  // The contract's fields first, in this order (issue 15); the rest follow for whoever wants them.
  const r = report;
  out.result(
    {
      nodes: r.nodes,
      edges: r.edges,
      overlay: overlayName,
      meanStretch: r.meanStretch,
      p99Stretch: r.p99Stretch,
      maxStretch: r.maxStretch,
      meanLatencyStretch: r.meanLatencyStretch,
      deliveryRatio: r.deliveryRatio,
      meanRoutingEntries: r.meanRoutingEntries,
      maxRoutingEntries: r.maxRoutingEntries,
      roots: r.roots,
      parentRule,
      pairs,
      rootNodes: r.rootNodes.map((x) => topology.labels[x]!),
      rootMeans: r.rootMeans,
      ...(recovery && { reconvergence: recovery }),
    },
    () => summary(file, parentRule, report, recovery),
  );
  return 0;
}

/** Mycelium's steady state (sim/network/mycelium/): same contract fields, `roots` spread over destinations. */
async function runMycelium(file: string, pairs: number, seed: string, out: CommandContext['out']): Promise<number> {
  const { myceliumStretch, myceliumStretchSummary } = await import('./stretch-mycelium.js');
  const report = await myceliumStretch({ topology: file, pairs, seed });
  out.result(report, () => myceliumStretchSummary(file, report));
  return 0;
}

function summary(file: string, parentRule: string, r: RootsReport, recovery?: readonly ReconvergenceReport[]): string {
  const f = (x: number | null, digits = 3): string => (x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));
  return [
    `${file}: ${r.nodes} nodes, ${r.edges} links; yggdrasil, parent rule ${parentRule}, ${r.rootNodes.length} roots`,
    `  delivered ${f(r.deliveryRatio * 100, 2)} %`,
    `  hop stretch      mean ${f(r.meanStretch)}  p99 ${f(r.p99Stretch)}  max ${f(r.maxStretch)}`,
    `  over roots       p10 ${f(r.roots.p10)}  median ${f(r.roots.median)}  p90 ${f(r.roots.p90)}`,
    `  latency stretch  mean ${f(r.meanLatencyStretch)}`,
    `  routing entries  mean ${f(r.meanRoutingEntries, 1)}, max ${r.maxRoutingEntries}`,
    ...(recovery ?? []).map(
      (x) => `  ${`${x.kind} loss`.padEnd(16)} ${x.failed || 'none that keeps the graph connected'}: reconverged in ${f(x.reconvergenceS)} s, ${x.affectedNodes} nodes moved, delivery ${f(x.deliveryDuring)} before detection, ${f(x.deliveryAfter)} after`,
    ),
  ].join('\n');
}

export const stretch: Command = {
  name: 'stretch',
  summary: 'route random pairs over the Planetary Network overlay and compare with shortest paths',
  usage: 'validate stretch --topology FILE [--overlay yggdrasil|mycelium] [--parent-rule zos|ironwood] [--roots N] [--pairs N] [--seed S] [--reconvergence] [--json]',
  flags,
  run,
};
