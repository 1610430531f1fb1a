// `run SCENARIO`: runs a built-in or JSON scenario headless and prints its summary; the exit status
// says which phase failed. Leaves out the model (scenarios/runner.ts); wall time lives only here.

import { formatDuration } from '../../scenarios/duration.js';
import type { CompiledScenario } from '../../scenarios/compiled.js';
import { loadScenario, scenarioWithTfrobot } from '../../scenarios/load.js';
import { runScenario, RunStopped, type Progress, type RunOptions, type RunSummary } from '../../scenarios/runner.js';
import { RunRecorder, writeReports } from '../../reports/index.js';
import { durationFlag } from '../duration-flag.js';
import { ExitCode, signalExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';
import { watchStopSignals } from '../stop-signal.js';
import { scenarioTransport } from './scenario-transport.js';
import { metricsFromFlag } from '../observability/owner-serve.js';
import type { RunObserver } from '../../scenarios/observer.js';
import type { ZosMetrics } from '../observability/metrics.js';
import type { Args } from '../args.js';
import type { CommandContext } from '../command.js';

/** The work of `run`; its flags and usage are in cli/commands/run.ts. */
export async function runScenarioCommand(args: Args, context: CommandContext): Promise<number> {
  const { out } = context;
  const name = args.positional(0, 'SCENARIO');
  const tfrobot = args.string('tfrobot');
  const scenario = tfrobot === undefined ? loadScenario(name) : scenarioWithTfrobot(name, tfrobot);
  const untilS = durationFlag(args, 'until')?.seconds;
  const seed = args.string('seed') ?? scenario.seed ?? '1';
  out.progress(`seed: ${seed}`);
  const bar = process.stderr.isTTY === true ? progressBar() : undefined;
  const outDir = args.string('out');
  const recorder = outDir === undefined ? undefined : new RunRecorder({ bucketS: bucketFor((untilS ?? scenario.durationS) + scenario.convergeWithinS), seed, scenario: scenario.name });
  const served = await metricsFromFlag(args, (line) => out.progress(line));
  const observer = served === undefined ? recorder : await metricsObserver(served.metrics, recorder);
  const startedMs = performance.now();
  const options: RunOptions = {
    seed,
    ...(await scenarioTransport(args)),
    ...(untilS === undefined ? {} : { untilS }),
    ...(bar === undefined ? {} : { onProgress: bar.update }),
    ...(observer === undefined ? {} : { observer }),
  };
  const summary = await runUntilSignal(scenario, options, out, `zos-testbed run ${name} --seed ${seed}`).finally(() => (bar?.done(), served?.close()));
  if (typeof summary === 'number') return summary;
  const wallSeconds = Number(((performance.now() - startedMs) / 1000).toFixed(3));
  const files = recorder === undefined || outDir === undefined ? [] : writeReports(recorder.finish(summary.simulatedSeconds), outDir);
  if (files.length > 0) out.progress(`reports: ${files.join(', ')}`);
  out.result({ ...summary, wallSeconds, eventsPerS: Math.round(summary.events / Math.max(wallSeconds, 1e-3)), files }, () => human(summary, wallSeconds, name));
  return summary.failed === 'safety' ? ExitCode.safety : summary.failed === 'liveness' ? ExitCode.liveness : ExitCode.ok;
}

/** The run's metrics observer, beside the report recorder when there is one; loaded only with --metrics-port. */
async function metricsObserver(metrics: ZosMetrics, recorder: RunObserver | undefined): Promise<RunObserver> {
  const { MetricsRunObserver, teeObserver } = await import('../observability/owner-metrics.js');
  const observer = new MetricsRunObserver(metrics);
  return recorder === undefined ? observer : teeObserver(recorder, observer);
}

/**
 * Runs a scenario to the end, or until SIGTERM or SIGINT: then says where the run stopped in simulated
 * time and how to replay it whole, and returns the exit status (143, 130) instead of a summary.
 */
export async function runUntilSignal(scenario: CompiledScenario, options: RunOptions, out: Output, replay: string): Promise<RunSummary | number> {
  const abort = new AbortController();
  const watch = watchStopSignals(() => abort.abort());
  try {
    return await runScenario(scenario, { ...options, signal: abort.signal });
  } catch (error) {
    const signal = watch.received();
    if (!(error instanceof RunStopped) || signal === undefined) throw error;
    const { last } = error;
    out.progress(`stopped by ${signal} in the ${last.phase} phase at ${formatDuration(last.nowS)} of ${formatDuration(last.endS)} simulated (${last.events} events); no report written. Replay: ${replay}`);
    return signalExitCode(signal);
  } finally {
    watch.dispose();
  }
}

/** The finest of these bucket widths that keeps a run under 10,000 timeseries rows (a year in hours). */
function bucketFor(totalS: number): number {
  const widths = [60, 300, 900, 3600, 21_600, 86_400, 7 * 86_400];
  return widths.find((w) => totalS / w <= 10_000) ?? 30 * 86_400;
}

function human(s: RunSummary, wallSeconds: number, name: string): string {
  const lines = [
    `${s.scenario}: ${s.nodes} nodes, safety phase ${formatDuration(s.safetyUntilS)}, ${s.convergedAfterS === null ? `did not converge within ${formatDuration(s.convergeWithinS)}` : `converged ${formatDuration(s.convergedAfterS)} after faults stopped`}`,
    `${s.events} events in ${wallSeconds.toFixed(2)} s wall (${Math.round(s.events / Math.max(wallSeconds, 1e-3))} events/s)`,
    ...Object.entries(s.metrics).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`),
    ...availabilityLine(s),
    ...s.invariants.map((i) => `${i.ok ? 'ok  ' : 'FAIL'} [${i.phase}] ${i.name}${i.detail === undefined ? '' : ` — ${i.detail}`}`),
  ];
  if (s.failed !== null) lines.push(`${s.failed} invariant violated; replay: zos-testbed run ${name} --seed ${s.seed}`);
  return lines.join('\n');
}

/** When deployment availability was worst and when it was whole again, as an operator asks first. */
function availabilityLine(s: RunSummary): string[] {
  const d = s.metrics['deployments'] as { availabilityMinFraction?: number; availabilityMinAtS?: number | null; availabilityRestoredAtS?: number | null; hoursLost?: number } | undefined;
  if (d?.availabilityMinAtS === undefined || d.availabilityMinAtS === null) return d === undefined ? [] : ['deployment availability: never below 100 %'];
  const back = d.availabilityRestoredAtS === null || d.availabilityRestoredAtS === undefined || d.availabilityRestoredAtS < d.availabilityMinAtS ? 'not all back by the end' : `all back at ${formatDuration(d.availabilityRestoredAtS)}`;
  return [`deployment availability: lowest ${(100 * d.availabilityMinFraction!).toFixed(1)} % at ${formatDuration(d.availabilityMinAtS)}, ${back}; ${d.hoursLost!.toFixed(1)} deployment-hours lost`];
}

/** A one-line bar on a terminal: simulated time, events/s, ETA. Wall clock only feeds the display. */
function progressBar(): { update: (p: Progress) => void; done: () => void } {
  const startMs = performance.now();
  let phaseStartMs = startMs;
  let phase = '';
  let lastDrawMs = 0;
  return {
    update(p) {
      const now = performance.now();
      if (p.phase !== phase) {
        phase = p.phase;
        phaseStartMs = now;
      }
      if (now - lastDrawMs < 100) return;
      lastDrawMs = now;
      const share = Math.min(1, p.nowS / p.endS);
      const width = 30;
      const filled = Math.round(share * width);
      const elapsedS = (now - phaseStartMs) / 1000;
      const etaS = share > 0 ? (elapsedS / share) * (1 - share) : 0;
      const rate = p.events / Math.max((now - startMs) / 1000, 1e-3);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.phase} ${formatDuration(p.nowS)}/${formatDuration(p.endS)}  ${Math.round(rate)} ev/s  ETA ${etaS.toFixed(0)} s  `);
    },
    done() {
      process.stderr.write('\r\x1b[K');
    },
  };
}
