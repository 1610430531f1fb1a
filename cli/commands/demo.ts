// `demo`: the first command a newcomer runs: a small simulated grid with failures, in a few seconds.
// Leaves out the model (scenarios/demo.ts); this reads flags, times the run and prints.

import type { Command } from '../command.js';
import { demoDefaults, runDemo, type DemoReport } from '../../scenarios/demo.js';

export const demo: Command = {
  name: 'demo',
  summary: 'run a small simulated grid (IO, CPU, transfers, node failures) and print a summary',
  usage: 'demo [--seed S] [--nodes N] [--until SECONDS] [--ops-per-s R] [--json]',
  flags: {
    seed: { kind: 'value', valueName: 'S', help: 'seed; the same seed replays the same run (default 1)' },
    nodes: { kind: 'value', valueName: 'N', help: `nodes (default ${demoDefaults.nodes})` },
    until: { kind: 'value', valueName: 'SECONDS', help: `simulated seconds (default ${demoDefaults.durationS})` },
    'ops-per-s': { kind: 'value', valueName: 'R', help: `operations per second over the grid (default ${demoDefaults.opsPerS})` },
  },
  async run(args, { out }) {
    const seed = args.string('seed', '1');
    out.progress(`seed: ${seed}`);
    const startedMs = performance.now();
    const report = runDemo({
      seed,
      nodes: args.number('nodes', { integer: true, default: demoDefaults.nodes }),
      durationS: args.number('until', { default: demoDefaults.durationS }),
      opsPerS: args.number('ops-per-s', { default: demoDefaults.opsPerS }),
    });
    const wallS = (performance.now() - startedMs) / 1000;
    out.result({ ...report, wallS, eventsPerS: Math.round(report.events / wallS) }, () => summary(report, wallS));
    return 0;
  },
};

function summary(r: DemoReport, wallS: number): string {
  const lines = [
    `${r.nodes} nodes (${Object.entries(r.templates).map(([k, v]) => `${v} ${k}`).join(', ')}), ${r.simulatedS} s simulated`,
    `${r.events} events in ${wallS.toFixed(2)} s (${(r.events / wallS / 1e6).toFixed(2)} M events/s); trace ${r.traceHash.slice(0, 16)}`,
    `node failures ${r.nodeFailures}, repairs ${r.nodeRepairs}, disk failures ${r.diskFailures}, ${(r.bytesTransferred / 1e9).toFixed(1)} GB transferred`,
    'operation          ok  failed  refused  p50 ms     p99 ms',
  ];
  for (const [kind, o] of Object.entries(r.operations)) {
    lines.push(`${kind.padEnd(15)} ${String(o.ok).padStart(5)} ${String(o.failed).padStart(7)} ${String(o.refusedNodeDown).padStart(8)}  ${o.latencyMsP50.toFixed(3).padStart(9)} ${o.latencyMsP99.toFixed(3).padStart(10)}`);
  }
  return lines.join('\n');
}
