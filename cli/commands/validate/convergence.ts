// `validate convergence`: Mycelium after link failures on a topology file: convergence times, pairs
// lost meanwhile and control bytes per node per minute. The model lives in sim/network/mycelium/.

import type { Args } from '../../args.js';
import type { Command, CommandContext } from '../../command.js';
import type { ConvergenceReport } from '../../../sim/network/mycelium/convergence.js';

const flags = {
  topology: { kind: 'value', valueName: 'FILE', help: 'GraphML (Topology Zoo) or SNAP edge list' },
  overlay: { kind: 'value', valueName: 'mycelium', help: 'the overlay (only mycelium)' },
  'link-failures': { kind: 'value', valueName: 'N', help: 'links failed one after another, each keeping the graph connected (default 20)' },
  destinations: { kind: 'value', valueName: 'N', help: 'destinations in use (default 64), 8 sources each' },
  notice: { kind: 'value', valueName: 'silent|connection-error', help: 'how the ends notice: dead-peer timer (default) or a connection error at once' },
  version: { kind: 'value', valueName: '0.7.3|0.7.5', help: 'Mycelium version: 0.7.3 as zos runs it (seqno bumps disabled by a bug), or 0.7.5 with the fix (default 0.7.3)' },
  'seqno-requests': { kind: 'value', valueName: 'mycelium|rfc8966', help: "how seqno requests travel: as mycelium's router.rs (default), or ours, proposed upstream: to every peer when a route is lost, answers relayed when their seqno is at least the one asked" },
  seed: { kind: 'value', valueName: 'S', help: 'seed of the destinations, sources, links and timer phases (default 1)' },
} as const;

async function run(args: Args, { out }: CommandContext): Promise<number> {
  const seed = args.string('seed', '1');
  out.progress(`seed: ${seed}`);
  const file = args.required('topology');
  args.oneOf('overlay', ['mycelium'] as const, 'mycelium');
  const linkFailures = args.number('link-failures', { integer: true, min: 1, max: 100_000, default: 20 });
  const destinations = args.number('destinations', { integer: true, min: 1, max: 100_000, default: 64 });
  const notice = args.oneOf('notice', ['silent', 'connection-error'] as const, 'silent');
  const version = args.oneOf('version', ['0.7.3', '0.7.5'] as const, '0.7.3');
  const seqnoRequests = args.oneOf('seqno-requests', ['mycelium', 'rfc8966'] as const, 'mycelium');
  const [{ loadTopology }, { measureMyceliumConvergence }] = await Promise.all([
    import('../../../sim/network/topology/load.js'),
    import('../../../sim/network/mycelium/convergence.js'),
  ]);
  let stop = false;
  const onSignal = (): void => {
    stop = true;
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    const report = measureMyceliumConvergence(loadTopology(file), { seed, linkFailures, destinations, notice, version, seqnoRequests, shouldStop: () => stop });
    out.result(report, () => summary(file, report));
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
  return 0;
}

/** Where the pairs still lost at the end stop, e.g. " (no-route 3, hop-limit 2)". */
function stuck(r: ConvergenceReport): string {
  const causes = Object.entries(r.undeliveredAtEndBy).filter(([, n]) => n > 0);
  return causes.length === 0 ? '' : ` (${causes.map(([cause, n]) => `${cause} ${n}`).join(', ')})`;
}

function summary(file: string, r: ConvergenceReport): string {
  const f = (x: number | null, digits = 2): string => (x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));
  const bytes = (k: 'leaf' | 'hub'): string => {
    const b = r.controlBytesPerNodePerMinute[k];
    return `${k.padEnd(5)} (${b.nodes} nodes, degree ${f(b.degree, 1)}): keepalive ${f(b.keepalive, 0)} B/min, routing ${f(b.routing, 1)} B/min`;
  };
  return [
    `${file}: ${r.nodes} nodes, ${r.edges} links; mycelium ${r.version}${r.seqnoRequests === 'mycelium' ? '' : ` (seqno requests: ${r.seqnoRequests}, ours)`}, ${r.notice} failures, ${r.destinations} destinations, ${r.pairs} pairs`,
    `  ${r.linkFailures} link failures: detection p50 ${f(r.detectionS.p50)} s p99 ${f(r.detectionS.p99)} s; quiet again p50 ${f(r.convergenceS.p50)} s p99 ${f(r.convergenceS.p99)} s`,
    `  pairs lost ${r.pairsLost} (${f(r.lostPairSeconds, 0)} pair-seconds); back p50 ${f(r.pairConvergenceS.p50)} s p99 ${f(r.pairConvergenceS.p99)} s after the failure`,
    `  within detection + ${r.boundAfterDetectionS} s: ${f(r.withinBoundRatio * 100, 1)} % of lost pairs; still lost at the end: ${r.pairsUndeliveredAtEnd}${stuck(r)}`,
    `  control bytes per node per minute: ${bytes('leaf')}`,
    `                                     ${bytes('hub')}`,
  ].join('\n');
}

export const convergence: Command = {
  name: 'convergence',
  summary: 'fail links one by one under the Mycelium overlay and report how routes converge',
  usage: 'validate convergence --topology FILE [--overlay mycelium] [--link-failures N] [--destinations N] [--notice silent|connection-error] [--version 0.7.3|0.7.5] [--seqno-requests mycelium|rfc8966] [--seed S] [--json]',
  flags,
  run,
};
