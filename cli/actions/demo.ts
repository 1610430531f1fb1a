// `demo`: the README's first command: runs a small built-in failure scenario end to end and writes
// its report, saying where. `--hardware` keeps the older device-level demo (scenarios/demo.ts).

import { resolve } from 'node:path';
import type { Args } from '../args.js';
import type { Command } from '../command.js';
import type { Output } from '../output.js';
import { ExitCode } from '../exit-codes.js';
import { demoDefaults, runDemo, type DemoReport } from '../../scenarios/demo.js';
import { loadScenario } from '../../scenarios/load.js';
import type { RunSummary } from '../../scenarios/runner.js';
import { formatDuration } from '../../scenarios/duration.js';
import { RunRecorder, writeReports } from '../../reports/index.js';
import { defaultDemoOut, defaultDemoScenario } from '../../scenarios/demo-defaults.js';
import { runUntilSignal } from './run.js';
import type { CommandContext } from '../command.js';

/** The work of `demo`; its flags and usage are in cli/commands/demo.ts. */
export async function runDemoCommand(args: Args, context: CommandContext): Promise<number> {
  const { out } = context;
  if (args.boolean('hardware')) return hardwareDemo(args, out);
  const name = args.positionals[0] ?? defaultDemoScenario;
  const scenario = loadScenario(name);
  const seed = args.string('seed') ?? scenario.seed ?? '1';
  out.progress(`seed: ${seed}`);
  const outDir = args.string('out', defaultDemoOut);
  const totalS = scenario.durationS + scenario.convergeWithinS;
  // Buckets of a minute to a day keep the charts readable for anything from an hour to a year.
  const bucketS = [60, 300, 900, 3600, 86_400].find((w) => totalS / w <= 2_000) ?? 7 * 86_400;
  const recorder = new RunRecorder({ bucketS, seed, scenario: scenario.name });
  const startedMs = performance.now();
  const summary = await runUntilSignal(scenario, { seed, observer: recorder }, out, `zos-testbed demo ${name} --seed ${seed}`);
  if (typeof summary === 'number') return summary;
  const wallS = (performance.now() - startedMs) / 1000;
  const files = writeReports(recorder.finish(summary.simulatedSeconds), outDir);
  const reportHtml = resolve(files.find((f) => f.endsWith('report.html'))!);
  out.result({ ...summary, wallSeconds: Number(wallS.toFixed(3)), files, reportHtml }, () => human(summary, wallS, reportHtml));
  return summary.failed === 'safety' ? ExitCode.safety : summary.failed === 'liveness' ? ExitCode.liveness : ExitCode.ok;
}

function human(s: RunSummary, wallS: number, reportHtml: string): string {
  return [
    `${s.scenario}: ${s.nodes} nodes, ${formatDuration(s.safetyUntilS)} with faults, ${s.convergedAfterS === null ? `did not converge within ${formatDuration(s.convergeWithinS)}` : `converged ${formatDuration(s.convergedAfterS)} after faults stopped`}`,
    `${s.events} events in ${wallS.toFixed(2)} s wall`,
    ...Object.entries(s.metrics).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`),
    ...s.invariants.map((i) => `${i.ok ? 'ok  ' : 'FAIL'} [${i.phase}] ${i.name}${i.detail === undefined ? '' : ` — ${i.detail}`}`),
    `report: ${reportHtml}`,
  ].join('\n');
}

async function hardwareDemo(args: Args, out: Output): Promise<number> {
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
  out.result({ ...report, wallS, eventsPerS: Math.round(report.events / wallS) }, () => hardwareSummary(report, wallS));
  return ExitCode.ok;
}

function hardwareSummary(r: DemoReport, wallS: number): string {
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
